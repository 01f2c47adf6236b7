## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>आपकी पोस्ट चिपकाने के लिए तैयार है।</b> कॉपी करने के लिए ब्लॉक पर टैप करें।
post-copy-button = पोस्ट कॉपी करें
post-copy-hashtags-button = हैशटैग कॉपी करें
post-alt-heading = हर स्लाइड का वैकल्पिक टेक्स्ट (Instagram: उन्नत सेटिंग्स → सुलभता)
