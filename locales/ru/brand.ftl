# The brand kit in the chat (/brand).
command-brand = Ваш фирменный стиль: подпись, имя, фото, цвет и шрифты на слайдах.
brand-view =
    🎨 <b>Ваш фирменный стиль</b>
    Подпись: { $handle }
    Имя: { $name }
    Акцент: { $accent }
    Шрифты: { $fonts }
    Аватар: { $avatar }
    Логотип: { $logo }

    Напишите <code>/brand handle @вы</code>, <code>/brand name Ваше имя</code>, <code>/brand accent #ff8800</code> или <code>/brand fonts soft</code> — или нажмите кнопки.
brand-has = есть
brand-has-not = нет
brand-accent-style = Цвета стиля
brand-button-edit = ✏️ Изменить в приложении
brand-button-photo = 🖼 Взять фото из Telegram
brand-button-clear-avatar = Убрать аватар
brand-button-clear-logo = Убрать логотип
brand-fonts-modern = Современные
brand-fonts-soft = Мягкие
brand-fonts-strong = Плотные
brand-unavailable = Фирменный стиль сейчас недоступен в этом боте.
brand-private-only = Фирменный стиль настраивается в личном чате со мной: откройте его и отправьте /brand.
brand-photo-none = Я не вижу вашего фото профиля: его нет или оно скрыто от ботов в настройках конфиденциальности.
brand-photo-failed = Не удалось получить фото; попробуйте чуть позже.
brand-invalid-accent = Это не цвет: используйте #abc или #aabbcc, либо none.
brand-invalid-fonts = Шрифты: modern, soft или strong.
brand-invalid-text = Не больше { $max } символов, без управляющих символов.
brand-image-too-large = Файл больше 20 МБ — Telegram не даёт ботам скачивать такие.
brand-image-not-an-image = Это не изображение: пришлите JPEG, PNG, WebP или GIF.
brand-image-animated = Анимированные изображения не подходят: пришлите статичное.
brand-image-too-many-pixels = Изображение слишком большое: не больше 8000 пикселей по стороне и 40 мегапикселей.
brand-image-unreadable = Изображение не читается: возможно, оно повреждено.
brand-image-unfittable = Не удалось ужать изображение до нужного размера; попробуйте другое.
brand-button-upload-avatar = 📷 Загрузить аватар
brand-button-upload-logo = 🏷 Загрузить логотип
brand-upload-avatar-now = Пришлите картинку для аватара — фото или файлом (не больше 20 МБ).
brand-upload-logo-now = Пришлите логотип — лучше PNG-файлом с прозрачным фоном (не больше 20 МБ).
brand-upload-hint = Чтобы поставить картинку на слайды, откройте /brand и сначала нажмите «Загрузить аватар» или «Загрузить логотип».
brand-upload-avatar-saved = ✅ Новый аватар теперь на ваших слайдах.
brand-upload-logo-saved = ✅ Логотип теперь на ваших слайдах.
