//! The language a topic is written in, so the slides can be written in it too.
//!
//! The script narrows the choice (Thai script is Thai, Hangul is Korean), but alone it cannot
//! tell Persian from Arabic or Ukrainian from Russian: letters only one of them uses can, and
//! whatlang's trigrams can, with a confidence check, once the text is long enough. A topic is
//! often two words, where trigrams guess wildly ("Morning prayer" reads as Javanese to them), so
//! below the confidence bar the guess is only "a language of this script", and the user's
//! interface language settles it when it is one of them.
use crate::domain::{ContentChoice, ContentLanguage, Lang};
use whatlang::{Detector, Script};

use ContentLanguage as L;

/// What a text says about its language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guess {
    /// This language, by its script, its letters, its little words or a confident detection.
    Sure(ContentLanguage),
    /// One of these (the most widely written first): the script is known, the language is not.
    OneOf(&'static [ContentLanguage]),
    /// No letters of a script we write in (emoji, digits, or a script we have no language for).
    Unknown,
}

/// The whatlang confidence (0..1, how far the best guess leads the next) a detection needs to
/// count. Whole sentences reach 1.0; a short topic in the right language often stays near 0.2.
const MIN_CONFIDENCE: f64 = 0.5;

/// The content language for `text` as the user's choice asks: detected for `Auto`, else the
/// interface's or the chosen one.
pub fn resolve(choice: ContentChoice, text: &str, interface: Lang) -> ContentLanguage {
    match choice {
        ContentChoice::Auto => content_language(text, interface),
        ContentChoice::Interface => ContentLanguage::from(interface),
        ContentChoice::Language(language) => language,
    }
}

/// The language of `text`, falling back to the script's guess and then to the interface's
/// language (a Ukrainian reader's short Cyrillic topic is Ukrainian, a Russian reader's Russian).
pub fn content_language(text: &str, interface: Lang) -> ContentLanguage {
    let own = ContentLanguage::from(interface);
    match guess(text) {
        Guess::Sure(language) => language,
        Guess::OneOf(candidates) if candidates.contains(&own) => own,
        Guess::OneOf(candidates) => candidates.first().copied().unwrap_or(own),
        Guess::Unknown => own,
    }
}

/// What `text` says about its language, on its own.
pub fn guess(text: &str) -> Guess {
    let Some(script) = whatlang::detect_script(text) else {
        return Guess::Unknown;
    };
    let candidates = candidates_of(script);
    match candidates {
        [] => return Guess::Unknown,
        [only] => return Guess::Sure(*only),
        _ => {}
    }
    if let Some(language) = by_letters(text, script).or_else(|| by_little_words(text, candidates)) {
        return Guess::Sure(language);
    }
    let detector = Detector::with_allowlist(candidates.iter().map(|l| whatlang_of(*l)).collect());
    match detector.detect(text) {
        Some(info) if info.confidence() >= MIN_CONFIDENCE => match from_whatlang(info.lang()) {
            Some(language) if candidates.contains(&language) => Guess::Sure(language),
            _ => Guess::OneOf(candidates),
        },
        _ => Guess::OneOf(candidates),
    }
}

/// The languages we write that use `script`, the most widely written first (the guess when
/// nothing else decides).
fn candidates_of(script: Script) -> &'static [ContentLanguage] {
    match script {
        Script::Latin => &[L::En, L::Es, L::Pt, L::Id, L::Tr, L::De, L::Fr, L::It],
        Script::Cyrillic => &[L::Ru, L::Uk],
        Script::Arabic => &[L::Ar, L::Fa, L::Ur],
        // Marathi and Nepali share it; Hindi is by far the most written.
        Script::Devanagari => &[L::Hi],
        Script::Hebrew => &[L::He],
        Script::Bengali => &[L::Bn],
        Script::Tamil => &[L::Ta],
        Script::Thai => &[L::Th],
        Script::Georgian => &[L::Ka],
        Script::Armenian => &[L::Hy],
        Script::Ethiopic => &[L::Am],
        Script::Greek => &[L::El],
        Script::Hangul => &[L::Ko],
        Script::Hiragana | Script::Katakana => &[L::Ja],
        // Han characters: Chinese, or Japanese when kana are among them (see `by_letters`).
        Script::Mandarin => &[L::Zh, L::Ja],
        _ => &[],
    }
}

/// Letters only one language of the script uses: decisive however short the text is.
fn by_letters(text: &str, script: Script) -> Option<ContentLanguage> {
    let has = |set: &str| text.chars().any(|c| set.contains(c));
    let one_of = |a: (bool, ContentLanguage), b: (bool, ContentLanguage)| match (a.0, b.0) {
        (true, false) => Some(a.1),
        (false, true) => Some(b.1),
        _ => None,
    };
    match script {
        Script::Cyrillic => one_of((has("іїєґІЇЄҐ"), L::Uk), (has("ыэъёЫЭЪЁ"), L::Ru)),
        Script::Arabic => {
            // Urdu's retroflex letters and final forms first: Urdu also uses Persian's letters.
            if has("ٹڈڑںےۓہ") {
                return Some(L::Ur);
            }
            // Persian keyboards type pe, che, zhe, gaf, keheh and Farsi yeh; Arabic ones teh
            // marbuta, Arabic yeh, kaf and alef maksura.
            one_of((has("پچژگکی"), L::Fa), (has("ةيكى"), L::Ar))
        }
        // Japanese writes kanji among kana; Chinese never uses kana.
        Script::Mandarin => Some(if has_kana(text) { L::Ja } else { L::Zh }),
        _ => None,
    }
}

fn has_kana(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}'))
}

/// Function words each language alone of its script uses ("and", "y", "und"…): in a topic of
/// three words they say more than trigrams. A word of two languages is in neither list.
const LITTLE_WORDS: &[(ContentLanguage, &[&str])] = &[
    (
        L::En,
        &[
            "the", "and", "of", "to", "for", "with", "your", "my", "our", "is", "are", "why",
            "how", "what", "at", "when", "from",
        ],
    ),
    (
        L::Es,
        &[
            "el", "los", "las", "y", "sin", "nuestra", "nuestro", "cómo", "qué", "cuando",
        ],
    ),
    (
        L::Pt,
        &[
            "os", "do", "dos", "em", "não", "com", "nossa", "nosso", "você",
        ],
    ),
    (
        L::Id,
        &[
            "dan", "yang", "ke", "dari", "untuk", "dengan", "ini", "itu", "dalam", "adalah",
            "kita", "tidak",
        ],
    ),
    (
        L::Tr,
        &["ve", "bir", "ile", "için", "bu", "nasıl", "neden", "değil"],
    ),
    (
        L::De,
        &[
            "und", "der", "die", "das", "ist", "mit", "für", "ein", "eine", "im", "zum", "vom",
            "wie", "warum",
        ],
    ),
    (
        L::Fr,
        &[
            "et", "les", "des", "du", "pour", "avec", "est", "une", "au", "aux", "dans", "pourquoi",
        ],
    ),
    (
        L::It,
        &[
            "gli", "della", "delle", "nel", "nella", "per", "che", "sono", "perché",
        ],
    ),
    (L::Ru, &["и", "что", "как", "это", "или"]),
    (L::Uk, &["та", "що", "як", "це", "або"]),
];

/// The one language whose little words `text` has most of; none on a tie or none at all.
fn by_little_words(text: &str, candidates: &[ContentLanguage]) -> Option<ContentLanguage> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut counts: Vec<(ContentLanguage, usize)> = LITTLE_WORDS
        .iter()
        .filter(|(language, _)| candidates.contains(language))
        .map(|(language, list)| {
            let n = words.iter().filter(|w| list.contains(&w.as_str())).count();
            (*language, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    match counts.as_slice() {
        [(language, _)] => Some(*language),
        [(language, a), (_, b), ..] if a > b => Some(*language),
        _ => None,
    }
}

fn whatlang_of(language: ContentLanguage) -> whatlang::Lang {
    use whatlang::Lang as W;
    match language {
        L::En => W::Eng,
        L::Ru => W::Rus,
        L::Uk => W::Ukr,
        L::Es => W::Spa,
        L::Pt => W::Por,
        L::Id => W::Ind,
        L::Tr => W::Tur,
        L::Ar => W::Ara,
        L::Fa => W::Pes,
        L::Ur => W::Urd,
        L::He => W::Heb,
        L::Hi => W::Hin,
        L::Bn => W::Ben,
        L::Ta => W::Tam,
        L::Th => W::Tha,
        L::Ka => W::Kat,
        L::Hy => W::Hye,
        L::Am => W::Amh,
        L::Zh => W::Cmn,
        L::Ja => W::Jpn,
        L::Ko => W::Kor,
        L::El => W::Ell,
        L::De => W::Deu,
        L::Fr => W::Fra,
        L::It => W::Ita,
    }
}

fn from_whatlang(lang: whatlang::Lang) -> Option<ContentLanguage> {
    ContentLanguage::ALL
        .iter()
        .copied()
        .find(|l| whatlang_of(*l) == lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(text: &str, interface: Lang) -> ContentLanguage {
        content_language(text, interface)
    }

    #[test]
    fn persian_is_not_arabic_and_urdu_is_neither() {
        assert_eq!(auto("ایمان و امید", Lang::En), L::Fa);
        assert_eq!(auto("الإيمان والأمل", Lang::En), L::Ar);
        assert_eq!(
            auto("الإيمان والأمل", Lang::Fa),
            L::Ar,
            "the topic wins over the interface"
        );
        assert_eq!(auto("ایمان و امید", Lang::Ar), L::Fa);
        assert_eq!(auto("ایمان اور امید کی بات ہے", Lang::En), L::Ur);
    }

    #[test]
    fn ukrainian_is_not_russian() {
        assert_eq!(auto("Віра і сумнів", Lang::Ru), L::Uk);
        assert_eq!(auto("Надія", Lang::En), L::Uk);
        assert_eq!(auto("Вера и сомнение", Lang::Uk), L::Ru);
        assert_eq!(auto("Подъём", Lang::Uk), L::Ru);
        assert_eq!(
            auto("Вера и сомнение в работе программиста", Lang::En),
            L::Ru
        );
    }

    #[test]
    fn scripts_of_one_language_name_it() {
        assert_eq!(auto("आस्था और आशा", Lang::En), L::Hi);
        assert_eq!(auto("ศรัทธาและความหวัง", Lang::En), L::Th);
        assert_eq!(auto("אמונה ותקווה", Lang::Ar), L::He);
        assert_eq!(auto("믿음과 희망", Lang::En), L::Ko);
        assert_eq!(auto("რწმენა და იმედი", Lang::Ru), L::Ka);
        assert_eq!(auto("Հավատ և հույս", Lang::Ru), L::Hy);
        assert_eq!(auto("እምነት እና ተስፋ", Lang::En), L::Am);
        assert_eq!(auto("বিশ্বাস ও আশা", Lang::Hi), L::Bn);
        assert_eq!(auto("நம்பிக்கை", Lang::En), L::Ta);
        assert_eq!(auto("Πίστη και ελπίδα", Lang::En), L::El);
    }

    #[test]
    fn chinese_is_han_alone_and_japanese_has_kana() {
        assert_eq!(auto("信仰与希望", Lang::En), L::Zh);
        assert_eq!(auto("信仰と希望", Lang::En), L::Ja);
        assert_eq!(auto("カイゼン", Lang::En), L::Ja);
    }

    #[test]
    fn a_two_word_english_topic_is_english_even_for_a_russian_reader() {
        assert_eq!(
            guess("Morning prayer"),
            Guess::OneOf(candidates_of(Script::Latin))
        );
        assert_eq!(auto("Morning prayer", Lang::Ru), L::En);
        assert_eq!(
            auto("Faith and doubt", Lang::Es),
            L::En,
            "little words decide"
        );
        assert_eq!(auto("Why habits beat motivation", Lang::Pt), L::En);
    }

    #[test]
    fn latin_topics_in_other_languages_are_told_apart() {
        assert_eq!(auto("Fe y esperanza", Lang::En), L::Es);
        assert_eq!(auto("La paciencia en el trabajo", Lang::En), L::Es);
        assert_eq!(auto("Iman dan harapan", Lang::En), L::Id);
        assert_eq!(auto("İnanç ve umut", Lang::En), L::Tr);
        assert_eq!(auto("Glaube und Hoffnung", Lang::En), L::De);
        assert_eq!(auto("Oração diária", Lang::En), L::Pt);
    }

    #[test]
    fn an_ambiguous_short_topic_falls_back_to_the_interface_then_to_the_script() {
        assert_eq!(
            auto("Kaizen", Lang::Tr),
            L::Tr,
            "a Latin word, a Latin interface"
        );
        assert_eq!(auto("Kaizen", Lang::Es), L::Es);
        assert_eq!(
            auto("Kaizen", Lang::Hi),
            L::En,
            "Hindi is not written in Latin letters"
        );
        assert_eq!(auto("صبر", Lang::Fa), L::Fa, "Arabic letters both share");
        assert_eq!(auto("صبر", Lang::Es), L::Ar);
        assert_eq!(auto("Вера", Lang::Uk), L::Uk);
        assert_eq!(auto("Вера", Lang::Es), L::Ru);
        assert_eq!(guess("🙏 2025"), Guess::Unknown);
        assert_eq!(auto("🙏 2025", Lang::Hi), L::Hi);
        assert_eq!(auto("", Lang::Pt), L::Pt);
    }

    #[test]
    fn the_users_choice_wins_over_the_topics_language() {
        let topic = "الإيمان والأمل";
        assert_eq!(resolve(ContentChoice::Auto, topic, Lang::Es), L::Ar);
        assert_eq!(resolve(ContentChoice::Interface, topic, Lang::Es), L::Es);
        assert_eq!(
            resolve(ContentChoice::Language(L::De), topic, Lang::Es),
            L::De
        );
    }

    #[test]
    fn no_little_word_belongs_to_two_languages_of_a_script() {
        for (i, (a, words)) in LITTLE_WORDS.iter().enumerate() {
            for (b, others) in &LITTLE_WORDS[i + 1..] {
                for word in *words {
                    assert!(!others.contains(word), "{word} is both {a:?} and {b:?}");
                }
            }
        }
    }

    #[test]
    fn every_content_language_is_one_whatlang_knows_and_maps_back() {
        for language in ContentLanguage::ALL {
            assert_eq!(from_whatlang(whatlang_of(*language)), Some(*language));
        }
    }
}
