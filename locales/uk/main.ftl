# Українська.

## Меню команд і /help

command-start = Почати: привітання та реєстрація.
command-help = Список команд.
command-carousel = Зробити карусель: /carousel <тема>.
command-wisdom = Коротка мудрість дня.
command-myid = Ваш Telegram id та id цього чату.
command-ask = Поставити запитання: /ask <запитання>.
command-history = Ваші останні каруселі — будь-яку можна зробити знову.
command-settings = Стиль, кількість слайдів, розмір, мова, фото чи файли.
command-cancel = Скасувати карусель, яка зараз готується.
help-header = <b>Що я вмію</b>
start-greeting = Привіт, { $name }! Я роблю каруселі для Instagram: надішліть <code>/carousel тема</code> — і отримайте готові слайди.
myid =
    Ваш id: <code>{ $user }</code>
    Id чату: <code>{ $chat }</code>
hint = Щоб зробити карусель, надішліть <code>/carousel тема</code>, наприклад <code>/carousel Віра і сумнів</code>. Усі команди: /help

## /carousel

carousel-usage =
    Напишіть тему після команди, наприклад:
    <code>/carousel Віра і сумнів</code>
topic-undrawable = Знаків цієї теми, яких я не можу намалювати: { $missing } з { $total }. На слайдах замість ваших слів були б порожні квадрати. Будь ласка, напишіть тему іншим письмом.
topic-too-long = У темі { $chars } { $chars ->
        [one] символ
        [few] символи
       *[many] символів
    }, а можна не більше { $max }. Коротка й ясна тема — найкращі слайди.
pick-style =
    Тема: <b>{ $topic }</b>
    Оберіть стиль:
style-galaxy = 🌌 Галактика
style-vibrant = 🎨 Яскравий
style-minimal = ⚪ Мінімалізм
cancel-button = ✖ Скасувати
pdf-button = 📄 PDF
one-at-a-time = Будь ласка, по одній каруселі: попередня ще готується. Зупинити її — /cancel.
stale-button = Ця кнопка більше не діє. Почніть заново: /carousel.
not-your-request = Це чужий запит — надішліть свій /carousel.
already-started = Вже роблю.
starting = Починаю…

## Статус каруселі

writing =
    <b>{ $topic }</b>
    ✍️ Пишу слайди…
rendering =
    <b>{ $topic }</b>
    🎨 Малюю { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 Надсилаю…
done =
    <b>{ $topic }</b>
    ✅ Готово: { $slides } { $slides ->
        [one] слайд
        [few] слайди
       *[many] слайдів
    }. PDF — за кнопкою.
offline-note =
    Написано офлайн { $language ->
        [ru] російською
       *[en] англійською
    }; тему залишено так, як ви її написали.
failed =
    <b>{ $topic }</b>
    ⚠️ Вибачте, карусель не вдалася: { $reason }
    Спробуйте ще раз пізніше.
timed-out = це забрало забагато часу
telegram-refused = Telegram не прийняв зображення
step-failed-writing = не вдалося написати текст
step-failed-rendering = не вдалося намалювати слайди
step-failed-sending = не вдалося надіслати слайди
internal-error = у нас щось пішло не так
cancelled =
    <b>{ $topic }</b>
    ✖ Скасовано.
cancel-accepted = Скасовую: карусель зупиниться після поточного кроку.
nothing-to-cancel = Нічого скасовувати: карусель зараз не готується.

## /ask і /history

ask-usage =
    Поставте запитання після команди, наприклад:
    <code>/ask Що таке благодать?</code>
question-too-long = У запитанні { $chars } { $chars ->
        [one] символ
        [few] символи
       *[many] символів
    }, а можна не більше { $max }.
history-empty = Каруселей поки немає. Зробіть першу: <code>/carousel тема</code>
history-header = <b>Ваші останні каруселі</b> — натисніть, щоб зробити знову:

## /settings

settings =
    <b>Налаштування</b>
    Стиль: { $style }
    Слайдів: { $slides }
    Розмір: { $size }
    Мова: { $language }
    Мова слайдів: { $content }
    Надсилання: { $delivery }
    На слайдах: { $handle }

    Натисніть, щоб змінити:
handle-username = ваш @username (або ім'я)
handle-name = ваше ім'я
handle-none = без імені
content-auto = як у теми
content-interface = як в інтерфейсу
content-auto-button = 🔎 Як у теми
content-interface-button = 💬 Як інтерфейс
not-your-settings = Це чужі налаштування — надішліть /settings, щоб відкрити свої.
saved = Збережено.

## Відмови та ліміти

unavailable = Вибачте, у нас щось пішло не так. Спробуйте за хвилину.
slow-down = Ви пишете швидше, ніж я встигаю відповідати. Будь ласка, повільніше: повідомлення найближчої хвилини можуть залишитися без відповіді.
quota-ask = запитань (/ask)
quota-wisdom = мудростей (/wisdom)
quota-carousel = каруселей
quota-pdf = PDF
quota-day-used = На сьогодні ліміт { $subject } вичерпано: { $per_day } на день. Завтра можна знову (доба змінюється о 00:00 UTC).
quota-minute-used = Забагато { $subject } за хвилину (не більше { $per_minute }). Спробуйте за хвилину.
busy = Зараз я дуже завантажений. Будь ласка, спробуйте за хвилину.
not-allowed = Вибачте, це приватний бот: він відповідає лише своїм учасникам.
limits-help =
    <b>Чесне користування</b>
    На людину: { $carousels } { $carousels ->
        [one] карусель
        [few] каруселі
       *[many] каруселей
    } на день (не більше { $carousels_per_minute } за хвилину), { $questions } { $questions ->
        [one] запитання
        [few] запитання
       *[many] запитань
    } (/ask) і { $wisdoms } { $wisdoms ->
        [one] мудрість
        [few] мудрості
       *[many] мудростей
    } на день, { $pdfs } PDF на день. Якщо писати частіше ніж приблизно { $messages } { $messages ->
        [one] повідомлення
        [few] повідомлення
       *[many] повідомлень
    } за хвилину, частина залишиться без відповіді. Коли ботом користується багато людей одночасно, він може попросити повторити за хвилину.
