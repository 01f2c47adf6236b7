//! Telegram Mini App authentication: the `initData` query string Telegram hands the page,
//! checked as Telegram documents ("Validating data received via the Mini App"): the
//! data-check-string is every field but `hash`, as `key=value` lines sorted by key; the secret
//! key is HMAC-SHA256 of the bot token keyed with "WebAppData"; `hash` is the hex HMAC-SHA256 of
//! the data-check-string under that secret. `auth_date` must be recent, so a leaked initData
//! stops working.
use hmac::{Hmac, KeyInit, Mac};
use serde::Deserialize;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// An initData larger than this is not Telegram's (it is a few hundred bytes).
pub const MAX_INIT_DATA_BYTES: usize = 4096;

/// The user an initData was signed for.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct WebAppUser {
    pub id: i64,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub language_code: Option<String>,
}

/// Why an initData was refused (all answered 401; the reason goes to the log, not the caller).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InitDataError {
    #[error("no initData")]
    Missing,
    #[error("initData is over {MAX_INIT_DATA_BYTES} bytes")]
    TooLarge,
    #[error("initData is not a query string of unique fields")]
    Malformed,
    #[error("initData has no hash")]
    NoHash,
    #[error("initData's signature does not match")]
    BadSignature,
    #[error("initData has no valid auth_date")]
    NoAuthDate,
    #[error("initData is {age_secs} s old")]
    Expired { age_secs: i64 },
    #[error("initData names no user")]
    NoUser,
}

/// HMAC-SHA256 under `key` over `message` (HMAC takes keys of any length: never `None`).
fn hmac(key: &[u8], message: &[u8]) -> Option<HmacSha256> {
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key).ok()?;
    mac.update(message);
    Some(mac)
}

/// The secret key of a bot's Mini App signatures.
fn secret_key(bot_token: &str) -> Vec<u8> {
    hmac(b"WebAppData", bot_token.as_bytes())
        .map(|mac| mac.finalize().into_bytes().to_vec())
        .unwrap_or_default()
}

/// The data-check-string of `fields` (hash excluded by the caller), sorted by key.
fn data_check_string(fields: &[(String, String)]) -> String {
    let mut lines: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    lines.sort();
    lines.join("\n")
}

/// The hex signature Telegram puts in `hash` for `fields`.
pub fn sign(fields: &[(String, String)], bot_token: &str) -> String {
    hmac(&secret_key(bot_token), data_check_string(fields).as_bytes())
        .map(|mac| hex::encode(mac.finalize().into_bytes()))
        .unwrap_or_default()
}

/// Checks `init_data` for `bot_token` at `now` (Unix seconds); the signed user when it holds.
pub fn validate(
    init_data: &str,
    bot_token: &str,
    now: i64,
    max_age_secs: i64,
) -> Result<WebAppUser, InitDataError> {
    if init_data.is_empty() {
        return Err(InitDataError::Missing);
    }
    if init_data.len() > MAX_INIT_DATA_BYTES {
        return Err(InitDataError::TooLarge);
    }
    let mut hash = None;
    let mut fields: Vec<(String, String)> = Vec::new();
    for (key, value) in url::form_urlencoded::parse(init_data.as_bytes()) {
        // A repeated field would let a forger show one value and sign another.
        if key == "hash" {
            if hash.replace(value.into_owned()).is_some() {
                return Err(InitDataError::Malformed);
            }
            continue;
        }
        if fields.iter().any(|(k, _)| *k == key) {
            return Err(InitDataError::Malformed);
        }
        fields.push((key.into_owned(), value.into_owned()));
    }
    let hash = hash.ok_or(InitDataError::NoHash)?;
    let given = hex::decode(&hash).map_err(|_| InitDataError::BadSignature)?;
    let mac = hmac(
        &secret_key(bot_token),
        data_check_string(&fields).as_bytes(),
    )
    .ok_or(InitDataError::BadSignature)?;
    // Constant time: a timing oracle would let a forger find the signature byte by byte.
    mac.verify_slice(&given)
        .map_err(|_| InitDataError::BadSignature)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let auth_date: i64 = field("auth_date")
        .and_then(|v| v.parse().ok())
        .ok_or(InitDataError::NoAuthDate)?;
    let age_secs = now - auth_date;
    // A date far in the future is as suspect as an old one (a minute of clock skew allowed).
    if age_secs > max_age_secs || age_secs < -60 {
        return Err(InitDataError::Expired { age_secs });
    }
    let user = field("user").ok_or(InitDataError::NoUser)?;
    serde_json::from_str(user).map_err(|_| InitDataError::NoUser)
}

/// A signed initData for `user` at `auth_date`, as Telegram would hand it to the page (tests,
/// the browser check, benchmarks).
pub fn signed_init_data(user_json: &str, auth_date: i64, bot_token: &str) -> String {
    let fields = vec![
        ("auth_date".to_string(), auth_date.to_string()),
        (
            "query_id".to_string(),
            "AAHdF6IQAAAAAN0XohDhrOrc".to_string(),
        ),
        ("user".to_string(), user_json.to_string()),
    ];
    let hash = sign(&fields, bot_token);
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &fields {
        out.append_pair(k, v);
    }
    out.append_pair("hash", &hash);
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "123456789:AAEhBP0av28Ufl_tgOHVb6zfrGDhY0eT8Lg";
    const NOW: i64 = 1_733_580_000;
    const USER: &str =
        r#"{"id":279058397,"first_name":"Vladislav","username":"vdkfrost","language_code":"ru"}"#;

    /// Telegram's algorithm written out step by step with nothing shared with `sign`, so a
    /// mistake in one is caught by the other.
    fn by_the_book(init_data_without_hash: &str, token: &str) -> String {
        let mut pairs: Vec<String> = url::form_urlencoded::parse(init_data_without_hash.as_bytes())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.sort();
        let check = pairs.join("\n");
        let mut secret = HmacSha256::new_from_slice("WebAppData".as_bytes()).expect("key");
        secret.update(token.as_bytes());
        let secret = secret.finalize().into_bytes();
        let mut mac = HmacSha256::new_from_slice(&secret).expect("key");
        mac.update(check.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn unsigned() -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        out.append_pair("query_id", "AAHdF6IQAAAAAN0XohDhrOrc");
        out.append_pair("user", USER);
        out.append_pair("auth_date", &NOW.to_string());
        out.finish()
    }

    #[test]
    fn a_known_good_init_data_is_accepted_and_names_its_user() {
        let data = unsigned();
        let hash = by_the_book(&data, TOKEN);
        let user = validate(&format!("{data}&hash={hash}"), TOKEN, NOW + 5, 3600).expect("valid");
        assert_eq!(user.id, 279058397);
        assert_eq!(user.username.as_deref(), Some("vdkfrost"));
        assert_eq!(user.language_code.as_deref(), Some("ru"));
        // The helper the browser check and the tests use signs the same way.
        let ours = signed_init_data(USER, NOW, TOKEN);
        assert!(validate(&ours, TOKEN, NOW, 3600).is_ok());
    }

    #[test]
    fn a_tampered_field_a_wrong_token_or_a_forged_hash_is_refused() {
        let data = unsigned();
        let hash = by_the_book(&data, TOKEN);
        let tampered = format!("{data}&hash={hash}").replace("279058397", "279058398");
        assert_eq!(
            validate(&tampered, TOKEN, NOW, 3600),
            Err(InitDataError::BadSignature)
        );
        let signed = format!("{data}&hash={hash}");
        assert_eq!(
            validate(&signed, "123456789:another-token", NOW, 3600),
            Err(InitDataError::BadSignature)
        );
        assert_eq!(
            validate(&format!("{data}&hash={}", "0".repeat(64)), TOKEN, NOW, 3600),
            Err(InitDataError::BadSignature)
        );
        assert_eq!(
            validate(&data, TOKEN, NOW, 3600),
            Err(InitDataError::NoHash)
        );
        // A field added after signing, or repeated to show another value.
        assert_eq!(
            validate(&format!("{signed}&admin=1"), TOKEN, NOW, 3600),
            Err(InitDataError::BadSignature)
        );
        assert_eq!(
            validate(
                &format!("{signed}&user=%7B%22id%22%3A1%7D"),
                TOKEN,
                NOW,
                3600
            ),
            Err(InitDataError::Malformed)
        );
        assert_eq!(validate("", TOKEN, NOW, 3600), Err(InitDataError::Missing));
        assert_eq!(
            validate(&"a".repeat(MAX_INIT_DATA_BYTES + 1), TOKEN, NOW, 3600),
            Err(InitDataError::TooLarge)
        );
    }

    #[test]
    fn an_init_data_older_than_the_limit_or_from_the_future_is_refused() {
        let signed = signed_init_data(USER, NOW, TOKEN);
        assert!(validate(&signed, TOKEN, NOW + 3600, 3600).is_ok());
        assert_eq!(
            validate(&signed, TOKEN, NOW + 3601, 3600),
            Err(InitDataError::Expired { age_secs: 3601 })
        );
        assert_eq!(
            validate(&signed, TOKEN, NOW - 600, 3600),
            Err(InitDataError::Expired { age_secs: -600 })
        );
    }

    #[test]
    fn a_signed_init_data_without_a_user_is_refused() {
        let fields = vec![("auth_date".to_string(), NOW.to_string())];
        let data = format!("auth_date={NOW}&hash={}", sign(&fields, TOKEN));
        assert_eq!(
            validate(&data, TOKEN, NOW, 3600),
            Err(InitDataError::NoUser)
        );
    }
}
