# فارسی. اسم پس از عدد مفرد می‌ماند، پس انتخاب‌گر جمع لازم نیست.

## فهرست دستورها و /help

command-start = شروع: خوشامد، و ثبت‌نام شما.
command-help = فهرست دستورها.
command-carousel = ساخت کاروسل: /carousel <موضوع>.
command-wisdom = حکمت کوتاه امروز.
command-myid = شناسهٔ تلگرام شما و شناسهٔ این گفتگو.
command-ask = پرسیدن سؤال: /ask <سؤال>.
command-history = کاروسل‌های اخیر شما، هر کدام آمادهٔ ساخت دوباره.
command-settings = سبک، تعداد اسلایدها، اندازه، زبان، عکس یا فایل.
command-cancel = لغو کاروسلی که در حال ساخت است.
help-header = <b>چه کارهایی از من برمی‌آید</b>
start-greeting = سلام { $name }! من برای اینستاگرام کاروسل می‌سازم: <code>/carousel موضوع</code> را بفرستید و اسلایدها را آماده تحویل بگیرید.
myid =
    شناسهٔ شما: <code>{ $user }</code>
    شناسهٔ گفتگو: <code>{ $chat }</code>
hint = برای ساخت کاروسل، <code>/carousel موضوع</code> را بفرستید، مثلاً <code>/carousel ایمان و تردید</code>. همهٔ دستورها: /help

## /carousel

carousel-usage =
    موضوع را بعد از دستور بنویسید، مثلاً:
    <code>/carousel ایمان و تردید</code>
topic-undrawable = نمی‌توانم { $missing } از { $total } نویسهٔ این موضوع را بکشم: در اسلایدها به جای واژه‌های شما مربع‌های خالی دیده می‌شد. لطفاً موضوع را با خط دیگری بنویسید.
topic-too-long = این موضوع { $chars } نویسه دارد؛ لطفاً از { $max } بیشتر نشود. موضوع کوتاه و روشن اسلایدهای بهتری می‌سازد.
pick-style =
    موضوع: <b>{ $topic }</b>
    یک سبک انتخاب کنید:
style-galaxy = 🌌 کهکشان
style-vibrant = 🎨 پرانرژی
style-minimal = ⚪ مینیمال
cancel-button = ✖ لغو
pdf-button = 📄 PDF
one-at-a-time = لطفاً هر بار یک کاروسل: کاروسل فعلی هنوز در حال ساخت است. برای توقفش /cancel را بفرستید.
stale-button = این دکمه دیگر معتبر نیست. لطفاً با /carousel از نو شروع کنید.
not-your-request = این درخواست مال کس دیگری است؛ /carousel خودتان را بفرستید.
already-started = دارم انجامش می‌دهم.
starting = در حال شروع…

## پیام وضعیت کاروسل

writing =
    <b>{ $topic }</b>
    ✍️ در حال نوشتن اسلایدها…
rendering =
    <b>{ $topic }</b>
    🎨 در حال کشیدن { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 در حال ارسال…
done =
    <b>{ $topic }</b>
    ✅ آماده شد: { $slides } اسلاید. PDF با یک لمس در دسترس است.
offline-note =
    به‌صورت آفلاین به زبان { $language ->
        [ru] روسی
       *[en] انگلیسی
    } نوشته شد؛ موضوع شما همان‌طور که نوشتید باقی ماند.
failed =
    <b>{ $topic }</b>
    ⚠️ متأسفیم، این کاروسل ساخته نشد: { $reason }
    لطفاً بعداً دوباره امتحان کنید.
timed-out = بیش از حد طول کشید
telegram-refused = تلگرام تصویرها را نپذیرفت
step-failed-writing = متن نوشته نشد
step-failed-rendering = اسلایدها کشیده نشدند
step-failed-sending = اسلایدها ارسال نشدند
internal-error = مشکلی از سمت ما پیش آمد
cancelled =
    <b>{ $topic }</b>
    ✖ لغو شد.
cancel-accepted = در حال لغو: کاروسل پس از مرحلهٔ فعلی متوقف می‌شود.
nothing-to-cancel = چیزی برای لغو نیست: هیچ کاروسلی در حال ساخت نیست.

## /ask و /history

ask-usage =
    سؤال را بعد از دستور بنویسید، مثلاً:
    <code>/ask فیض چیست؟</code>
question-too-long = این سؤال { $chars } نویسه دارد؛ لطفاً از { $max } بیشتر نشود.
history-empty = هنوز کاروسلی ندارید. اولی را بسازید: <code>/carousel موضوع</code>
history-header = <b>کاروسل‌های اخیر شما</b> — روی یکی بزنید تا دوباره ساخته شود:

## /settings

settings =
    <b>تنظیمات</b>
    سبک: { $style }
    اسلایدها: { $slides }
    اندازه: { $size }
    زبان: { $language }
    زبان اسلایدها: { $content }
    ارسال: { $delivery }
    روی اسلایدها: { $handle }

    برای تغییر بزنید:
handle-username = @username شما (وگرنه نام کوچکتان)
handle-name = نام کوچک شما
handle-none = بدون نام
content-auto = همان زبان موضوع
content-interface = همان زبان رابط
content-auto-button = 🔎 زبان موضوع
content-interface-button = 💬 مثل رابط
not-your-settings = این تنظیمات مال کس دیگری است؛ برای دیدن تنظیمات خودتان /settings را بفرستید.
saved = ذخیره شد.

## ردها و محدودیت‌ها

unavailable = متأسفیم، مشکلی از سمت ما پیش آمد. لطفاً یک دقیقهٔ دیگر دوباره امتحان کنید.
slow-down = سریع‌تر از آنچه بتوانم پاسخ بدهم پیام می‌فرستید. لطفاً آهسته‌تر: ممکن است پیام‌های یک دقیقهٔ آینده بی‌پاسخ بمانند.
quota-ask = سؤال (/ask)
quota-wisdom = حکمت (/wisdom)
quota-carousel = کاروسل
quota-pdf = PDF
quota-day-used = سهمیهٔ { $subject } امروز تمام شد: روزی { $per_day }. فردا دوباره می‌شود (روز ساعت 00:00 UTC عوض می‌شود).
quota-minute-used = در یک دقیقه بیش از حد { $subject } خواستید (حداکثر { $per_minute }). یک دقیقهٔ دیگر دوباره امتحان کنید.
busy = الان خیلی سرم شلوغ است. لطفاً یک دقیقهٔ دیگر دوباره امتحان کنید.
not-allowed = متأسفیم، این ربات خصوصی است و فقط به اعضای خودش پاسخ می‌دهد.
limits-help =
    <b>استفادهٔ منصفانه</b>
    برای هر نفر: روزی { $carousels } کاروسل (حداکثر { $carousels_per_minute } در دقیقه)، روزی { $questions } سؤال (/ask) و { $wisdoms } حکمت، روزی { $pdfs } PDF. پیام‌هایی که سریع‌تر از حدود { $messages } در دقیقه باشند، مدتی بی‌پاسخ می‌مانند. وقتی افراد زیادی هم‌زمان از ربات استفاده کنند، ممکن است از شما بخواهد یک دقیقهٔ دیگر دوباره امتحان کنید.
