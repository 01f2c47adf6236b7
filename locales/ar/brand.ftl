# The brand kit in the chat (/brand).
command-brand = هوية علامتك: المعرّف والاسم والصورة واللون والخطوط على شرائحك.
brand-view =
    🎨 <b>هوية علامتك</b>
    المعرّف: { $handle }
    الاسم: { $name }
    اللون المميز: { $accent }
    الخطوط: { $fonts }
    الصورة الرمزية: { $avatar }
    الشعار: { $logo }

    اكتب <code>/brand handle @you</code> أو <code>/brand name اسمك</code> أو <code>/brand accent #ff8800</code> أو <code>/brand fonts soft</code>، أو استخدم الأزرار.
brand-has = نعم
brand-has-not = لا يوجد
brand-accent-style = ألوان النمط
brand-button-edit = ✏️ التعديل في التطبيق
brand-button-photo = 🖼 استخدم صورتي في تيليجرام
brand-button-clear-avatar = إزالة الصورة الرمزية
brand-button-clear-logo = إزالة الشعار
brand-fonts-modern = عصري
brand-fonts-soft = ناعم
brand-fonts-strong = قوي
brand-unavailable = هويات العلامة غير متاحة في هذا البوت الآن.
brand-private-only = تُضبط هوية علامتك في محادثتنا الخاصة: افتحها وأرسل /brand.
brand-photo-none = لا أرى صورة ملفك الشخصي: ربما ليست لديك صورة، أو أنك تخفيها عن البوتات في إعدادات الخصوصية.
brand-photo-failed = تعذّر جلب صورتك الآن؛ حاول بعد قليل.
brand-invalid-accent = هذا ليس لونًا: استخدم ‎#abc أو ‎#aabbcc، أو none.
brand-invalid-fonts = الخطوط: modern أو soft أو strong.
brand-invalid-text = { $max } حرفًا على الأكثر، دون أحرف تحكم.
brand-image-too-large = هذا الملف أكبر من 20 ميغابايت، وهو أكثر مما يسمح تيليجرام للبوت بتنزيله.
brand-image-not-an-image = هذه ليست صورة: أرسل JPEG أو PNG أو WebP أو GIF.
brand-image-animated = لا يمكن استخدام الصور المتحركة: أرسل صورة ثابتة.
brand-image-too-many-pixels = هذه الصورة كبيرة جدًا: 8000 بكسل على الأكثر لكل ضلع و40 ميغابكسل.
brand-image-unreadable = تتعذّر قراءة هذه الصورة: ربما هي تالفة.
brand-image-unfittable = لا يمكن تصغير هذه الصورة بما يكفي؛ جرّب صورة أخرى.
brand-button-upload-avatar = 📷 رفع صورة رمزية
brand-button-upload-logo = 🏷 رفع شعار
brand-upload-avatar-now = أرسل الآن صورة لصورتك الرمزية، كصورة أو كملف (20 ميغابايت على الأكثر).
brand-upload-logo-now = أرسل شعارك الآن، ويُفضَّل ملف PNG بخلفية شفافة (20 ميغابايت على الأكثر).
brand-upload-hint = لاستخدام صورة على شرائحك، افتح /brand واضغط أولًا «رفع صورة رمزية» أو «رفع شعار».
brand-upload-avatar-saved = ✅ صورتك الرمزية الجديدة على شرائحك الآن.
brand-upload-logo-saved = ✅ شعارك على شرائحك الآن.
