# The bot's words in English: the reference locale. Every other locale has exactly these keys
# (a test checks it), the same variables and the same Telegram HTML tags.
# Variables are filled by src/i18n; user text ($topic, $name, $reason) arrives escaped.

## The command menu (setMyCommands) and /help. The English lines equal the doc comments of
## `Command` in src/telegram/commands.rs.

command-start = Start: a greeting, and you are registered.
command-help = The list of commands.
command-carousel = Make a carousel: /carousel <topic>.
command-wisdom = A short wisdom of the day.
command-myid = Your Telegram id and this chat's id.
command-ask = Ask a question: /ask <question>.
command-history = Your recent carousels, each ready to make again.
command-settings = Default style, slide count, size, language, photos or files.
command-cancel = Cancel your running carousel.
help-header = <b>What I can do</b>
start-greeting = Hi, { $name }! I make Instagram carousels: send <code>/carousel topic</code> and get the slides back.
myid =
    Your id: <code>{ $user }</code>
    Chat id: <code>{ $chat }</code>
hint = To make a carousel, send <code>/carousel topic</code>, for example <code>/carousel Faith and doubt</code>. All commands: /help

## /carousel

carousel-usage =
    Tell me the topic after the command, for example:
    <code>/carousel Faith and doubt</code>
topic-undrawable = I cannot draw { $missing } of the { $total } letters in that topic: the slides would show empty boxes instead of your words. Please write the topic in another script.
topic-too-long = That topic is { $chars } characters long; please keep it within { $max }. A short, clear topic makes better slides.
pick-style =
    Topic: <b>{ $topic }</b>
    Pick a style:
style-galaxy = 🌌 Galaxy
style-vibrant = 🎨 Vibrant
style-minimal = ⚪ Minimal
cancel-button = ✖ Cancel
pdf-button = 📄 PDF
one-at-a-time = One carousel at a time, please: the current one is still being made. Send /cancel to stop it.
stale-button = This button is no longer valid. Please start again with /carousel.
not-your-request = This request belongs to someone else; send your own /carousel.
already-started = Already on it.
starting = Starting…

## A carousel's status message

writing =
    <b>{ $topic }</b>
    ✍️ Writing the slides…
rendering =
    <b>{ $topic }</b>
    🎨 Rendering { $done }/{ $total }…
sending =
    <b>{ $topic }</b>
    📤 Sending…
done =
    <b>{ $topic }</b>
    ✅ Done: { $slides ->
        [one] { $slides } slide
       *[other] { $slides } slides
    }. The PDF is one tap away.
# Shown under the status when the offline writer could not write the topic's language.
# $language: the language it wrote in, "en" or "ru".
offline-note =
    Written offline in { $language ->
        [ru] Russian
       *[en] English
    }; your topic is kept as you wrote it.
failed =
    <b>{ $topic }</b>
    ⚠️ Sorry, this carousel could not be made: { $reason }
    Please try again later.
timed-out = it took too long
telegram-refused = Telegram did not accept the images
step-failed-writing = the text could not be written
step-failed-rendering = the slides could not be drawn
step-failed-sending = the slides could not be sent
internal-error = something went wrong on our side
cancelled =
    <b>{ $topic }</b>
    ✖ Cancelled.
cancel-accepted = Cancelling: the carousel stops after its current step.
nothing-to-cancel = Nothing to cancel: no carousel is being made.

## /ask and /history

ask-usage =
    Ask after the command, for example:
    <code>/ask What is grace?</code>
question-too-long = That question is { $chars } characters long; please keep it within { $max }.
history-empty = No carousels yet. Make the first one: <code>/carousel topic</code>
history-header = <b>Your recent carousels</b> — tap one to make it again:

## /settings

settings =
    <b>Settings</b>
    Style: { $style }
    Slides: { $slides }
    Size: { $size }
    Language: { $language }
    Language of the slides: { $content }
    Delivery: { $delivery }
    On the slides: { $handle }

    Tap to change:
handle-username = your @username (else your first name)
handle-name = your first name
handle-none = no name
content-auto = the topic's own
content-interface = the same as the interface
content-auto-button = 🔎 Topic's language
content-interface-button = 💬 As the interface
not-your-settings = These settings belong to someone else; send /settings for your own.
saved = Saved.

## Refusals and limits

unavailable = Sorry, something went wrong on our side. Please try again in a minute.
slow-down = You are sending messages faster than I can answer. Please slow down: messages sent in the next minute may go unanswered.
quota-ask = questions (/ask)
quota-wisdom = wisdoms (/wisdom)
quota-carousel = carousels
quota-pdf = PDFs
# $subject: one of the quota-* names above.
quota-day-used = That is all { $subject } for today: { $per_day } a day. More tomorrow (the day turns at 00:00 UTC).
quota-minute-used = Too many { $subject } in a minute (at most { $per_minute }). Try again in a minute.
busy = I am very busy right now. Please try again in a minute.
not-allowed = Sorry, this bot is private and serves only its members.
limits-help =
    <b>Fair use</b>
    Per person: { $carousels } { $carousels ->
        [one] carousel
       *[other] carousels
    } a day (at most { $carousels_per_minute } a minute), { $questions } { $questions ->
        [one] question
       *[other] questions
    } (/ask) and { $wisdoms } { $wisdoms ->
        [one] wisdom
       *[other] wisdoms
    } a day, { $pdfs } { $pdfs ->
        [one] PDF
       *[other] PDFs
    } a day. Messages faster than about { $messages } a minute go unanswered for a while. When many people use the bot at once you may be asked to try again in a minute.
