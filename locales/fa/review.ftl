## Review before render: the draft's message, its buttons, the /settings choice.

review-setting-on = 👀 بازبینی پیش از رسم
review-setting-off = ⚡ رسم فوری
review-render-button = ✅ رسم کن
review-edit-button = ✏️ ویرایش
review-rewrite-button = 🔁 بازنویسی
review-style-button = 🎨 سبک
draft-caption = <b>پیش‌نویس: { $topic }</b> — { $slides ->
        [one] { $slides } اسلاید
       *[other] { $slides } اسلاید
    }
draft-help = «رسم کن» آن را همان‌طور که هست می‌کشد؛ «بازنویسی» دوباره می‌نویسد؛ «سبک» ظاهر را عوض می‌کند.
draft-help-editor = «رسم کن» آن را همان‌طور که هست می‌کشد؛ «ویرایش» ویرایشگر را برای تغییر هر اسلاید باز می‌کند؛ «بازنویسی» دوباره می‌نویسد؛ «سبک» ظاهر را عوض می‌کند.
draft-ready = 📝 پیش‌نویس <b>{ $topic }</b> آماده است: آن را در زیر بررسی کنید.
draft-expired = ⌛ پیش‌نویس <b>{ $topic }</b> بیش از حد منتظر ماند و منقضی شد. برای شروع دوباره <code>/carousel</code> را بفرستید.
draft-gone = این پیش‌نویس دیگر باز نیست: رسم، لغو یا منقضی شده است.
draft-rewriting = در حال بازنویسی…
draft-pick-style = یک سبک برای پیش‌نویس انتخاب کنید.
