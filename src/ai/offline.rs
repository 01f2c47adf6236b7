//! The offline writer: deterministic, template-based content for any topic, in
//! Russian or English. Used when no model is configured or the model keeps failing.
//!
//! Same input → same output (seeded from a stable hash of the topic, never from the
//! clock or a random source). In Russian the topic is always quoted after a noun
//! («тема «…»») so no template has to decline it.

use chrono::{Datelike, NaiveDate};

use super::text::{self, SplitMix64};
use super::{arc, CarouselBrief};
use crate::domain::{Lang, Slide, SlideKind};

/// One piece of bilingual template text.
struct Bi {
    en: &'static str,
    ru: &'static str,
}

impl Bi {
    fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ru => self.ru,
        }
    }
}

/// A slide template: title and body, with placeholders `{t}` (topic as typed),
/// `{T}` (topic, capitalized) and `{q}` (topic in the language's quotation marks).
struct Tpl {
    title: Bi,
    body: Bi,
}

impl Tpl {
    fn uses_topic(&self) -> bool {
        [self.title.en, self.title.ru, self.body.en, self.body.ru]
            .iter()
            .any(|s| s.contains("{t}") || s.contains("{T}") || s.contains("{q}"))
    }
}

macro_rules! tpl {
    ($te:literal, $tr:literal, $be:literal, $br:literal) => {
        Tpl {
            title: Bi { en: $te, ru: $tr },
            body: Bi { en: $be, ru: $br },
        }
    };
}

/// A short quote: a paraphrased Bible verse (with reference) or one of our own sayings.
struct Quote {
    text: Bi,
    source: Bi,
    /// Lower-case stems; a topic or question containing one prefers this quote.
    tags: &'static [&'static str],
}

macro_rules! quote {
    ($e:literal, $r:literal, $se:expr, $sr:expr, [$($tag:literal),*]) => {
        Quote {
            text: Bi { en: $e, ru: $r },
            source: Bi { en: $se, ru: $sr },
            tags: &[$($tag),*],
        }
    };
}

const OUR_SAYING_EN: &str = "Bible VibeCoder";
const OUR_SAYING_RU: &str = "Bible VibeCoder";

static QUOTES: &[Quote] = &[
    quote!(
        "Commit your work to the Lord, and your plans will be established.",
        "Предай Господу дела твои, и предприятия твои совершатся.",
        "Proverbs 16:3",
        "Притчи 16:3",
        [
            "plan",
            "work",
            "project",
            "career",
            "план",
            "работ",
            "проект",
            "карьер"
        ]
    ),
    quote!(
        "For everything there is a season, and a time for every purpose under heaven.",
        "Всему своё время, и время всякой вещи под небом.",
        "Ecclesiastes 3:1",
        "Екклесиаст 3:1",
        [
            "time",
            "season",
            "change",
            "wait",
            "врем",
            "перемен",
            "ожидан",
            "сезон"
        ]
    ),
    quote!(
        "Trust in the Lord with all your heart, and do not lean on your own understanding.",
        "Надейся на Господа всем сердцем твоим и не полагайся на разум твой.",
        "Proverbs 3:5",
        "Притчи 3:5",
        [
            "trust",
            "faith",
            "decision",
            "choice",
            "довер",
            "вер",
            "решени",
            "выбор"
        ]
    ),
    quote!(
        "Two are better than one, because they have a good reward for their labor.",
        "Двоим лучше, нежели одному, потому что у них есть доброе вознаграждение в труде их.",
        "Ecclesiastes 4:9",
        "Екклесиаст 4:9",
        [
            "team",
            "friend",
            "together",
            "family",
            "marriage",
            "команд",
            "друж",
            "вместе",
            "семь",
            "брак"
        ]
    ),
    quote!(
        "A gentle answer turns away wrath, but a harsh word stirs up anger.",
        "Кроткий ответ отвращает гнев, а оскорбительное слово возбуждает ярость.",
        "Proverbs 15:1",
        "Притчи 15:1",
        [
            "conflict",
            "anger",
            "argument",
            "feedback",
            "конфликт",
            "гнев",
            "спор",
            "критик"
        ]
    ),
    quote!(
        "Do not worry about tomorrow, for tomorrow will worry about itself.",
        "Не заботьтесь о завтрашнем дне, ибо завтрашний сам будет заботиться о своём.",
        "Matthew 6:34",
        "Матфея 6:34",
        [
            "worry",
            "anxiety",
            "stress",
            "fear",
            "future",
            "тревог",
            "тревож",
            "стресс",
            "страх",
            "беспоко",
            "будущ"
        ]
    ),
    quote!(
        "Whoever is faithful in very little is also faithful in much.",
        "Верный в малом и во многом верен.",
        "Luke 16:10",
        "Луки 16:10",
        [
            "habit",
            "discipline",
            "small",
            "routine",
            "привыч",
            "дисциплин",
            "рутин",
            "мелоч"
        ]
    ),
    quote!(
        "As iron sharpens iron, so one person sharpens another.",
        "Железо железо острит, и человек изощряет взгляд друга своего.",
        "Proverbs 27:17",
        "Притчи 27:17",
        [
            "review",
            "mentor",
            "learn",
            "growth",
            "ревью",
            "ментор",
            "настав",
            "учеб",
            "рост"
        ]
    ),
    quote!(
        "The end of a matter is better than its beginning, and patience is better than pride.",
        "Конец дела лучше начала его; терпеливый лучше высокомерного.",
        "Ecclesiastes 7:8",
        "Екклесиаст 7:8",
        [
            "patience",
            "finish",
            "deadline",
            "pride",
            "терпен",
            "дедлайн",
            "гордост",
            "заверш"
        ]
    ),
    quote!(
        "Be quick to listen, slow to speak and slow to anger.",
        "Всякий человек да будет скор на слышание, медлен на слова, медлен на гнев.",
        "James 1:19",
        "Иакова 1:19",
        [
            "listen",
            "communication",
            "talk",
            "meeting",
            "слуша",
            "общени",
            "разговор",
            "встреч"
        ]
    ),
    quote!(
        "Above all else, guard your heart, for everything you do flows from it.",
        "Больше всего хранимого храни сердце твоё, потому что из него источники жизни.",
        "Proverbs 4:23",
        "Притчи 4:23",
        [
            "burnout",
            "heart",
            "mind",
            "emotion",
            "выгоран",
            "сердц",
            "эмоци",
            "душ"
        ]
    ),
    quote!(
        "Teach us to number our days, that we may gain a heart of wisdom.",
        "Научи нас так счислять дни наши, чтобы нам приобрести сердце мудрое.",
        "Psalm 90:12",
        "Псалом 89:12",
        [
            "productivity",
            "focus",
            "life",
            "priority",
            "продуктив",
            "фокус",
            "жизн",
            "приоритет"
        ]
    ),
    quote!(
        "Though the righteous fall seven times, they rise again.",
        "Семь раз упадёт праведник, и встанет.",
        "Proverbs 24:16",
        "Притчи 24:16",
        [
            "fail",
            "mistake",
            "bug",
            "error",
            "setback",
            "ошиб",
            "баг",
            "неудач",
            "провал"
        ]
    ),
    quote!(
        "Whatever your hand finds to do, do it with all your might.",
        "Всё, что может рука твоя делать, по силам делай.",
        "Ecclesiastes 9:10",
        "Екклесиаст 9:10",
        [
            "motivation",
            "effort",
            "job",
            "code",
            "мотивац",
            "усили",
            "труд",
            "код"
        ]
    ),
    quote!(
        "Ship small, pray big, refactor often.",
        "Выпускай понемногу, молись о многом, рефактори часто.",
        OUR_SAYING_EN,
        OUR_SAYING_RU,
        [
            "vibe",
            "ship",
            "startup",
            "release",
            "программ",
            "вайб",
            "релиз",
            "стартап"
        ]
    ),
    quote!(
        "The best prompt starts with a quiet heart and a clear question.",
        "Лучший промпт начинается с тихого сердца и ясного вопроса.",
        OUR_SAYING_EN,
        OUR_SAYING_RU,
        [
            "ai",
            "prompt",
            "chatgpt",
            "neural",
            "ии",
            "промпт",
            "нейросет",
            "искусствен"
        ]
    ),
    quote!(
        "Clean code and a clean conscience both save you time later.",
        "Чистый код и чистая совесть потом экономят время.",
        OUR_SAYING_EN,
        OUR_SAYING_RU,
        [
            "honest",
            "quality",
            "integrity",
            "clean",
            "честн",
            "качеств",
            "совест",
            "чист"
        ]
    ),
];

static TITLE_TEMPLATES: &[Bi] = &[
    Bi {
        en: "{T}",
        ru: "{T}",
    },
    Bi {
        en: "{T}: what really matters",
        ru: "{T}: что действительно важно",
    },
    Bi {
        en: "Rethinking {t}",
        ru: "{T}: честный взгляд",
    },
    Bi {
        en: "{T}, one step at a time",
        ru: "{T} — шаг за шагом",
    },
    Bi {
        en: "{T} without the noise",
        ru: "{T} без лишнего шума",
    },
    Bi {
        en: "The quiet truth about {t}",
        ru: "Тема «{t}» по-новому",
    },
    Bi {
        en: "{T}: an old wisdom",
        ru: "{T}: древняя мудрость",
    },
];

/// Titles for topics too long to fit in a title (the hook below still names the topic).
static GENERIC_TITLES: &[Bi] = &[
    Bi {
        en: "Let's talk about this honestly",
        ru: "Поговорим об этом честно",
    },
    Bi {
        en: "Old wisdom for a new question",
        ru: "Древняя мудрость для нового вопроса",
    },
    Bi {
        en: "What we rarely say out loud",
        ru: "О чём редко говорят вслух",
    },
    Bi {
        en: "A calm look at a hard question",
        ru: "Спокойный взгляд на трудный вопрос",
    },
];

static TITLE_HOOKS: &[Bi] = &[
    Bi {
        en: "Swipe through: a few minutes, one clear thought about {q}.",
        ru: "Листайте: пара минут и одна ясная мысль на тему {q}.",
    },
    Bi {
        en: "Ancient wisdom meets everyday life. Here is what it says about {q}.",
        ru: "Древняя мудрость встречается с повседневной жизнью. Вот что она говорит на тему {q}.",
    },
    Bi {
        en: "No pressure, no hype. Just a few honest thoughts to carry into your week.",
        ru: "Без давления и хайпа. Несколько честных мыслей, которые стоит взять с собой в неделю.",
    },
    Bi {
        en: "Faith, focus and a bit of code: a fresh angle on {q}.",
        ru: "Вера, фокус и немного кода: свежий взгляд на тему {q}.",
    },
];

static PROBLEMS: &[Tpl] = &[
    tpl!("Where it gets hard", "Где становится трудно",
        "Everyone agrees {q} matters, yet daily noise pushes it aside. We start strong, then quietly drift.",
        "Все согласны, что тема {q} важна, но суета дня вытесняет её. Мы бодро начинаем и незаметно сдаёмся."),
    tpl!("The honest problem", "Честно о проблеме",
        "We collect advice on {q} but rarely act on it. Information without practice only adds pressure.",
        "Мы собираем советы на тему {q}, но редко их применяем. Знания без практики только добавляют давления."),
    tpl!("Why we get stuck", "Почему мы застреваем",
        "With {q} we wait for the perfect moment or the perfect plan. Meanwhile the weeks slip by.",
        "В теме {q} мы ждём идеального момента или идеального плана. А тем временем проходят недели."),
];

static WHY_IT_MATTERS: &[Tpl] = &[
    tpl!("Why it matters", "Почему это важно",
        "Small choices about {q} shape the whole week. Ignore them, and stress fills the gap.",
        "Маленькие решения в теме {q} формируют всю неделю. Если их игнорировать, пустоту заполняет стресс."),
    tpl!("What is at stake", "Что на кону",
        "Time, peace and relationships. How we handle {q} quietly touches all three.",
        "Время, покой и отношения. То, как мы относимся к теме {q}, незаметно касается всего этого."),
    tpl!("The cost of waiting", "Цена промедления",
        "Every postponed step in {q} makes the next one heavier. The best time to start is now, and small.",
        "Каждый отложенный шаг в теме {q} делает следующий тяжелее. Лучшее время начать — сейчас и с малого."),
];

static IDEAS: &[Tpl] = &[
    tpl!("Start smaller than you think", "Начните с меньшего",
        "Pick one tiny step toward {q} today. A small step you keep beats a big plan you postpone.",
        "Выберите один крошечный шаг в теме {q} на сегодня. Маленький, но сделанный шаг лучше большого отложенного плана."),
    tpl!("Name what really matters", "Назовите главное",
        "Write down in one sentence why {q} matters to you. Clarity turns vague wishes into choices.",
        "Запишите одним предложением, чем для вас важна тема {q}. Ясность превращает смутные желания в решения."),
    tpl!("Rhythm beats intensity", "Ритм важнее рывка",
        "Ten minutes every day outlast one heroic weekend. Let {q} become a rhythm, not a sprint.",
        "Десять минут каждый день переживут один героический выходной. Пусть тема {q} станет ритмом, а не спринтом."),
    tpl!("Rest is part of the work", "Отдых — часть работы",
        "Even the Creator rested on the seventh day. Pauses keep {q} sustainable instead of exhausting.",
        "Даже Творец почил в седьмой день. Паузы помогают заниматься темой {q} долго и без выгорания."),
    tpl!("Ask for help early", "Просите помощи раньше",
        "Two are better than one. Share your journey with {q} with a friend, a mentor or a community.",
        "Двоим лучше, чем одному. Поделитесь своим путём в теме {q} с другом, наставником или сообществом."),
    tpl!("Progress over perfection", "Прогресс важнее идеала",
        "Perfect plans rarely ship. Do the honest next thing, then improve it tomorrow.",
        "Идеальные планы редко доходят до дела. Сделайте честный следующий шаг, а завтра улучшите его."),
    tpl!("Guard your inputs", "Берегите то, что впускаете",
        "What you read and scroll shapes what you think. Feed your mind with what supports you in {q}.",
        "То, что мы читаем и листаем, формирует наши мысли. Питайте ум тем, что поддерживает вас в теме {q}."),
    tpl!("Mistakes are teachers", "Ошибки — это учителя",
        "Every bug tells you something true. Fall, learn, rise again: that is how experience in {q} grows.",
        "Каждый баг говорит правду о системе. Упасть, понять, подняться — так растёт опыт в теме {q}."),
    tpl!("Listen before you act", "Сначала выслушайте",
        "Be quick to listen and slow to speak. Understanding the real need saves weeks of wasted effort.",
        "Будьте скоры на слышание и медленны на слова. Понимание настоящей нужды экономит недели напрасных усилий."),
    tpl!("Gratitude changes the lens", "Благодарность меняет взгляд",
        "Name three good things connected with {q} today. Gratitude turns pressure into perspective.",
        "Назовите три хороших момента, связанных с темой {q}. Благодарность превращает давление в перспективу."),
    tpl!("Simple beats clever", "Простое сильнее хитрого",
        "The simplest solution is the easiest to keep. Cut one unnecessary step from how you approach {q}.",
        "Простое решение легче сохранить. Уберите один лишний шаг в том, как вы подходите к теме {q}."),
    tpl!("Serve, don't just succeed", "Служите, а не только преуспевайте",
        "Ask who your effort helps. Work on {q} grows deeper when it serves someone beyond you.",
        "Спросите себя, кому помогает ваш труд. Тема {q} раскрывается глубже, когда служит другим."),
    tpl!("Finish what you start", "Доводите до конца",
        "The end of a matter is better than its beginning. Close one open loop before opening a new one.",
        "Конец дела лучше начала его. Закройте одну начатую задачу, прежде чем открыть новую."),
    tpl!("Make room for silence", "Оставьте место тишине",
        "Five quiet minutes before the screen set the tone for the day. Bring {q} into that stillness.",
        "Пять тихих минут до экрана задают тон всему дню. Подумайте в этой тишине о теме {q}."),
    tpl!("Let the tools serve you", "Пусть инструменты служат вам",
        "AI and code are great servants and poor masters. Use them to free time for what matters in {q}.",
        "ИИ и код — прекрасные слуги, но плохие хозяева. Пусть они освобождают время для главного в теме {q}."),
];

static EXAMPLES: &[Tpl] = &[
    tpl!("A quick example", "Пример из жизни",
        "Anna wanted progress with {q}. She set a ten-minute timer every morning, and a month later the habit carried itself.",
        "Анна хотела сдвинуться в теме {q}. Она ставила таймер на десять минут каждое утро, и через месяц привычка держалась сама."),
    tpl!("How it looks in practice", "Как это выглядит на практике",
        "Mark, a developer, wrote one line each evening about {q}. Thirty lines later he saw patterns he had missed for years.",
        "Разработчик Марк каждый вечер писал одну строчку о теме {q}. Через тридцать строк он увидел то, чего не замечал годами."),
    tpl!("A small case", "Небольшой случай",
        "A team spent five minutes every Monday on {q} before stand-up. Fewer conflicts, clearer priorities, calmer Fridays.",
        "Команда уделяла теме {q} пять минут перед планёркой в понедельник. Меньше конфликтов, яснее приоритеты, спокойнее пятницы."),
    tpl!("Try this today", "Попробуйте сегодня",
        "Write {q} at the top of a page. Add one thing to stop, one to start and one to keep.",
        "Напишите {q} вверху листа. Добавьте одно, что стоит прекратить, одно — начать и одно — сохранить."),
    tpl!("A vibe-coding parallel", "Параллель из вайб-кодинга",
        "A good prompt is clear, small and specific. Describe your next step in {q} the same way.",
        "Хороший промпт — ясный, короткий и конкретный. Опишите свой следующий шаг в теме {q} так же."),
    tpl!("Here is how it looks", "Вот как это выглядит",
        "Instead of a two-hour plan, Kate took a two-minute step every day. A month later she had momentum and joy.",
        "Вместо плана на два часа Катя делала шаг на две минуты каждый день. Через месяц у неё появились и темп, и радость."),
];

static QUOTE_TITLES: &[Bi] = &[
    Bi {
        en: "Ancient wisdom",
        ru: "Древняя мудрость",
    },
    Bi {
        en: "Words worth keeping",
        ru: "Слова, которые стоит запомнить",
    },
    Bi {
        en: "An old word for today",
        ru: "Старое слово на сегодня",
    },
];

static CTAS: &[Tpl] = &[
    tpl!("Your next step", "Ваш следующий шаг",
        "Choose one idea from this carousel and try it this week. Save it so you don't forget.",
        "Выберите одну мысль из этой карусели и попробуйте её на этой неделе. Сохраните, чтобы не забыть."),
    tpl!("Share the light", "Поделитесь светом",
        "Know someone wrestling with {q}? Send them this carousel and start the conversation.",
        "Знаете кого-то, кому сейчас важна тема {q}? Отправьте ему эту карусель и начните разговор."),
    tpl!("Over to you", "Слово за вами",
        "What helps you with {q}? Tell us in the comments and save this post for later.",
        "Что помогает вам в теме {q}? Напишите в комментариях и сохраните пост."),
    tpl!("Start today", "Начните сегодня",
        "Pick the smallest step and take it before tonight. Come back tomorrow for the next one.",
        "Выберите самый маленький шаг и сделайте его до вечера. Завтра возвращайтесь за следующим."),
];

static REFLECTIONS: &[Bi] = &[
    Bi {
        en: "Take one small faithful step today: clarity often comes while walking, not before.",
        ru: "Сделайте сегодня один маленький верный шаг: ясность часто приходит в пути, а не до него.",
    },
    Bi {
        en: "Slow down long enough to listen: to God, to people and to your own heart.",
        ru: "Замедлитесь настолько, чтобы услышать Бога, людей и собственное сердце.",
    },
    Bi {
        en: "Progress is rarely loud. Keep showing up and let the results take their time.",
        ru: "Прогресс редко бывает громким. Продолжайте приходить, а результатам дайте время.",
    },
    Bi {
        en: "Hold your plans with open hands: work diligently, then trust the outcome.",
        ru: "Держите планы открытыми ладонями: трудитесь усердно и доверяйте результат.",
    },
    Bi {
        en: "A mistake is not the end of the story; it is the next line of the lesson.",
        ru: "Ошибка — не конец истории, а следующая строка урока.",
    },
    Bi {
        en: "Choose people who sharpen you, and be that person for someone else.",
        ru: "Выбирайте людей, которые делают вас лучше, и будьте таким человеком для других.",
    },
    Bi {
        en: "Rest is not laziness; it is trust that the world does not rest on your shoulders alone.",
        ru: "Отдых — не лень, а доверие: мир держится не только на ваших плечах.",
    },
    Bi {
        en: "Write code, and live life, so that the next person finds things a little easier.",
        ru: "Пишите код и живите так, чтобы следующему было чуть легче.",
    },
];

static EMOJI: &[(SlideKind, &[&str])] = &[
    (SlideKind::Title, &["✨", "🔥", "🌅", "🕊️", "🌱", "💫"]),
    (SlideKind::Problem, &["🤔", "⚠️", "🧱", "🌀"]),
    (SlideKind::Idea, &["💡", "🌱", "🔑", "🧭", "🎯", "🛠️"]),
    (SlideKind::Example, &["🧩", "📌", "👣", "🔍"]),
    (SlideKind::Quote, &["📖", "📜", "🕊️"]),
    (SlideKind::Cta, &["🚀", "👉", "💬", "🙌"]),
];

const DEFAULT_TOPIC: Bi = Bi {
    en: "faith and everyday life",
    ru: "вера и повседневность",
};

/// The topic used when the user gave none (or nothing usable).
pub(crate) fn default_topic(lang: Lang) -> &'static str {
    DEFAULT_TOPIC.get(lang)
}

/// Longest topic (in words / chars) that goes into a title.
const TITLE_TOPIC_WORDS: usize = 5;
const TITLE_TOPIC_CHARS: usize = 44;

fn emoji_for(kind: SlideKind, rng: &mut SplitMix64) -> &'static str {
    let pool = emoji_pool(kind);
    pool[rng.below(pool.len())]
}

fn emoji_pool(kind: SlideKind) -> &'static [&'static str] {
    EMOJI
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, pool)| *pool)
        .unwrap_or(&["✨"])
}

/// An emoji for `kind` that differs from the previous slide's.
fn emoji_after(kind: SlideKind, previous: &str, rng: &mut SplitMix64) -> &'static str {
    let pool = emoji_pool(kind);
    let i = rng.below(pool.len());
    if pool[i] == previous {
        pool[(i + 1) % pool.len()]
    } else {
        pool[i]
    }
}

fn quoted(topic: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("“{topic}”"),
        Lang::Ru => format!("«{topic}»"),
    }
}

/// Single-pass placeholder substitution (so a topic containing `{t}` stays literal).
fn render(template: &str, topic: &str, lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + topic.len() + 4);
    let mut rest = template;
    while let Some(pos) = rest.find('{') {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(after) = tail.strip_prefix("{t}") {
            out.push_str(topic);
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{T}") {
            out.push_str(&text::capitalize_first(topic));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("{q}") {
            out.push_str(&quoted(topic, lang));
            rest = after;
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// The cleaned topic, or the default topic when nothing usable was given.
fn topic_or_default(raw: &str, lang: Lang) -> String {
    text::clean_topic(raw).unwrap_or_else(|| DEFAULT_TOPIC.get(lang).to_string())
}

fn seed_for(kind: &str, lang: Lang, key: &str) -> SplitMix64 {
    SplitMix64::new(text::stable_hash(&[
        kind.as_bytes(),
        lang.as_str().as_bytes(),
        key.to_lowercase().as_bytes(),
    ]))
}

/// Quote order: quotes whose tags match `haystack` first (in seeded order), then the rest.
fn quote_order(haystack: &str, rng: &mut SplitMix64) -> Vec<usize> {
    let hay = haystack.to_lowercase();
    let perm = rng.permutation(QUOTES.len());
    let (mut matching, rest): (Vec<usize>, Vec<usize>) = perm
        .into_iter()
        .partition(|&i| QUOTES[i].tags.iter().any(|t| hay.contains(t)));
    matching.extend(rest);
    matching
}

fn quote_body(q: &Quote, lang: Lang) -> String {
    let (open, close) = match lang {
        Lang::En => ('“', '”'),
        Lang::Ru => ('«', '»'),
    };
    let quote = q.text.get(lang);
    // Russian puts the full stop outside the guillemets, and drops it before a source.
    let quote = match lang {
        Lang::Ru => quote.trim_end_matches('.'),
        Lang::En => quote,
    };
    format!("{open}{quote}{close} — {}", q.source.get(lang))
}

fn make_slide(kind: SlideKind, emoji: &str, title: &str, body: &str, lang: Lang) -> Slide {
    Slide {
        kind,
        title: text::fit_title(&format!("{emoji} {title}"), kind, lang),
        body: text::fit_body(body, kind, lang),
    }
}

/// Title text for the first slide: a template that fits in 7 words with the topic,
/// or a topic-free title when the topic itself is too long for a title.
fn title_text(topic: &str, lang: Lang, rng: &mut SplitMix64) -> String {
    if word_count(topic) > TITLE_TOPIC_WORDS || topic.chars().count() > TITLE_TOPIC_CHARS {
        return GENERIC_TITLES[rng.below(GENERIC_TITLES.len())]
            .get(lang)
            .to_string();
    }
    let short = topic;
    let topic_words = word_count(short);
    let fitting: Vec<&Bi> = TITLE_TEMPLATES
        .iter()
        .filter(|t| {
            let tpl = t.get(lang);
            let template_words = word_count(&tpl.replace("{T}", "").replace("{t}", ""));
            template_words + topic_words <= text::TITLE_MAX_WORDS
                && tpl.chars().count() + short.chars().count() <= text::TITLE_MAX_CHARS - 3
        })
        .collect();
    let chosen = if fitting.is_empty() {
        "{T}"
    } else {
        fitting[rng.below(fitting.len())].get(lang)
    };
    render(chosen, short, lang)
}

/// Picks from `pool` in a seeded order without repeating until the pool is exhausted.
struct Picker {
    order: Vec<usize>,
    next: usize,
}

impl Picker {
    fn new(len: usize, rng: &mut SplitMix64) -> Self {
        Self {
            order: rng.permutation(len),
            next: 0,
        }
    }

    fn from_order(order: Vec<usize>) -> Self {
        Self { order, next: 0 }
    }

    fn take(&mut self) -> usize {
        if self.order.is_empty() {
            return 0;
        }
        let i = self.order[self.next % self.order.len()];
        self.next += 1;
        i
    }
}

/// A full carousel for any topic: exactly `brief.slide_count()` slides, title first,
/// call to action last. Deterministic in (topic, lang, N).
pub fn write_carousel(brief: &CarouselBrief) -> Vec<Slide> {
    let lang = brief.lang;
    let topic = topic_or_default(&brief.topic, lang);
    let mut rng = seed_for("carousel", lang, &topic);
    let kinds = arc(brief.slide_count());

    let hook = TITLE_HOOKS[rng.below(TITLE_HOOKS.len())].get(lang);
    let mut problems = Picker::new(PROBLEMS.len(), &mut rng);
    let mut whys = Picker::new(WHY_IT_MATTERS.len(), &mut rng);
    let mut ideas = Picker::new(IDEAS.len(), &mut rng);
    let mut examples = Picker::new(EXAMPLES.len(), &mut rng);
    let mut quotes = Picker::from_order(quote_order(&topic, &mut rng));
    let mut quote_titles = Picker::new(QUOTE_TITLES.len(), &mut rng);
    let cta = &CTAS[rng.below(CTAS.len())];

    let mut problem_seen = 0;
    let mut previous_emoji = "";
    kinds
        .iter()
        .map(|&kind| {
            let emoji = emoji_after(kind, previous_emoji, &mut rng);
            previous_emoji = emoji;
            match kind {
                SlideKind::Title => {
                    let title = title_text(&topic, lang, &mut rng);
                    make_slide(kind, emoji, &title, &render(hook, &topic, lang), lang)
                }
                SlideKind::Problem => {
                    problem_seen += 1;
                    let t = if problem_seen == 1 {
                        &PROBLEMS[problems.take()]
                    } else {
                        &WHY_IT_MATTERS[whys.take()]
                    };
                    template_slide(kind, emoji, t, &topic, lang)
                }
                SlideKind::Idea => template_slide(kind, emoji, &IDEAS[ideas.take()], &topic, lang),
                SlideKind::Example => {
                    template_slide(kind, emoji, &EXAMPLES[examples.take()], &topic, lang)
                }
                SlideKind::Quote => {
                    let q = &QUOTES[quotes.take()];
                    let title = QUOTE_TITLES[quote_titles.take()].get(lang);
                    make_slide(kind, emoji, title, &quote_body(q, lang), lang)
                }
                SlideKind::Cta => template_slide(kind, emoji, cta, &topic, lang),
            }
        })
        .collect()
}

fn template_slide(kind: SlideKind, emoji: &str, t: &Tpl, topic: &str, lang: Lang) -> Slide {
    make_slide(
        kind,
        emoji,
        &render(t.title.get(lang), topic, lang),
        &render(t.body.get(lang), topic, lang),
        lang,
    )
}

/// Topic-free slides used by the parser to pad a model's carousel that came up a
/// little short. `index` varies the choice; `seed` keeps it deterministic per input.
pub(crate) fn filler_slide(kind: SlideKind, lang: Lang, seed: u64, index: usize) -> Slide {
    let mut rng = SplitMix64::new(seed ^ (index as u64).wrapping_mul(0x9e37_79b9));
    let emoji = emoji_for(kind, &mut rng);
    let free = |pool: &'static [Tpl]| -> Vec<&'static Tpl> {
        pool.iter().filter(|t| !t.uses_topic()).collect()
    };
    match kind {
        SlideKind::Quote => {
            let q = &QUOTES[(rng.below(QUOTES.len()) + index) % QUOTES.len()];
            let title = QUOTE_TITLES[index % QUOTE_TITLES.len()].get(lang);
            make_slide(kind, emoji, title, &quote_body(q, lang), lang)
        }
        SlideKind::Example => {
            let pool = free(EXAMPLES);
            match pool.get(index % pool.len().max(1)) {
                Some(t) => template_slide(kind, emoji, t, "", lang),
                None => filler_slide(SlideKind::Quote, lang, seed, index),
            }
        }
        SlideKind::Cta => {
            let pool = free(CTAS);
            match pool.get(index % pool.len().max(1)) {
                Some(t) => template_slide(kind, emoji, t, "", lang),
                None => make_slide(
                    kind,
                    emoji,
                    text::default_title(kind, lang),
                    text::default_body(kind, lang),
                    lang,
                ),
            }
        }
        // Ideas (and anything else: titles and problems need the topic).
        _ => {
            let pool = free(IDEAS);
            let start = rng.below(pool.len().max(1));
            match pool.get((start + index) % pool.len().max(1)) {
                Some(t) => template_slide(
                    SlideKind::Idea,
                    emoji_for(SlideKind::Idea, &mut rng),
                    t,
                    "",
                    lang,
                ),
                None => filler_slide(SlideKind::Quote, lang, seed, index),
            }
        }
    }
}

/// A short, honest offline answer to a question (plain text, ≤ 4096 chars): a quote
/// chosen for the question's keywords, a reflection, and a note to ask again later.
pub fn answer(question: &str, lang: Lang) -> String {
    let q = text::clean_topic(question);
    let key = q.clone().unwrap_or_default();
    let mut rng = seed_for("answer", lang, &key);
    let quote = &QUOTES[quote_order(&key, &mut rng)[0]];
    let reflection = REFLECTIONS[rng.below(REFLECTIONS.len())].get(lang);
    let opening = match (&q, lang) {
        (Some(q), Lang::En) => format!("Good question: {}", quoted(q, lang)),
        (Some(q), Lang::Ru) => format!("Хороший вопрос: {}", quoted(q, lang)),
        (None, Lang::En) => "Here is a thought for you".to_string(),
        (None, Lang::Ru) => "Вот мысль для вас".to_string(),
    };
    let closing = match lang {
        Lang::En => "I'm answering from my offline notebook right now. Ask again a little later for a fuller answer.",
        Lang::Ru => "Сейчас я отвечаю из офлайн-блокнота. Спросите чуть позже, и ответ будет подробнее.",
    };
    let text = format!(
        "{opening}\n\n{}\n\n{reflection}\n\n{closing}",
        quote_body(quote, lang)
    );
    text::truncate_chars(&text, text::ANSWER_MAX_CHARS)
}

/// The wisdom of the day: a short quote and a reflection, the same all day long,
/// a different quote on consecutive days.
pub fn wisdom(lang: Lang, date: NaiveDate) -> String {
    let day = i64::from(date.num_days_from_ce());
    let quote = &QUOTES[day.rem_euclid(QUOTES.len() as i64) as usize];
    let mut rng = seed_for("wisdom", lang, &date.to_string());
    let reflection = REFLECTIONS[rng.below(REFLECTIONS.len())].get(lang);
    format!("📖 {}\n\n{reflection}", quote_body(quote, lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::text::{BODY_MAX_CHARS, TITLE_MAX_CHARS};
    use crate::domain::{MAX_SLIDES, MIN_SLIDES};

    fn brief(topic: &str, n: usize, lang: Lang) -> CarouselBrief {
        CarouselBrief::new(topic, n, lang)
    }

    fn assert_well_formed(slides: &[Slide], n: usize) {
        assert_eq!(slides.len(), n);
        assert_eq!(slides[0].kind, SlideKind::Title);
        assert_eq!(slides[n - 1].kind, SlideKind::Cta);
        for s in slides {
            assert!(
                !s.title.trim().is_empty() && !s.body.trim().is_empty(),
                "{s:?}"
            );
            assert!(s.title.chars().count() <= TITLE_MAX_CHARS, "{s:?}");
            assert!(s.body.chars().count() <= BODY_MAX_CHARS, "{s:?}");
            let first = s.title.chars().next().unwrap_or(' ');
            assert!(
                text::is_emoji(first),
                "title must start with an emoji: {s:?}"
            );
            assert!(!s.title.contains('\0') && !s.body.contains('\0'));
            assert!(!s.body.contains("{q}") && !s.body.contains("{t}"), "{s:?}");
        }
    }

    #[test]
    fn every_slide_count_in_both_languages_gives_exactly_n_slides_title_first_cta_last() {
        for lang in [Lang::En, Lang::Ru] {
            for n in MIN_SLIDES..=MAX_SLIDES {
                let slides = write_carousel(&brief("Patience at work", n, lang));
                assert_well_formed(&slides, n);
            }
        }
    }

    #[test]
    fn slide_count_outside_bounds_is_clamped() {
        assert_eq!(write_carousel(&brief("x y", 0, Lang::En)).len(), MIN_SLIDES);
        assert_eq!(
            write_carousel(&brief("x y", 500, Lang::Ru)).len(),
            MAX_SLIDES
        );
    }

    #[test]
    fn same_topic_lang_and_count_give_the_same_carousel() {
        let a = write_carousel(&brief("Prayer and deadlines", 10, Lang::En));
        let b = write_carousel(&brief("Prayer and deadlines", 10, Lang::En));
        assert_eq!(a, b);
    }

    #[test]
    fn distinct_topics_give_visibly_different_carousels() {
        let topics = [
            "Prayer",
            "Burnout",
            "Code review",
            "Money",
            "Forgiveness",
            "Focus",
        ];
        let carousels: Vec<Vec<Slide>> = topics
            .iter()
            .map(|t| write_carousel(&brief(t, 10, Lang::En)))
            .collect();
        for i in 0..carousels.len() {
            for j in i + 1..carousels.len() {
                let same_titles = carousels[i]
                    .iter()
                    .zip(&carousels[j])
                    .skip(1)
                    .filter(|(a, b)| a.title == b.title)
                    .count();
                assert!(
                    same_titles < 6,
                    "{} vs {}: {same_titles} equal titles",
                    topics[i],
                    topics[j]
                );
            }
        }
    }

    #[test]
    fn the_topic_appears_in_the_carousel() {
        let slides = write_carousel(&brief("Sabbath rest", 6, Lang::En));
        assert!(
            slides[0].title.contains("Sabbath rest") || slides[0].title.contains("sabbath rest")
        );
        assert!(slides
            .iter()
            .skip(1)
            .any(|s| s.body.contains("“Sabbath rest”")));
    }

    #[test]
    fn russian_topic_is_quoted_with_guillemets_after_a_noun() {
        let slides = write_carousel(&brief("прокрастинация", 10, Lang::Ru));
        assert_well_formed(&slides, 10);
        let bodies: Vec<&str> = slides.iter().map(|s| s.body.as_str()).collect();
        assert!(
            bodies.iter().any(|b| b.contains("«прокрастинация»")),
            "{bodies:?}"
        );
        for b in &bodies {
            if let Some(pos) = b.find("«прокрастинация»") {
                let before = &b[..pos];
                assert!(
                    before.trim_end().ends_with("тема")
                        || before.trim_end().ends_with("теме")
                        || before.trim_end().ends_with("темой")
                        || before.trim_end().ends_with("тему")
                        || before.trim_end().ends_with("Напишите"),
                    "topic must follow a form of «тема»: {b}"
                );
            }
        }
    }

    #[test]
    fn cyrillic_topic_with_emoji_is_handled() {
        let slides = write_carousel(&brief("  🙏 Молитва и код 💻  ", 7, Lang::Ru));
        assert_well_formed(&slides, 7);
        assert!(
            slides.iter().any(|s| s.body.contains("Молитва и код")),
            "{slides:?}"
        );
    }

    #[test]
    fn hostile_topic_with_markup_nul_and_five_thousand_chars_is_handled() {
        let mut topic = String::from("<script>alert('x')</script>\0<b>Faith</b> ");
        topic.push_str(&"a".repeat(5000));
        for lang in [Lang::En, Lang::Ru] {
            let slides = write_carousel(&brief(&topic, 10, lang));
            assert_well_formed(&slides, 10);
            for s in &slides {
                assert!(!s.body.contains('<') && !s.title.contains('<'), "{s:?}");
            }
        }
    }

    #[test]
    fn empty_topic_uses_a_sensible_default() {
        let slides = write_carousel(&brief("   ", 5, Lang::Ru));
        assert_well_formed(&slides, 5);
        assert!(
            slides
                .iter()
                .any(|s| s.body.contains("вера и повседневность")),
            "{slides:?}"
        );
    }

    #[test]
    fn shouted_topic_is_lowered() {
        let slides = write_carousel(&brief("MONEY AND PEACE", 4, Lang::En));
        assert!(
            slides.iter().any(|s| s.body.contains("“money and peace”")),
            "{slides:?}"
        );
    }

    #[test]
    fn a_topic_containing_placeholders_stays_literal() {
        let slides = write_carousel(&brief("{q} and {t}", 4, Lang::En));
        assert!(
            slides.iter().any(|s| s.body.contains("“q and t”")),
            "{slides:?}"
        );
    }

    #[test]
    fn long_topic_keeps_titles_within_limits() {
        let slides = write_carousel(&brief(
            "how to keep praying when your startup is failing and your code will not compile",
            10,
            Lang::En,
        ));
        assert_well_formed(&slides, 10);
    }

    #[test]
    fn offline_answer_is_plain_short_text_in_the_right_language() {
        let en = answer("How do I stop worrying about my deadline?", Lang::En);
        assert!(en.starts_with("Good question"));
        assert!(en.chars().count() <= text::ANSWER_MAX_CHARS);
        let ru = answer("Как перестать тревожиться?", Lang::Ru);
        assert!(ru.starts_with("Хороший вопрос"));
        assert!(
            ru.contains("Матфея 6:34"),
            "worry keywords pick the matching quote: {ru}"
        );
    }

    #[test]
    fn offline_answer_handles_empty_and_huge_questions() {
        assert!(!answer("", Lang::En).is_empty());
        let huge = "?".repeat(100_000) + &"word ".repeat(10_000);
        assert!(answer(&huge, Lang::Ru).chars().count() <= text::ANSWER_MAX_CHARS);
    }

    #[test]
    fn wisdom_is_deterministic_per_date_and_changes_day_to_day() {
        let d = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
        let next = d.succ_opt().unwrap();
        assert_eq!(wisdom(Lang::En, d), wisdom(Lang::En, d));
        assert_ne!(wisdom(Lang::En, d), wisdom(Lang::En, next));
        assert!(wisdom(Lang::Ru, d).contains('«'));
        assert!(wisdom(Lang::En, d).starts_with("📖 “"));
    }

    #[test]
    fn filler_slides_are_topic_free_and_well_formed() {
        for kind in [
            SlideKind::Idea,
            SlideKind::Example,
            SlideKind::Quote,
            SlideKind::Problem,
        ] {
            for i in 0..5 {
                let s = filler_slide(kind, Lang::Ru, 42, i);
                assert!(!s.body.contains("«»") && !s.body.contains("{q}"), "{s:?}");
                assert!(s.title.chars().count() <= TITLE_MAX_CHARS);
            }
        }
    }
}
