//! The secrets this process has read (tokens, passwords), so that text from outside (an
//! error page that echoes the request's `Authorization` header, a server's error message)
//! can be scrubbed before it is drawn, logged or written to the audit log.

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

/// Secrets shorter than this are not scrubbed: replacing every `abc` in an error text
/// would garble it, and so short a secret is no secret.
const MIN_LEN: usize = 6;

static KNOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records a secret just read from its variable or file.
pub fn remember(secret: &str) {
    if secret.len() < MIN_LEN {
        return;
    }
    let mut known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    if !known.iter().any(|k| k == secret) {
        known.push(secret.to_string());
        // Longest first, so a secret that contains another is replaced whole.
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    }
}

/// Records the `Authorization: Basic` credential a password makes, base64 of
/// `user:password` (RFC 7617), which a server that echoes its request would show instead
/// of the password (that one is remembered when it is read, `SecretSource::read`).
pub fn remember_basic(user: &str, password: &str) {
    use base64::Engine as _;
    remember(&base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")));
}

/// The secrets remembered so far, longest first (for [`crate::inbound::Cleaner`], which
/// takes them once per answer instead of locking for every string).
pub fn known() -> Vec<String> {
    KNOWN.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// `text` with every remembered secret replaced by `***`; borrowed when none occurs.
pub fn scrub(text: &str) -> Cow<'_, str> {
    let known = KNOWN.lock().unwrap_or_else(PoisonError::into_inner);
    let mut out = Cow::Borrowed(text);
    for secret in known.iter() {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), "***"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{remember, remember_basic, scrub};

    #[test]
    fn remembered_secrets_are_replaced_and_others_left() {
        remember("s3cr3t-token-for-scrub-test");
        remember("s3cr3t-token-for-scrub-test-longer");
        remember("abc");
        assert_eq!(
            scrub("401: bad Bearer s3cr3t-token-for-scrub-test-longer, abc"),
            "401: bad Bearer ***, abc"
        );
        assert_eq!(scrub("s3cr3t-token-for-scrub-test"), "***");
        assert!(matches!(
            scrub("nothing here"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_basic_credential_is_scrubbed_in_its_encoded_form_too() {
        // As SecretSource::read and then Endpoint::new do.
        remember("hunter2-basic-pass");
        remember_basic("ops", "hunter2-basic-pass");
        // base64("ops:hunter2-basic-pass")
        assert_eq!(
            scrub("401, you sent Authorization: Basic b3BzOmh1bnRlcjItYmFzaWMtcGFzcw=="),
            "401, you sent Authorization: Basic ***"
        );
        assert_eq!(scrub("password hunter2-basic-pass"), "password ***");
    }
}
