# The brand kit in the chat (/brand).
command-brand = आपकी ब्रांड किट: आपकी स्लाइड्स पर हैंडल, नाम, फ़ोटो, रंग और फ़ॉन्ट।
brand-view =
    🎨 <b>आपकी ब्रांड किट</b>
    हैंडल: { $handle }
    नाम: { $name }
    एक्सेंट: { $accent }
    फ़ॉन्ट: { $fonts }
    अवतार: { $avatar }
    लोगो: { $logo }

    <code>/brand handle @you</code>, <code>/brand name आपका नाम</code>, <code>/brand accent #ff8800</code> या <code>/brand fonts soft</code> लिखें, या बटन इस्तेमाल करें।
brand-has = हाँ
brand-has-not = नहीं
brand-accent-style = स्टाइल के अपने रंग
brand-button-edit = ✏️ ऐप में बदलें
brand-button-photo = 🖼 मेरी Telegram फ़ोटो लें
brand-button-clear-avatar = अवतार हटाएँ
brand-button-clear-logo = लोगो हटाएँ
brand-fonts-modern = मॉडर्न
brand-fonts-soft = सॉफ़्ट
brand-fonts-strong = स्ट्रॉन्ग
brand-unavailable = इस बॉट पर अभी ब्रांड किट उपलब्ध नहीं है।
brand-private-only = आपकी ब्रांड किट हमारी निजी चैट में सेट होती है: उसे खोलें और /brand भेजें।
brand-photo-none = मुझे आपकी प्रोफ़ाइल फ़ोटो नहीं दिख रही: शायद है ही नहीं, या आपने प्राइवेसी सेटिंग में उसे बॉट्स से छिपाया है।
brand-photo-failed = अभी आपकी फ़ोटो नहीं ला सका; थोड़ी देर में फिर कोशिश करें।
brand-invalid-accent = यह रंग नहीं है: #abc या #aabbcc, या none इस्तेमाल करें।
brand-invalid-fonts = फ़ॉन्ट: modern, soft या strong।
brand-invalid-text = अधिकतम { $max } अक्षर, बिना नियंत्रण वर्णों के।
brand-image-too-large = यह फ़ाइल 20 MB से बड़ी है, जितना Telegram किसी बॉट को डाउनलोड करने देता है उससे ज़्यादा।
brand-image-not-an-image = यह इमेज नहीं है: JPEG, PNG, WebP या GIF भेजें।
brand-image-animated = एनिमेटेड इमेज नहीं चलेंगी: स्थिर इमेज भेजें।
brand-image-too-many-pixels = यह इमेज बहुत बड़ी है: हर तरफ़ अधिकतम 8000 पिक्सेल और 40 मेगापिक्सेल।
brand-image-unreadable = यह इमेज पढ़ी नहीं जा सकती: शायद खराब है।
brand-image-unfittable = इस इमेज को पर्याप्त छोटा नहीं किया जा सकता; कोई दूसरी आज़माएँ।
brand-button-upload-avatar = 📷 अवतार अपलोड करें
brand-button-upload-logo = 🏷 लोगो अपलोड करें
brand-upload-avatar-now = अपने अवतार की तस्वीर अभी फ़ोटो या फ़ाइल के रूप में भेजें (अधिकतम 20 MB)।
brand-upload-logo-now = अपना लोगो अभी भेजें, बेहतर हो पारदर्शी बैकग्राउंड वाली PNG फ़ाइल (अधिकतम 20 MB)।
brand-upload-hint = अपनी स्लाइड्स पर कोई तस्वीर लगाने के लिए /brand खोलें और पहले “अवतार अपलोड करें” या “लोगो अपलोड करें” दबाएँ।
brand-upload-avatar-saved = ✅ आपका नया अवतार अब आपकी स्लाइड्स पर है।
brand-upload-logo-saved = ✅ आपका लोगो अब आपकी स्लाइड्स पर है।
