# Русский.

## Меню команд и /help

command-start = Начать: приветствие и регистрация.
command-help = Список команд.
command-carousel = Сделать карусель: /carousel <тема>.
command-wisdom = Короткая мудрость дня.
command-myid = Ваш Telegram id и id этого чата.
command-ask = Задать вопрос: /ask <вопрос>.
command-history = Ваши последние карусели — любую можно сделать снова.
command-settings = Стиль, число слайдов, размер, язык, фото или файлы.
command-cancel = Отменить карусель, которая сейчас делается.
help-header = <b>Что я умею</b>
start-greeting = Привет, { $name }! Я делаю карусели для Instagram: пришлите <code>/carousel тема</code> — и получите готовые слайды.
myid =
    Ваш id: <code>{ $user }</code>
    Id чата: <code>{ $chat }</code>
hint = Чтобы сделать карусель, пришлите <code>/carousel тема</code>, например <code>/carousel Вера и сомнение</code>. Все команды: /help

## /carousel

carousel-usage =
    Напишите тему после команды, например:
    <code>/carousel Вера и сомнение</code>
# Как было до Fluent (тест проверяет «1001 символов»): число стоит после существительного-
# подлежащего, поэтому форма не склоняется по числу.
topic-undrawable = Знаков этой темы, которые я не могу нарисовать: { $missing } из { $total }. На слайдах вместо ваших слов были бы пустые квадраты. Пожалуйста, напишите тему другим письмом.
topic-too-long = В теме { $chars } символов, а можно не больше { $max }. Короткая ясная тема — лучшие слайды.
pick-style =
    Тема: <b>{ $topic }</b>
    Выберите стиль:
style-galaxy = 🌌 Галактика
style-vibrant = 🎨 Яркий
style-minimal = ⚪ Минимализм
cancel-button = ✖ Отмена
pdf-button = 📄 PDF
one-at-a-time = Пожалуйста, по одной карусели: предыдущая ещё готовится. Остановить её — /cancel.
stale-button = Эта кнопка больше не действует. Начните заново: /carousel.
not-your-request = Это чужой запрос — отправьте свой /carousel.
already-started = Уже делаю.
starting = Начинаю…

## Статус карусели

writing =
    <b>{ $topic }</b>
    ✍️ Пишу слайды…
rendering =
    <b>{ $topic }</b>
    🎨 Рисую { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 Отправляю…
done =
    <b>{ $topic }</b>
    ✅ Готово: слайдов — { $slides }. PDF — по кнопке.
offline-note =
    Написано офлайн { $language ->
        [ru] на русском
       *[en] на английском
    }; тема оставлена так, как вы её написали.
failed =
    <b>{ $topic }</b>
    ⚠️ Простите, карусель не получилась: { $reason }
    Попробуйте ещё раз позже.
timed-out = это заняло слишком много времени
telegram-refused = Telegram не принял картинки
step-failed-writing = не удалось написать текст
step-failed-rendering = не удалось нарисовать слайды
step-failed-sending = не удалось отправить слайды
internal-error = у нас что-то пошло не так
cancelled =
    <b>{ $topic }</b>
    ✖ Отменено.
cancel-accepted = Отменяю: карусель остановится после текущего шага.
nothing-to-cancel = Отменять нечего: карусель сейчас не готовится.

## /ask и /history

ask-usage =
    Задайте вопрос после команды, например:
    <code>/ask Что такое благодать?</code>
question-too-long = В вопросе { $chars } символов, а можно не больше { $max }.
history-empty = Каруселей пока нет. Сделайте первую: <code>/carousel тема</code>
history-header = <b>Ваши последние карусели</b> — нажмите, чтобы сделать снова:

## /settings

settings =
    <b>Настройки</b>
    Стиль: { $style }
    Слайдов: { $slides }
    Размер: { $size }
    Язык: { $language }
    Язык слайдов: { $content }
    Отправка: { $delivery }
    На слайдах: { $handle }

    Нажмите, чтобы изменить:
handle-username = ваш @username (или имя)
handle-name = ваше имя
handle-none = без имени
content-auto = как у темы
content-interface = как у интерфейса
content-auto-button = 🔎 Как у темы
content-interface-button = 💬 Как интерфейс
not-your-settings = Это чужие настройки — отправьте /settings, чтобы открыть свои.
saved = Сохранено.

## Отказы и лимиты

unavailable = Простите, у нас что-то пошло не так. Попробуйте через минуту.
slow-down = Вы пишете быстрее, чем я успеваю отвечать. Пожалуйста, помедленнее: сообщения в ближайшую минуту могут остаться без ответа.
quota-ask = вопросов (/ask)
quota-wisdom = мудростей (/wisdom)
quota-carousel = каруселей
quota-pdf = PDF
quota-day-used = На сегодня лимит { $subject } исчерпан: { $per_day } в день. Завтра можно снова (сутки сменяются в 00:00 UTC).
quota-minute-used = Слишком много { $subject } за минуту (не больше { $per_minute }). Попробуйте через минуту.
busy = Сейчас я очень загружен. Пожалуйста, попробуйте через минуту.
not-allowed = Извините, это частный бот: он отвечает только своим участникам.
limits-help =
    <b>Честное использование</b>
    На человека: { $carousels } { $carousels ->
        [one] карусель
        [few] карусели
       *[many] каруселей
    } в день (не больше { $carousels_per_minute } в минуту), { $questions } { $questions ->
        [one] вопрос
        [few] вопроса
       *[many] вопросов
    } (/ask) и { $wisdoms } { $wisdoms ->
        [one] мудрость
        [few] мудрости
       *[many] мудростей
    } в день, { $pdfs } PDF в день. Если писать чаще примерно { $messages } { $messages ->
        [one] сообщения
       *[many] сообщений
    } в минуту, часть останется без ответа. Когда ботом пользуются многие сразу, он может попросить повторить через минуту.
