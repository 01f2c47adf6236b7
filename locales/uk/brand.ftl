# The brand kit in the chat (/brand).
command-brand = Ваш фірмовий стиль: підпис, ім'я, фото, колір і шрифти на слайдах.
brand-view =
    🎨 <b>Ваш фірмовий стиль</b>
    Підпис: { $handle }
    Ім'я: { $name }
    Акцент: { $accent }
    Шрифти: { $fonts }
    Аватар: { $avatar }
    Логотип: { $logo }

    Напишіть <code>/brand handle @ви</code>, <code>/brand name Ваше ім'я</code>, <code>/brand accent #ff8800</code> або <code>/brand fonts soft</code> — або натисніть кнопки.
brand-has = є
brand-has-not = немає
brand-accent-style = Кольори стилю
brand-button-edit = ✏️ Змінити в застосунку
brand-button-photo = 🖼 Взяти фото з Telegram
brand-button-clear-avatar = Прибрати аватар
brand-button-clear-logo = Прибрати логотип
brand-fonts-modern = Сучасні
brand-fonts-soft = М'які
brand-fonts-strong = Щільні
brand-unavailable = Фірмовий стиль зараз недоступний у цьому боті.
brand-private-only = Фірмовий стиль налаштовується в особистому чаті зі мною: відкрийте його й надішліть /brand.
brand-photo-none = Я не бачу вашого фото профілю: його немає або воно приховане від ботів у налаштуваннях приватності.
brand-photo-failed = Не вдалося отримати фото; спробуйте трохи згодом.
brand-invalid-accent = Це не колір: використовуйте #abc або #aabbcc, або none.
brand-invalid-fonts = Шрифти: modern, soft або strong.
brand-invalid-text = Не більше { $max } символів, без керівних символів.
brand-image-too-large = Файл більший за 20 МБ — Telegram не дає ботам завантажувати такі.
brand-image-not-an-image = Це не зображення: надішліть JPEG, PNG, WebP або GIF.
brand-image-animated = Анімовані зображення не підходять: надішліть статичне.
brand-image-too-many-pixels = Зображення завелике: не більше 8000 пікселів по стороні та 40 мегапікселів.
brand-image-unreadable = Зображення не читається: можливо, воно пошкоджене.
brand-image-unfittable = Не вдалося стиснути зображення до потрібного розміру; спробуйте інше.
brand-button-upload-avatar = 📷 Завантажити аватар
brand-button-upload-logo = 🏷 Завантажити логотип
brand-upload-avatar-now = Надішліть зображення для аватара — фото або файлом (не більше 20 МБ).
brand-upload-logo-now = Надішліть логотип — краще PNG-файлом із прозорим тлом (не більше 20 МБ).
brand-upload-hint = Щоб поставити зображення на слайди, відкрийте /brand і спершу натисніть «Завантажити аватар» або «Завантажити логотип».
brand-upload-avatar-saved = ✅ Новий аватар тепер на ваших слайдах.
brand-upload-logo-saved = ✅ Логотип тепер на ваших слайдах.
