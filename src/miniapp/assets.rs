//! The editor's files, built into the binary (no CDN at run time but Telegram's own
//! `telegram-web-app.js`), served under a strict Content-Security-Policy: scripts only from
//! here and telegram.org, no inline script or style, framed only by Telegram's web clients.
use actix_web::http::header;
use actix_web::{web, HttpResponse};

/// The editor's files: name, media type, bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../../assets/app/index.html"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/app/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/app/app.css"),
    ),
];

/// The page's policy. `frame-ancestors` lets Telegram's web clients (web.telegram.org/k and /a)
/// frame the editor and nobody else; `connect-src 'self'` keeps the API calls home.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; \
     script-src 'self' https://telegram.org; style-src 'self'; img-src 'self' blob: data:; \
     connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; \
     frame-ancestors https://web.telegram.org https://*.telegram.org";

/// The bytes of the editor's files together (for the bundle size in the docs and a test).
pub fn bundle_bytes() -> usize {
    FILES.iter().map(|(_, _, bytes)| bytes.len()).sum()
}

fn respond(name: &str) -> HttpResponse {
    let Some((_, mime, bytes)) = FILES.iter().find(|(file, _, _)| *file == name) else {
        return HttpResponse::NotFound()
            .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
            .content_type("text/plain; charset=utf-8")
            .body("not found");
    };
    HttpResponse::Ok()
        .content_type(*mime)
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        // A new build must reach every open editor: files are small, revalidation is cheap.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(*bytes)
}

pub async fn index() -> HttpResponse {
    respond("index.html")
}

/// `/app` → `/app/`, so the page's relative links resolve under `/app/`; the query (the draft)
/// is kept.
pub async fn redirect_to_index(req: actix_web::HttpRequest) -> HttpResponse {
    let query = req.query_string();
    let target = if query.is_empty() {
        "/app/".to_string()
    } else {
        format!("/app/?{query}")
    };
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, target))
        .finish()
}

pub async fn file(name: web::Path<String>) -> HttpResponse {
    respond(&name)
}

/// The ids of the editor's words: every message of `locales/en/app.ftl` (English has every
/// key; the locale tests make the others match it).
fn string_ids() -> &'static [String] {
    static IDS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        include_str!("../../locales/en/app.ftl")
            .lines()
            .filter_map(|line| line.split_once(" ="))
            .map(|(id, _)| id.trim())
            .filter(|id| id.starts_with("app-") && !id.contains(char::is_whitespace))
            .map(str::to_string)
            .collect()
    });
    &IDS
}

/// The editor's words in `lang`, by id.
pub fn strings(lang: crate::domain::Lang) -> std::collections::BTreeMap<&'static str, String> {
    string_ids()
        .iter()
        .map(|id| (id.as_str(), crate::i18n::text(lang, id)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_gets_every_word_of_its_locale_file_and_the_files_are_all_served() {
        let english = strings(crate::domain::Lang::En);
        assert!(!english.is_empty());
        assert!(english.keys().all(|id| id.starts_with("app-")));
        let arabic = strings(crate::domain::Lang::Ar);
        assert_eq!(arabic.len(), english.len());
        assert!(bundle_bytes() > 0);
    }

    #[test]
    fn the_policy_allows_only_this_origin_and_telegrams_script_and_frames() {
        assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self' https://telegram.org;"));
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-eval"));
        assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors https://web.telegram.org"));
    }
}
