## The Mini App API's refusals (shown by the editor).

miniapp-error-unauthorized = وارد نشده‌اید: ویرایشگر را دوباره از پیام ربات باز کنید.
miniapp-error-forbidden = این پیش‌نویس متعلق به کس دیگری است.
miniapp-error-not-found = اینجا چیزی نیست: شاید پیش‌نویس حذف شده باشد.
miniapp-error-stale = پیش‌نویس در دستگاه دیگری تغییر کرد؛ آخرین نسخه بارگذاری شد.
miniapp-error-closed = این پیش‌نویس دیگر قابل ویرایش نیست: ارسال، لغو یا منقضی شده است.
miniapp-error-invalid = بخشی از پیش‌نویس معتبر نیست؛ فیلد مشخص‌شده را بررسی کنید.
miniapp-error-too-large = یک‌باره خیلی زیاد است.
miniapp-error-rate-limited = پیش‌نمایش‌های پشت‌سرهم زیاد است؛ بعدی تا لحظه‌ای دیگر می‌آید.
miniapp-error-quota = فعلاً سهمیهٔ بازنویسی شما تمام شده است.
miniapp-error-one-at-a-time = هر بار یک کاروسل: منتظر کاروسلی بمانید که در حال رسم است.
miniapp-error-busy = ربات مشغول است؛ لحظه‌ای دیگر دوباره امتحان کنید.
miniapp-error-unavailable = ربات اکنون به انبار خود دسترسی ندارد؛ لحظه‌ای دیگر امتحان کنید.
miniapp-error-internal = مشکلی از طرف ما پیش آمد؛ دوباره امتحان کنید.
miniapp-error-not-configured = ویرایشگر روی این ربات راه‌اندازی نشده است.
miniapp-error-invalid-caption = کپشن خیلی بلند است: حداکثر { $max } نویسه.
miniapp-error-invalid-hashtags = هر پست { $min } تا { $max } هشتگ دارد؛ هر هشتگ یک # و پس از آن حروف، رقم‌ها یا زیرخط، حداکثر { $chars } نویسه.
miniapp-error-invalid-alt = این متن جایگزین خیلی بلند است: حداکثر { $max } نویسه.
miniapp-error-invalid-accent = رنگ معتبر نیست: از ‎#abc یا ‎#aabbcc استفاده کنید.
miniapp-error-invalid-brand-text = حداکثر { $max } نویسه، بدون نویسه‌های کنترلی.
miniapp-error-brand-stale = کیت برند شما در دستگاه دیگری تغییر کرد؛ آخرین نسخه بارگذاری شد.
