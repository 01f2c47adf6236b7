//! The interface's words: Project Fluent files, one folder per locale under `locales/`, compiled
//! into the binary. Each locale brings its own plural rules (`{ $n -> [one] … *[other] … }`).
//!
//! Pure: a message id and its variables in, the text out. Callers escape user text (topics,
//! names) for Telegram HTML before it goes in; the messages themselves hold the HTML tags.
use crate::domain::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::LanguageIdentifier;
use std::collections::HashMap;
use std::sync::LazyLock;

pub use fluent_templates::fluent_bundle::FluentValue as Value;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Fluent wraps each variable in Unicode isolation marks by default. They matter only
        // where a right-to-left sentence embeds a left-to-right topic or number; elsewhere they
        // would be invisible characters in every reply (and in every test's expected text).
        customise: |bundle| {
            let rtl = bundle
                .locales
                .first()
                .is_some_and(|l| matches!(l.language.as_str(), "ar" | "fa" | "he" | "ur"));
            bundle.set_use_isolating(rtl);
        },
    };
}

/// The Fluent identifier of each interface language, parsed once.
fn locale_of(lang: Lang) -> &'static LanguageIdentifier {
    static IDS: LazyLock<Vec<(Lang, LanguageIdentifier)>> = LazyLock::new(|| {
        Lang::ALL
            .iter()
            .filter_map(|lang| Some((*lang, lang.as_str().parse().ok()?)))
            .collect()
    });
    static ENGLISH: LazyLock<LanguageIdentifier> =
        LazyLock::new(|| "en".parse().unwrap_or_default());
    IDS.iter()
        .find(|(l, _)| *l == lang)
        .map(|(_, id)| id)
        .unwrap_or(&ENGLISH)
}

/// Message `id` in `lang`.
pub fn text(lang: Lang, id: &str) -> String {
    text_with(lang, id, &[])
}

/// Message `id` in `lang` with its variables. A message a locale lacks or cannot format (the
/// locale tests make both impossible in a build) is said in English and logged, never dropped;
/// an id no locale has comes back as itself.
pub fn text_with(lang: Lang, id: &str, args: &[(&str, Value<'_>)]) -> String {
    let args: HashMap<&str, FluentValue<'_>> = args.iter().cloned().collect();
    match lookup(lang, id, &args) {
        Ok(text) => text,
        Err(error) => {
            tracing::warn!(
                id,
                language = lang.as_str(),
                error,
                "message missing or broken"
            );
            lookup(Lang::En, id, &args).unwrap_or_else(|_| id.to_string())
        }
    }
}

/// Message `id` formatted in exactly `lang`, with no fallback: the error says what went wrong.
pub fn lookup(lang: Lang, id: &str, args: &HashMap<&str, Value<'_>>) -> Result<String, String> {
    LOCALES
        .lookup_single_language(locale_of(lang), id, Some(args))
        .map_err(|e| e.to_string())
}

/// The folder under `locales/` that holds `lang`'s files.
pub fn folder_of(lang: Lang) -> &'static str {
    lang.as_str()
}

#[cfg(test)]
mod tests;
