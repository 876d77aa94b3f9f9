//! Plausible fake data for tool answers and upstream failures. All randomness stays inside
//! these functions so no `ThreadRng` is held across an `.await`.

use rand::Rng;
use rand::seq::IndexedRandom;

pub(crate) const WORDS: &[&str] = &[
    "onboarding",
    "roadmap",
    "retro",
    "billing",
    "oauth",
    "incident",
    "migration",
    "release",
    "dashboard",
    "quota",
    "webhook",
    "backlog",
];

pub(crate) const PEOPLE: &[&str] = &["aiko", "kenji", "mei", "sam", "priya", "lars"];

pub(crate) fn pick<'a>(items: &[&'a str]) -> &'a str {
    items.choose(&mut rand::rng()).copied().unwrap_or("item")
}

pub(crate) fn number(lo: u64, hi: u64) -> u64 {
    if hi <= lo {
        return lo;
    }
    rand::rng().random_range(lo..=hi)
}

pub(crate) fn chance(p: f64) -> bool {
    rand::rng().random_bool(p.clamp(0.0, 1.0))
}

pub(crate) fn hex_id(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from_digit(rng.random_range(0..16), 16).unwrap_or('0'))
        .collect()
}

/// A Notion-style page id (dashed UUID layout).
pub(crate) fn page_id() -> String {
    let h = hex_id(32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

pub(crate) fn title() -> String {
    let a = pick(WORDS);
    let b = pick(WORDS);
    let mut t = format!("{a} {b} notes");
    if let Some(first) = t.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    t
}

/// A caller-visible upstream failure for a tool of `module`, in MCPist's words.
pub(crate) fn upstream_failure(module: &str) -> String {
    let api = match module {
        "notion" => "Notion API",
        "github" => "GitHub API",
        "jira" => "Jira Cloud API",
        "calendar" => "Google Calendar API",
        "cache" => "cache backend",
        _ => "Supabase",
    };
    let request_id = hex_id(12);
    match number(0, 9) {
        0..=3 => format!("upstream 502 from {api}: Bad Gateway (request_id={request_id})"),
        4 | 5 => format!("upstream 503 from {api}: service unavailable, retry later"),
        6 => format!(
            "{api} rate limit exceeded (429): retry after {}s",
            number(2, 60)
        ),
        7 => format!("{api} request timed out after 10s (request_id={request_id})"),
        8 => format!(
            "{api} returned 401: OAuth token expired or revoked; re-authorize the {module} module"
        ),
        _ => format!("{api} returned 403: the integration has no access to this resource"),
    }
}
