## The post sent after a carousel's album: its caption and hashtags, to paste into Instagram.

post-ready = 📋 <b>پست شما آمادهٔ چسباندن است.</b> برای کپی، روی بلوک بزنید.
post-copy-button = کپی پست
post-copy-hashtags-button = کپی هشتگ‌ها
post-alt-heading = متن جایگزین هر اسلاید (اینستاگرام: تنظیمات پیشرفته ← دسترس‌پذیری)
