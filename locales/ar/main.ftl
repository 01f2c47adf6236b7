# العربية. تُكتب الأعداد بصيغ لا تحتاج إلى مطابقة المعدود حيث أمكن، وإلا فبمحدِّد الجمع.

## قائمة الأوامر و/help

command-start = البدء: ترحيب وتسجيلك في البوت.
command-help = قائمة الأوامر.
command-carousel = إنشاء كاروسيل: /carousel <الموضوع>.
command-wisdom = حكمة اليوم القصيرة.
command-myid = معرّفك في Telegram ومعرّف هذه المحادثة.
command-ask = اطرح سؤالًا: /ask <السؤال>.
command-history = آخر كاروسيلاتك، وكلٌّ منها جاهز لإعادة الإنشاء.
command-settings = النمط وعدد الشرائح والحجم واللغة والصور أو الملفات.
command-cancel = إلغاء الكاروسيل الجاري إنشاؤه.
help-header = <b>ما الذي أستطيع فعله</b>
start-greeting = مرحبًا يا { $name }! أصنع كاروسيلات لإنستغرام: أرسل <code>/carousel الموضوع</code> وتصلك الشرائح جاهزة.
myid =
    معرّفك: <code>{ $user }</code>
    معرّف المحادثة: <code>{ $chat }</code>
hint = لإنشاء كاروسيل أرسل <code>/carousel الموضوع</code>، مثلًا <code>/carousel الإيمان والشك</code>. كل الأوامر: /help

## /carousel

carousel-usage =
    اكتب الموضوع بعد الأمر، مثلًا:
    <code>/carousel الإيمان والشك</code>
topic-undrawable = لا أستطيع رسم { $missing } من أصل { $total } حرفًا في هذا الموضوع: ستظهر في الشرائح مربعات فارغة بدل كلماتك. يُرجى كتابة الموضوع بخط آخر.
topic-too-long = عدد أحرف هذا الموضوع { $chars }، والحد الأقصى { $max }. الموضوع القصير الواضح يصنع شرائح أفضل.
pick-style =
    الموضوع: <b>{ $topic }</b>
    اختر نمطًا:
style-galaxy = 🌌 المجرة
style-vibrant = 🎨 حيوي
style-minimal = ⚪ بسيط
cancel-button = ✖ إلغاء
pdf-button = 📄 PDF
one-at-a-time = كاروسيل واحد في كل مرة من فضلك: الحالي ما زال قيد الإنشاء. أرسل /cancel لإيقافه.
stale-button = هذا الزر لم يعد صالحًا. ابدأ من جديد عبر /carousel من فضلك.
not-your-request = هذا الطلب يخص شخصًا آخر؛ أرسل /carousel الخاص بك.
already-started = أعمل عليه بالفعل.
starting = جارٍ البدء…

## رسالة حالة الكاروسيل

writing =
    <b>{ $topic }</b>
    ✍️ جارٍ كتابة الشرائح…
rendering =
    <b>{ $topic }</b>
    🎨 جارٍ الرسم { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 جارٍ الإرسال…
done =
    <b>{ $topic }</b>
    ✅ تم: { $slides ->
        [zero] لا شرائح
        [one] شريحة واحدة
        [two] شريحتان
        [few] { $slides } شرائح
       *[other] { $slides } شريحة
    }. ملف PDF على بُعد نقرة.
offline-note =
    كُتب دون اتصال بالنموذج { $language ->
        [ru] بالروسية
       *[en] بالإنجليزية
    }، وبقي موضوعك كما كتبته.
failed =
    <b>{ $topic }</b>
    ⚠️ عذرًا، تعذّر إنشاء هذا الكاروسيل: { $reason }
    حاول مرة أخرى لاحقًا من فضلك.
timed-out = استغرق الأمر وقتًا أطول من اللازم
telegram-refused = لم يقبل Telegram الصور
step-failed-writing = تعذّرت كتابة النص
step-failed-rendering = تعذّر رسم الشرائح
step-failed-sending = تعذّر إرسال الشرائح
internal-error = حدث خطأ ما من جهتنا
cancelled =
    <b>{ $topic }</b>
    ✖ أُلغي.
cancel-accepted = جارٍ الإلغاء: سيتوقف الكاروسيل بعد خطوته الحالية.
nothing-to-cancel = لا شيء لإلغائه: لا يوجد كاروسيل قيد الإنشاء.

## /ask و/history

ask-usage =
    اطرح سؤالك بعد الأمر، مثلًا:
    <code>/ask ما هي النعمة؟</code>
question-too-long = عدد أحرف هذا السؤال { $chars }، والحد الأقصى { $max }.
history-empty = لا توجد كاروسيلات بعد. أنشئ أولها: <code>/carousel الموضوع</code>
history-header = <b>آخر كاروسيلاتك</b> — انقر على أحدها لإنشائه من جديد:

## /settings

settings =
    <b>الإعدادات</b>
    النمط: { $style }
    الشرائح: { $slides }
    الحجم: { $size }
    اللغة: { $language }
    لغة الشرائح: { $content }
    الإرسال: { $delivery }
    على الشرائح: { $handle }

    انقر للتغيير:
handle-username = @username الخاص بك (وإلا فاسمك الأول)
handle-name = اسمك الأول
handle-none = بلا اسم
content-auto = لغة الموضوع نفسه
content-interface = لغة الواجهة نفسها
content-auto-button = 🔎 لغة الموضوع
content-interface-button = 💬 مثل الواجهة
not-your-settings = هذه الإعدادات تخص شخصًا آخر؛ أرسل /settings لفتح إعداداتك.
saved = تم الحفظ.

## الرفض والحدود

unavailable = عذرًا، حدث خطأ ما من جهتنا. حاول مرة أخرى بعد دقيقة من فضلك.
slow-down = ترسل الرسائل أسرع مما أستطيع الرد عليها. تمهّل من فضلك: قد تبقى الرسائل المرسلة خلال الدقيقة القادمة دون رد.
quota-ask = الأسئلة (/ask)
quota-wisdom = الحِكم (/wisdom)
quota-carousel = الكاروسيلات
quota-pdf = ملفات PDF
quota-day-used = انتهى حدّك اليومي من { $subject }: { $per_day } في اليوم. يمكنك المتابعة غدًا (يبدأ اليوم الجديد عند 00:00 UTC).
quota-minute-used = بلغت حدّ { $subject } في الدقيقة (الحد الأقصى { $per_minute }). حاول مرة أخرى بعد دقيقة.
busy = أنا مشغول جدًا الآن. حاول مرة أخرى بعد دقيقة من فضلك.
not-allowed = عذرًا، هذا البوت خاص ولا يخدم إلا أعضاءه.
limits-help =
    <b>الاستخدام العادل</b>
    لكل شخص في اليوم: الكاروسيلات حتى { $carousels } (وحتى { $carousels_per_minute } في الدقيقة)، والأسئلة (/ask) حتى { $questions }، والحِكم حتى { $wisdoms }، وملفات PDF حتى { $pdfs }. الرسائل التي تتجاوز نحو { $messages } في الدقيقة تبقى دون رد لبعض الوقت. وعندما يستخدم كثيرون البوت في وقت واحد، قد يُطلب منك المحاولة بعد دقيقة.
