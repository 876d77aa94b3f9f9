//! Secret masking for anything mcptop shows or writes down: tool arguments, log lines,
//! result text, the audit log.
//!
//! Two layers: [`mask_json`] replaces the values of keys that name a secret
//! ([`is_secret_key`]); [`mask_text`] finds secrets in free text (`Bearer …`,
//! `Authorization: …`, `token=…` pairs, well-known token shapes). Masking errs on the side
//! of hiding: a false positive costs a value on screen, a false negative leaks a credential.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::{Map, Value};

/// What a masked value is replaced with.
pub const MASK: &str = "••••••";

/// Fragments that make a key secret wherever they appear in it, compared against the key
/// lowercased with everything but letters and digits removed (`X-API-Key` → `xapikey`).
const SECRET_FRAGMENTS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "authorization",
    "cookie",
    "credential",
    "apikey",
    "privatekey",
    "accesskey",
    "sessiontoken",
];

/// Words before a final `token` that make it a pagination or progress handle, not a
/// credential (`page_token`, `nextPageToken`, MCP's `progressToken`).
const HARMLESS_TOKEN_PREFIXES: &[&str] = &[
    "page",
    "next",
    "prev",
    "previous",
    "continuation",
    "progress",
    "sync",
    "cursor",
    "pagination",
];

/// Whether a JSON key or header name names a secret. Case-insensitive; `_`, `-`, `.`,
/// spaces and camelCase all separate words.
///
/// Secret: any key containing `password`, `passwd`, `passphrase`, `secret`,
/// `authorization`, `cookie`, `credential(s)`, `api_key`/`apikey`/`api-key`,
/// `private_key`, `access_key` (so also `aws_access_key_id`) or `session_token`; any key
/// whose last word is `token` (`token`, `access_token`, `githubToken`, `csrf-token`)
/// unless the word before it is a pagination or progress word (`page_token`,
/// `nextPageToken`, `progressToken` stay visible); and the bare key `auth`.
///
/// Not secret: keys where `token` is not the last word or is plural (`token_count`,
/// `max_tokens`, `tokenizer`, `token_type`), and a bare `key` (Jira issue keys, map keys).
pub fn is_secret_key(key: &str) -> bool {
    let compact: String = key
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if SECRET_FRAGMENTS.iter().any(|f| compact.contains(f)) || compact == "auth" {
        return true;
    }
    let words = words(key);
    match words.as_slice() {
        [.., before, last] if last == "token" => {
            !HARMLESS_TOKEN_PREFIXES.contains(&before.as_str())
        }
        [only] => only == "token",
        _ => false,
    }
}

/// Lowercase words of a key: split at non-alphanumerics and at lower→upper case changes.
fn words(key: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A copy of `v` with secrets hidden, at any depth: the value of every object key that
/// [`is_secret_key`] (whatever its type, objects and arrays included) becomes [`MASK`];
/// `null` stays `null` (it hides nothing). Every other string goes through [`mask_text`],
/// so a token pasted into an ordinary argument is hidden too.
pub fn mask_json(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(mask_map(m)),
        Value::Array(items) => Value::Array(items.iter().map(mask_json).collect()),
        Value::String(s) => Value::String(mask_text(s).into_owned()),
        other => other.clone(),
    }
}

/// [`mask_json`] for an arguments object.
pub fn mask_map(m: &Map<String, Value>) -> Map<String, Value> {
    m.iter()
        .map(|(k, v)| {
            let v = if is_secret_key(k) && !v.is_null() {
                Value::String(MASK.to_string())
            } else {
                mask_json(v)
            };
            (k.clone(), v)
        })
        .collect()
}

/// Header-style lines whose whole value (to the end of the line) is a credential.
static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\b(proxy-authorization|authorization|set-cookie|cookie|x-api-key|api-key|x-auth-token)([ \t]*:[ \t]*)([^\r\n"]+)"#,
    )
});

/// The key and separator of `key=value`, `key: value`, `"key": "value"`; the value is
/// measured by [`value_len`] so that a non-secret pair does not swallow the ones inside its
/// value (`url=https://h/?token=…`).
static PAIR_KEY: LazyLock<Regex> =
    LazyLock::new(|| re(r#"([A-Za-z_][A-Za-z0-9_.\-]*)("?[ \t]*[:=][ \t]*)"#));

/// `Bearer <token>` anywhere.
static BEARER: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(bearer\s+)([A-Za-z0-9\-._~+/]+=*)"));

/// The password of a URL's userinfo: `scheme://user:password@host`.
static USERINFO: LazyLock<Regex> = LazyLock::new(|| re(r"(://[^/\s:@]+:)([^/\s@]+)(@)"));

/// Well-known token shapes; group 1 is a prefix kept visible to tell the kind apart.
static SHAPES: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:",
        r"(gh[pousr]_)[A-Za-z0-9]{20,}",
        r"|(github_pat_)[A-Za-z0-9_]{20,}",
        r"|(xox[abposre]-)[A-Za-z0-9\-]{10,}",
        r"|(sk-)[A-Za-z0-9_\-]{16,}",
        r"|([rs]k_(?:live|test)_)[A-Za-z0-9]{10,}",
        r"|((?:AKIA|ASIA))[0-9A-Z]{16}",
        r"|(eyJ)[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
        r")\b"
    ))
});

/// Compiles a pattern written in this file (a broken one is a bug caught by the tests).
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("mask pattern {pattern}: {e}"))
}

/// Free text (a log line, a result, an error message) with secrets replaced by [`MASK`]:
///
/// - every secret this process read from its variable or file ([`crate::secrets`]), and
///   so also one a server echoes back in any shape;
/// - header lines: `Authorization: …`, `Cookie: …`, `X-API-Key: …` (value to end of line);
/// - pairs whose key [`is_secret_key`]: `token=…`, `password: …`, `"api_key": "…"`
///   (quotes kept, value inside replaced);
/// - `Bearer <token>` (tokens of 8+ characters with a digit or symbol, or 20+ letters, so
///   prose like "a Bearer token" stays);
/// - the password in `scheme://user:password@host`;
/// - token shapes, keeping the prefix that names the kind: `ghp_…`/`gho_…`/…,
///   `github_pat_…`, `xoxb-…` (Slack), `sk-…` (16+ characters), `sk_live_…`, AWS key ids
///   `AKIA…`/`ASIA…`, JWTs `eyJ….….…`.
///
/// Text without secrets comes back borrowed, unchanged.
pub fn mask_text(s: &str) -> Cow<'_, str> {
    // The secrets mcptop itself read, whatever their shape; then the shapes of others'.
    let mut out = crate::secrets::scrub(s);
    replace(&mut out, &HEADER, |c| format!("{}{}{MASK}", &c[1], &c[2]));
    if let Some(masked) = mask_pairs(&out) {
        out = Cow::Owned(masked);
    }
    replace(&mut out, &BEARER, |c| {
        let tok = &c[2];
        let looks_like_token =
            (tok.len() >= 8 && tok.chars().any(|ch| !ch.is_ascii_alphabetic())) || tok.len() >= 20;
        if looks_like_token && tok != MASK {
            format!("{}{MASK}", &c[1])
        } else {
            c[0].to_string()
        }
    });
    replace(&mut out, &USERINFO, |c| format!("{}{MASK}{}", &c[1], &c[3]));
    replace(&mut out, &SHAPES, |c| {
        let prefix = c.iter().skip(1).flatten().next().map_or("", |m| m.as_str());
        format!("{prefix}{MASK}")
    });
    match out {
        Cow::Owned(o) if o == s => Cow::Borrowed(s),
        other => other,
    }
}

/// Masks the values of secret `key=value` pairs; `None` when there is none.
fn mask_pairs(s: &str) -> Option<String> {
    let mut out = String::new();
    let mut copied = 0;
    let mut changed = false;
    let mut pos = 0;
    while let Some(c) = PAIR_KEY.captures_at(s, pos) {
        let Some(end) = c.get(0).map(|m| m.end()) else {
            break;
        };
        pos = end;
        if !is_secret_key(&c[1]) {
            continue;
        }
        let rest = &s[end..];
        let len = value_len(rest);
        let value = &rest[..len];
        pos = end + len;
        let quote = value.chars().next().filter(|q| *q == '"' || *q == '\'');
        let inner = quote.map_or(value, |q| value.trim_matches(q));
        if inner.is_empty() || inner == MASK {
            continue;
        }
        out.push_str(&s[copied..end]);
        out.extend(quote);
        out.push_str(MASK);
        out.extend(quote);
        copied = pos;
        changed = true;
    }
    if !changed {
        return None;
    }
    out.push_str(&s[copied..]);
    Some(out)
}

/// Length in bytes of the value at the start of `rest`: a `"…"` string (escapes allowed,
/// unterminated runs to the end of the line), a `'…'` string, or a bare word up to
/// whitespace or `,;&"'}])`. Zero for a nested object or array (`{`, `[`): its own keys
/// are checked one by one.
fn value_len(rest: &str) -> usize {
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let mut chars = rest.char_indices();
    match chars.next() {
        None | Some((_, '{' | '[')) => 0,
        Some((_, '"')) => {
            let mut escaped = false;
            for (i, ch) in chars {
                match ch {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => return i + 1,
                    '\n' | '\r' => return i,
                    _ => {}
                }
            }
            rest.len()
        }
        Some((_, '\'')) => rest[1..line_end].find('\'').map_or(line_end, |i| i + 2),
        Some(_) => rest
            .find(|ch: char| ch.is_whitespace() || ",;&\"'}])".contains(ch))
            .unwrap_or(rest.len()),
    }
}

/// Runs one pass over `text`, replacing it only when the pass changed something.
fn replace(text: &mut Cow<'_, str>, re: &Regex, f: impl Fn(&Captures) -> String) {
    let replaced = re.replace_all(text, |c: &Captures| f(c));
    if let Cow::Owned(new) = replaced
        && new != text.as_ref()
    {
        *text = Cow::Owned(new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys() {
        for k in [
            "token",
            "Token",
            "access_token",
            "refreshToken",
            "githubToken",
            "csrf-token",
            "session_token",
            "sessionToken",
            "secret",
            "client_secret",
            "password",
            "PASSWORD",
            "db_password",
            "passwd",
            "authorization",
            "Authorization",
            "proxy-authorization",
            "api_key",
            "apikey",
            "api-key",
            "apiKey",
            "X-API-Key",
            "cookie",
            "Set-Cookie",
            "private_key",
            "privateKey",
            "credential",
            "credentials",
            "access_key",
            "aws_access_key_id",
            "auth",
        ] {
            assert!(is_secret_key(k), "{k} should be secret");
        }
    }

    #[test]
    fn ordinary_keys() {
        for k in [
            "token_count",
            "max_tokens",
            "tokens",
            "tokenizer",
            "token_type",
            "page_token",
            "nextPageToken",
            "progressToken",
            "key",
            "issue_key",
            "author",
            "query",
            "name",
            "",
        ] {
            assert!(!is_secret_key(k), "{k} should not be secret");
        }
    }

    #[test]
    fn mask_json_hides_secret_values_at_any_depth() {
        let v = json!({
            "query": "select 1",
            "api_key": "abc",
            "nested": {"password": 42, "list": [{"token": {"a": 1}}, {"ok": "x"}]},
            "headers": [{"Authorization": "Bearer zzz"}],
            "token_count": 5,
            "secret": null,
        });
        let m = mask_json(&v);
        assert_eq!(
            m,
            json!({
                "query": "select 1",
                "api_key": MASK,
                "nested": {"password": MASK, "list": [{"token": MASK}, {"ok": "x"}]},
                "headers": [{"Authorization": MASK}],
                "token_count": 5,
                "secret": null,
            })
        );
    }

    #[test]
    fn mask_json_masks_tokens_inside_ordinary_strings() {
        let v = json!({"note": "use ghp_abcdefghijklmnopqrstuvwxyz0123 please"});
        assert_eq!(
            mask_json(&v),
            json!({"note": format!("use ghp_{MASK} please")})
        );
    }

    #[test]
    fn mask_map_keeps_keys() {
        let m = json!({"password": "x", "user": "bob"});
        let out = mask_map(m.as_object().unwrap());
        assert_eq!(Value::Object(out), json!({"password": MASK, "user": "bob"}));
    }

    #[test]
    fn bearer() {
        assert_eq!(
            mask_text("sent Bearer abc.DEF-123_x to upstream"),
            format!("sent Bearer {MASK} to upstream")
        );
        assert_eq!(mask_text("uses a Bearer token"), "uses a Bearer token");
    }

    #[test]
    fn authorization_header() {
        assert_eq!(
            mask_text("Authorization: Basic dXNlcjpwYXNz"),
            format!("Authorization: {MASK}")
        );
        assert_eq!(
            mask_text("> authorization: Bearer eyJhbGciOi\n> accept: */*"),
            format!("> authorization: {MASK}\n> accept: */*")
        );
        assert_eq!(
            mask_text("Cookie: sid=abc; theme=dark"),
            format!("Cookie: {MASK}")
        );
    }

    #[test]
    fn key_value_pairs() {
        assert_eq!(
            mask_text("GET /x?token=abc123&page=2"),
            format!("GET /x?token={MASK}&page=2")
        );
        assert_eq!(
            mask_text("login password: hunter2 ok"),
            format!("login password: {MASK} ok")
        );
        assert_eq!(
            mask_text(r#"{"api_key": "xyz", "q": "hi"}"#),
            format!(r#"{{"api_key": "{MASK}", "q": "hi"}}"#)
        );
        assert_eq!(
            mask_text(r#"{"authorization":"Bearer a b c"}"#),
            format!(r#"{{"authorization":"{MASK}"}}"#)
        );
        assert_eq!(
            mask_text("db_password='p w'"),
            format!("db_password='{MASK}'")
        );
        assert_eq!(mask_text("token_count=5"), "token_count=5");
        assert_eq!(
            mask_text("redirect url=https://h/cb?state=1&access_token=zz9 done"),
            format!("redirect url=https://h/cb?state=1&access_token={MASK} done")
        );
        assert_eq!(
            mask_text("{\n  \"password\": \"a\\\"b\",\n  \"n\": 1\n}"),
            format!("{{\n  \"password\": \"{MASK}\",\n  \"n\": 1\n}}")
        );
    }

    #[test]
    fn url_userinfo() {
        assert_eq!(
            mask_text("connect postgres://app:s3cret@db:5432/x"),
            format!("connect postgres://app:{MASK}@db:5432/x")
        );
    }

    #[test]
    fn token_shapes() {
        let cases = [
            ("ghp_0123456789abcdefghijABCDEFGHIJ", "ghp_"),
            ("gho_0123456789abcdefghijABCDEFGHIJ", "gho_"),
            (
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnop",
                "github_pat_",
            ),
            ("xoxb-123456789012-abcdefABCDEF", "xoxb-"),
            ("sk-live-PLANTED123456789", "sk-"),
            ("sk-proj-abcdefghijklmnop1234", "sk-"),
            ("sk_live_abcdefghijk12345", "sk_live_"),
            ("AKIAIOSFODNN7EXAMPLE", "AKIA"),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N",
                "eyJ",
            ),
        ];
        for (tok, prefix) in cases {
            let text = format!("value {tok} end");
            assert_eq!(
                mask_text(&text),
                format!("value {prefix}{MASK} end"),
                "{tok}"
            );
        }
    }

    #[test]
    fn short_lookalikes_stay() {
        for s in ["sk-short", "ask-me-anything", "AKIA123", "task_live_x"] {
            assert_eq!(mask_text(s), s);
        }
    }

    #[test]
    fn ordinary_text_is_borrowed() {
        for s in [
            "server started on :8080",
            "tools/list returned 12 tools",
            "note: the token expired",
            "key=PROJ-12 status: open",
            "",
        ] {
            let out = mask_text(s);
            assert!(matches!(out, Cow::Borrowed(_)), "{s} was copied: {out}");
            assert_eq!(out, s);
        }
    }

    #[test]
    fn masking_is_idempotent() {
        let once = mask_text("Authorization: Bearer abcdef123 token=x1").into_owned();
        let twice = mask_text(&once);
        assert_eq!(twice, once);
        assert!(matches!(twice, Cow::Borrowed(_)));
    }
}
