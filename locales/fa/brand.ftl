# The brand kit in the chat (/brand).
command-brand = کیت برند شما: شناسه، نام، عکس، رنگ و قلم‌ها روی اسلایدها.
brand-view =
    🎨 <b>کیت برند شما</b>
    شناسه: { $handle }
    نام: { $name }
    رنگ تأکیدی: { $accent }
    قلم‌ها: { $fonts }
    آواتار: { $avatar }
    لوگو: { $logo }

    بنویسید <code>/brand handle @you</code>، <code>/brand name نام شما</code>، <code>/brand accent #ff8800</code> یا <code>/brand fonts soft</code>، یا از دکمه‌ها استفاده کنید.
brand-has = دارد
brand-has-not = ندارد
brand-accent-style = رنگ‌های خود سبک
brand-button-edit = ✏️ ویرایش در برنامه
brand-button-photo = 🖼 استفاده از عکس تلگرامم
brand-button-clear-avatar = حذف آواتار
brand-button-clear-logo = حذف لوگو
brand-fonts-modern = مدرن
brand-fonts-soft = نرم
brand-fonts-strong = پررنگ
brand-unavailable = کیت برند فعلاً در این ربات در دسترس نیست.
brand-private-only = کیت برند شما در گفت‌وگوی خصوصی ما تنظیم می‌شود: آن را باز کنید و /brand بفرستید.
brand-photo-none = عکس پروفایل شما را نمی‌بینم: شاید ندارید یا در تنظیمات حریم خصوصی آن را از ربات‌ها پنهان کرده‌اید.
brand-photo-failed = الان نتوانستم عکس شما را بگیرم؛ کمی بعد دوباره امتحان کنید.
brand-invalid-accent = این رنگ نیست: از ‎#abc یا ‎#aabbcc یا none استفاده کنید.
brand-invalid-fonts = قلم‌ها: modern، soft یا strong.
brand-invalid-text = حداکثر { $max } نویسه، بدون نویسه‌های کنترلی.
brand-image-too-large = این فایل بیش از ۲۰ مگابایت است؛ تلگرام اجازه نمی‌دهد ربات آن را دانلود کند.
brand-image-not-an-image = این تصویر نیست: یک JPEG، PNG، WebP یا GIF بفرستید.
brand-image-animated = تصویرهای متحرک قابل استفاده نیستند: یک تصویر ثابت بفرستید.
brand-image-too-many-pixels = این تصویر خیلی بزرگ است: حداکثر ۸۰۰۰ پیکسل در هر ضلع و ۴۰ مگاپیکسل.
brand-image-unreadable = این تصویر خوانده نمی‌شود: شاید خراب باشد.
brand-image-unfittable = این تصویر را نمی‌توان به اندازهٔ کافی کوچک کرد؛ تصویر دیگری امتحان کنید.
brand-button-upload-avatar = 📷 بارگذاری آواتار
brand-button-upload-logo = 🏷 بارگذاری لوگو
brand-upload-avatar-now = اکنون تصویر آواتار خود را به‌صورت عکس یا فایل بفرستید (حداکثر ۲۰ مگابایت).
brand-upload-logo-now = اکنون لوگوی خود را بفرستید؛ بهتر است فایل PNG با پس‌زمینهٔ شفاف باشد (حداکثر ۲۰ مگابایت).
brand-upload-hint = برای استفاده از یک تصویر روی اسلایدها، /brand را باز کنید و اول «بارگذاری آواتار» یا «بارگذاری لوگو» را بزنید.
brand-upload-avatar-saved = ✅ آواتار جدید شما اکنون روی اسلایدهایتان است.
brand-upload-logo-saved = ✅ لوگوی شما اکنون روی اسلایدهایتان است.
