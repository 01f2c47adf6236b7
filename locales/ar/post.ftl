## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>منشورك جاهز للصق.</b> اضغط على الكتلة لنسخه.
post-copy-button = نسخ المنشور
post-copy-hashtags-button = نسخ الوسوم
post-alt-heading = النص البديل لكل شريحة (إنستغرام: الإعدادات المتقدمة ← إمكانية الوصول)
