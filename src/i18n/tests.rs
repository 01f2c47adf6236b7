//! The locales agree with English: the same messages, the same variables, the same Telegram HTML
//! tags; every message formats in every locale; the translations are translations.
use super::*;
use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A locale's messages as its files spell them: id → the variables it uses.
type Messages = BTreeMap<String, BTreeSet<String>>;

fn locales_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("locales")
}

/// Every message (and term) of every .ftl file in `lang`'s folder, read by Fluent's own parser;
/// a syntax error fails the test, naming the file.
fn messages_of(lang: Lang) -> Messages {
    let dir = locales_dir().join(folder_of(lang));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} has no .ftl file", dir.display());
    let mut messages = Messages::new();
    for file in files {
        let source = std::fs::read_to_string(&file).expect("a readable .ftl file");
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", file.display()));
        for entry in resource.body {
            let (id, pattern) = match entry {
                ast::Entry::Message(m) => (m.id.name.to_string(), m.value),
                ast::Entry::Term(t) => (format!("-{}", t.id.name), Some(t.value)),
                ast::Entry::Junk { content } => panic!("{}: junk {content:?}", file.display()),
                _ => continue,
            };
            let mut variables = BTreeSet::new();
            if let Some(pattern) = &pattern {
                variables_in_pattern(pattern, &mut variables);
            }
            let previous = messages.insert(id.clone(), variables);
            assert!(previous.is_none(), "{lang}: {id} twice");
        }
    }
    messages
}

fn variables_in_pattern(pattern: &ast::Pattern<&str>, found: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            variables_in_expression(expression, found);
        }
    }
}

fn variables_in_expression(expression: &ast::Expression<&str>, found: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            variables_in_inline(selector, found);
            for variant in variants {
                variables_in_pattern(&variant.value, found);
            }
        }
        ast::Expression::Inline(inline) => variables_in_inline(inline, found),
    }
}

fn variables_in_inline(inline: &ast::InlineExpression<&str>, found: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            found.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                variables_in_inline(argument, found);
            }
        }
        ast::InlineExpression::Placeable { expression } => {
            variables_in_expression(expression, found)
        }
        _ => {}
    }
}

#[test]
fn every_interface_language_has_a_folder_and_every_folder_is_an_interface_language() {
    let folders: BTreeSet<String> = std::fs::read_dir(locales_dir())
        .expect("locales/")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let langs: BTreeSet<String> = Lang::ALL
        .iter()
        .map(|l| folder_of(*l).to_string())
        .collect();
    assert_eq!(folders, langs);
    assert!(Lang::ALL.len() >= 10, "ru, en and at least eight more");
}

#[test]
fn a_locale_has_exactly_the_messages_english_has_with_the_same_variables() {
    let english = messages_of(Lang::En);
    assert!(
        english.len() > 60,
        "the English file was read: {}",
        english.len()
    );
    for lang in Lang::ALL {
        let theirs = messages_of(*lang);
        let missing: Vec<&String> = english
            .keys()
            .filter(|k| !theirs.contains_key(*k))
            .collect();
        let extra: Vec<&String> = theirs
            .keys()
            .filter(|k| !english.contains_key(*k))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, not in English {extra:?}"
        );
        for (id, variables) in &english {
            assert_eq!(
                theirs.get(id),
                Some(variables),
                "{lang}: {id} uses other variables than English"
            );
        }
    }
}

/// Variables for any message, each number in several plural categories of every language.
fn sample_args(number: i64, language: &'static str) -> HashMap<&'static str, Value<'static>> {
    let mut args: HashMap<&'static str, Value<'static>> = HashMap::new();
    for text in [
        "topic", "name", "reason", "user", "chat", "style", "size", "handle", "content",
        "delivery", "subject", "accent", "fonts", "avatar", "logo",
    ] {
        args.insert(text, Value::from(format!("<{text}>")));
    }
    args.insert("language", Value::from(language));
    for count in [
        "chars",
        "max",
        "done",
        "total",
        "slides",
        "per_day",
        "per_minute",
        "carousels",
        "carousels_per_minute",
        "questions",
        "wisdoms",
        "pdfs",
        "messages",
        "missing",
        "total",
        "min",
    ] {
        args.insert(count, Value::from(number));
    }
    args
}

/// The Telegram HTML tags of a text, in order (a translation keeps them all).
fn tags(text: &str) -> Vec<&str> {
    text.match_indices('<')
        .filter_map(|(at, _)| {
            let tag = &text[at..at + text[at..].find('>')? + 1];
            ["<b>", "</b>", "<i>", "</i>", "<code>", "</code>"]
                .contains(&tag)
                .then_some(tag)
        })
        .collect()
}

#[test]
fn every_message_of_every_locale_formats_for_any_count_and_keeps_the_html_tags() {
    let english = messages_of(Lang::En);
    for lang in Lang::ALL {
        for id in english.keys().filter(|id| !id.starts_with('-')) {
            for number in [0, 1, 2, 3, 5, 11, 21, 22, 101, 1001] {
                for language in ["en", "ru"] {
                    let args = sample_args(number, language);
                    let text = lookup(*lang, id, &args)
                        .unwrap_or_else(|e| panic!("{lang}: {id} ({number}): {e}"));
                    assert!(!text.trim().is_empty(), "{lang}: {id} is empty");
                    assert!(!text.contains("{ $"), "{lang}: {id}: {text}");
                    let theirs = tags(&text);
                    let ours = lookup(Lang::En, id, &args).expect("English formats");
                    assert_eq!(theirs, tags(&ours), "{lang}: {id} changed the HTML: {text}");
                }
            }
        }
    }
}

#[test]
fn each_locale_is_translated_not_copied_from_english() {
    let args = sample_args(10, "en");
    for lang in Lang::ALL.iter().filter(|l| **l != Lang::En) {
        for id in [
            "starting",
            "saved",
            "hint",
            "settings",
            "command-help",
            "busy",
            "done",
            "offline-note",
            "style-galaxy",
            "post-ready",
            "post-alt-heading",
        ] {
            let theirs = lookup(*lang, id, &args).expect("formats");
            let english = lookup(Lang::En, id, &args).expect("formats");
            assert_ne!(theirs, english, "{lang}: {id} is English");
        }
    }
}

#[test]
fn counts_take_each_languages_plural_forms() {
    let done = |lang: Lang, n: i64| {
        let mut args = sample_args(n, "en");
        args.insert("topic", Value::from("T"));
        // Without the isolation marks right-to-left locales put around numbers.
        lookup(lang, "done", &args)
            .expect("formats")
            .replace(['\u{2068}', '\u{2069}'], "")
    };
    assert!(
        done(Lang::En, 1).contains("1 slide."),
        "{}",
        done(Lang::En, 1)
    );
    assert!(done(Lang::En, 10).contains("10 slides."));
    assert!(done(Lang::Uk, 1).contains("1 слайд."));
    assert!(done(Lang::Uk, 3).contains("3 слайди."));
    assert!(done(Lang::Uk, 10).contains("10 слайдів."));
    assert!(done(Lang::Es, 1).contains("1 diapositiva."));
    assert!(done(Lang::Es, 7).contains("7 diapositivas."));
    assert!(done(Lang::Ar, 2).contains("شريحتان"));
    assert!(done(Lang::Ar, 5).contains("5 شرائح"));
    assert!(done(Lang::Ar, 20).contains("20 شريحة"));
}

#[test]
fn right_to_left_locales_isolate_their_variables_and_the_others_do_not() {
    let args = HashMap::from([("topic", Value::from("Faith"))]);
    assert_eq!(
        lookup(Lang::En, "writing", &args).as_deref(),
        Ok("<b>Faith</b>\n✍️ Writing the slides…")
    );
    let arabic = lookup(Lang::Ar, "writing", &args).expect("formats");
    assert!(arabic.contains("\u{2068}Faith\u{2069}"), "{arabic:?}");
}

#[test]
fn a_missing_message_falls_back_to_english_then_to_its_id() {
    assert_eq!(text(Lang::Es, "saved"), "Guardado.");
    assert_eq!(text(Lang::Es, "no-such-message"), "no-such-message");
}
