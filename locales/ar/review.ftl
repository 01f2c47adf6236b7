## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 المراجعة قبل الرسم
review-setting-off = ⚡ الرسم فورًا
review-render-button = ✅ ارسم
review-edit-button = ✏️ حرّر
review-rewrite-button = 🔁 أعد الكتابة
review-style-button = 🎨 النمط
draft-caption = <b>مسودة: { $topic }</b> — { $slides ->
        [zero] { $slides } شرائح
        [one] { $slides } شريحة
        [two] { $slides } شريحتان
        [few] { $slides } شرائح
        [many] { $slides } شريحة
       *[other] { $slides } شريحة
    }
draft-help = «ارسم» يرسمها كما هي؛ «أعد الكتابة» يكتبها من جديد؛ «النمط» يغيّر المظهر.
draft-help-editor = «ارسم» يرسمها كما هي؛ «حرّر» يفتح المحرر لتغيير أي شريحة؛ «أعد الكتابة» يكتبها من جديد؛ «النمط» يغيّر المظهر.
draft-ready = 📝 مسودة <b>{ $topic }</b> جاهزة: راجعها أدناه.
draft-expired = ⌛ انتظرت مسودة <b>{ $topic }</b> طويلًا وانتهت صلاحيتها. أرسل <code>/carousel</code> للبدء من جديد.
draft-gone = هذه المسودة لم تعد مفتوحة: رُسمت أو أُلغيت أو انتهت صلاحيتها.
draft-rewriting = أعيد كتابتها…
draft-pick-style = اختر نمطًا للمسودة.
