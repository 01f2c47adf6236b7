//! The editor's files, built into the binary (no CDN at run time but Telegram's own
//! `telegram-web-app.js`), served under a strict Content-Security-Policy: scripts only from
//! here and telegram.org, no inline script or style, framed only by Telegram's web clients.
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

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

/// One file as served: gzipped once at first use (a phone on a slow network opens the editor),
/// and tagged by its content so an editor opened again revalidates with a 304 instead of a
/// download. The tag is the same on every replica running the same build.
struct Served {
    name: &'static str,
    mime: &'static str,
    plain: &'static [u8],
    gzip: Vec<u8>,
    etag: String,
}

fn served() -> &'static [Served] {
    static SERVED: std::sync::LazyLock<Vec<Served>> = std::sync::LazyLock::new(|| {
        FILES
            .iter()
            .map(|&(name, mime, plain)| Served {
                name,
                mime,
                plain,
                gzip: gzipped(plain),
                etag: content_tag(plain),
            })
            .collect()
    });
    &SERVED
}

fn gzipped(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing into a Vec cannot fail; were it to, the plain bytes are served instead.
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .unwrap_or_default()
}

/// A strong validator from the bytes (FNV-1a, 64 bits: stable across builds and platforms).
fn content_tag(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("\"{hash:016x}\"")
}

/// Whether `Accept-Encoding` takes gzip (a `q=0` refuses it).
fn accepts_gzip(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|coding| {
        let mut parts = coding.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let refused = parts.any(|param| {
            param
                .strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

/// Whether `If-None-Match` names `etag` (or is `*`); weak tags compare by their value.
fn matches_tag(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

fn respond(req: &HttpRequest, name: &str) -> HttpResponse {
    let Some(file) = served().iter().find(|file| file.name == name) else {
        return HttpResponse::NotFound()
            .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
            .content_type("text/plain; charset=utf-8")
            .body("not found");
    };
    let request_header = |name: header::HeaderName| {
        req.headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    };
    let unchanged = matches_tag(request_header(header::IF_NONE_MATCH), &file.etag);
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, file.etag.as_str()))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        // A new build must reach every open editor: revalidation against the tag is cheap.
        .insert_header((header::CACHE_CONTROL, "no-cache"));
    if unchanged {
        return response.finish();
    }
    response.content_type(file.mime);
    if !file.gzip.is_empty() && accepts_gzip(request_header(header::ACCEPT_ENCODING)) {
        // Already encoded: actix must not encode it again.
        response
            .insert_header((header::CONTENT_ENCODING, "gzip"))
            .body(file.gzip.clone())
    } else {
        response.body(file.plain)
    }
}

pub async fn index(req: HttpRequest) -> HttpResponse {
    respond(&req, "index.html")
}

/// `/app` → `/app/`, so the page's relative links resolve under `/app/`; the query (the draft)
/// is kept.
pub async fn redirect_to_index(req: HttpRequest) -> HttpResponse {
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

pub async fn file(req: HttpRequest, name: web::Path<String>) -> HttpResponse {
    respond(&req, &name)
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
    fn gzip_is_sent_only_to_clients_that_take_it() {
        assert!(accepts_gzip("gzip, deflate, br"));
        assert!(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip(""));
        assert!(!accepts_gzip("br, deflate"));
        assert!(!accepts_gzip("gzip;q=0, br"));
        assert!(!accepts_gzip("gzip;q=0.0"));
    }

    #[test]
    fn a_file_is_tagged_by_its_bytes_and_its_gzip_inflates_back_to_them() {
        use std::io::Read;
        for file in served() {
            assert_eq!(file.etag, content_tag(file.plain));
            assert!(
                file.gzip.len() < file.plain.len(),
                "{} did not shrink",
                file.name
            );
            let mut inflated = Vec::new();
            flate2::read::GzDecoder::new(file.gzip.as_slice())
                .read_to_end(&mut inflated)
                .expect("gzip");
            assert_eq!(inflated, file.plain);
        }
        assert_ne!(content_tag(b"a"), content_tag(b"b"));
        assert!(matches_tag(
            &format!("W/{}", content_tag(b"a")),
            &content_tag(b"a")
        ));
        assert!(matches_tag(
            &format!("\"x\", {}", content_tag(b"a")),
            &content_tag(b"a")
        ));
        assert!(!matches_tag("\"x\"", &content_tag(b"a")));
        assert!(!matches_tag("", &content_tag(b"a")));
    }

    #[test]
    fn the_policy_allows_only_this_origin_and_telegrams_script_and_frames() {
        assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self' https://telegram.org;"));
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-eval"));
        assert!(CONTENT_SECURITY_POLICY.contains("frame-ancestors https://web.telegram.org"));
    }
}
