//! Demo carousel (Russian, with emoji) used by tests, benchmarks, the sample
//! renderer and possibly a bot "/demo" command.

use crate::domain::{Slide, SlideKind};

fn slide(kind: SlideKind, title: &str, body: &str) -> Slide {
    Slide {
        kind,
        title: title.to_string(),
        body: body.to_string(),
        alt: String::new(),
    }
}

/// Ten slides on "Вера и сомнение" covering every slide kind.
pub fn demo_slides() -> Vec<Slide> {
    vec![
        slide(SlideKind::Title, "🙏 Вера и сомнение", "Почему честные вопросы не разрушают веру, а делают её глубже"),
        slide(
            SlideKind::Problem,
            "Страх спросить",
            "Многие молчат о своих сомнениях: кажется, что вопрос — это уже предательство. Но молчание не лечит, а копит тревогу.",
        ),
        slide(
            SlideKind::Idea,
            "Сомнение — не враг",
            "Фома хотел увидеть раны — и Иисус не упрекнул его, а показал. Вопрос может быть формой доверия.",
        ),
        slide(
            SlideKind::Example,
            "📖 Псалмы полны вопросов",
            "«Доколе, Господи?» — Давид спорит с Богом прямо в молитве. Библия не прячет трудные вопросы.\n\nЭто пример честного разговора.",
        ),
        slide(
            SlideKind::Idea,
            "💡 Вопрос открывает дверь",
            "Когда ты спрашиваешь, ты ищешь. А «ищите — и найдёте» — это обещание, а не упрёк.",
        ),
        slide(
            SlideKind::Example,
            "Как это выглядит сегодня",
            "Запиши свой вопрос. Прочитай один отрывок. Обсуди с другом, которому доверяешь. Повтори через неделю.",
        ),
        slide(SlideKind::Quote, "Слово", "«Верую, Господи! помоги моему неверию» — Марк 9:24"),
        slide(
            SlideKind::Problem,
            "⚠️ Ловушка",
            "Сомнение становится опасным, когда превращается в повод не искать ответа вовсе.",
        ),
        slide(SlideKind::Idea, "🔥 Вера растёт в пути", "Не нужно иметь все ответы, чтобы сделать следующий шаг."),
        slide(
            SlideKind::Cta,
            "Сохрани и поделись ✨",
            "Отправь этот пост тому, кто сейчас сомневается. Подписывайся, чтобы не пропустить следующий.",
        ),
    ]
}

/// Scripts with a demo carousel of their own, for benchmarks and looking at slides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoScript {
    Arabic,
    Hindi,
    Chinese,
}

impl DemoScript {
    pub const ALL: &'static [DemoScript] =
        &[DemoScript::Arabic, DemoScript::Hindi, DemoScript::Chinese];

    pub fn name(self) -> &'static str {
        match self {
            DemoScript::Arabic => "arabic",
            DemoScript::Hindi => "hindi",
            DemoScript::Chinese => "chinese",
        }
    }
}

/// Ten slides in `script`, every kind, with the Latin words and digits real posts carry.
pub fn demo_slides_in(script: DemoScript) -> Vec<Slide> {
    let texts: [(&str, &str); 5] = match script {
        DemoScript::Arabic => [
            ("🙏 الإيمان والأمل", "لماذا لا تهدم الأسئلة الصادقة الإيمان، بل تجعله أعمق"),
            ("الخوف من السؤال", "كثيرون يصمتون عن شكوكهم: يبدو لهم أن السؤال خيانة. لكن الصمت لا يشفي، بل يراكم القلق."),
            ("💡 السؤال يفتح الباب", "حين تسأل فأنت تبحث. جرّب ذلك لمدة 30 يومًا في عام 2026، واكتب سؤالك في Telegram."),
            ("كلمة", "«الإيمان هو الثقة بما يُرجى والإيقان بأمور لا تُرى» — عبرانيين 11:1"),
            ("احفظ وشارك ✨", "أرسل هذا المنشور لمن يشك الآن. تابعنا كي لا يفوتك الجديد."),
        ],
        DemoScript::Hindi => [
            ("🙏 आस्था और आशा", "ईमानदार सवाल आस्था को तोड़ते नहीं, बल्कि उसे गहरा बनाते हैं"),
            ("पूछने का डर", "बहुत लोग अपने संदेह के बारे में चुप रहते हैं: लगता है कि सवाल पूछना विश्वासघात है। पर चुप्पी चिंता बढ़ाती है।"),
            ("💡 सवाल दरवाज़ा खोलता है", "जब आप पूछते हैं, आप खोजते हैं। 2026 में 30 दिन तक हर सुबह एक सवाल लिखिए।"),
            ("वचन", "“विश्वास आशा की हुई वस्तुओं का निश्चय है” — इब्रानियों 11:1"),
            ("सहेजें और साझा करें ✨", "यह पोस्ट उसे भेजिए जो अभी संदेह में है। फ़ॉलो कीजिए ताकि अगला न छूटे।"),
        ],
        DemoScript::Chinese => [
            ("🙏 信仰与希望", "为什么诚实的问题不会摧毁信仰，反而让它更深"),
            ("不敢发问", "很多人对自己的怀疑保持沉默：似乎提问就是背叛。但沉默不能医治，只会积累焦虑。"),
            ("💡 问题打开一扇门", "当你发问，你就在寻找。2026年试着连续30天，每天早上写下一个问题。"),
            ("经文", "「信就是所望之事的实底，是未见之事的确据。」——希伯来书11:1"),
            ("收藏并分享 ✨", "把这篇帖子发给正在怀疑的人。关注我们，不错过下一篇。"),
        ],
    };
    let kinds = [
        SlideKind::Title,
        SlideKind::Problem,
        SlideKind::Idea,
        SlideKind::Example,
        SlideKind::Idea,
        SlideKind::Example,
        SlideKind::Quote,
        SlideKind::Problem,
        SlideKind::Idea,
        SlideKind::Cta,
    ];
    kinds
        .iter()
        .map(|&kind| {
            let (title, body) = match kind {
                SlideKind::Title => texts[0],
                SlideKind::Problem => texts[1],
                SlideKind::Idea | SlideKind::Example => texts[2],
                SlideKind::Quote => texts[3],
                SlideKind::Cta => texts[4],
            };
            slide(kind, title, body)
        })
        .collect()
}
