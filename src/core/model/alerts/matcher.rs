//! Label matchers as amtool and Alertmanager write them: `name="value"`, `name!="value"`,
//! `name=~"regex"`, `name!~"regex"`. Regexes are anchored at both ends, as in Prometheus
//! and Alertmanager (`^(?:regex)$`, pkg/labels/matcher.go).

use std::fmt;

use regex::Regex;

use super::types::Labels;

/// How a matcher compares a label's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `=~`
    Re,
    /// `!~`
    NotRe,
}

impl MatchOp {
    pub fn symbol(self) -> &'static str {
        match self {
            MatchOp::Eq => "=",
            MatchOp::Ne => "!=",
            MatchOp::Re => "=~",
            MatchOp::NotRe => "!~",
        }
    }

    /// The API's `isRegex`.
    pub fn is_regex(self) -> bool {
        matches!(self, MatchOp::Re | MatchOp::NotRe)
    }

    /// The API's `isEqual` (false for the negative operators).
    pub fn is_equal(self) -> bool {
        matches!(self, MatchOp::Eq | MatchOp::Re)
    }

    /// From the API's `isRegex` and `isEqual` (`isEqual` defaults to true when absent).
    pub fn from_flags(is_regex: bool, is_equal: bool) -> MatchOp {
        match (is_regex, is_equal) {
            (false, true) => MatchOp::Eq,
            (false, false) => MatchOp::Ne,
            (true, true) => MatchOp::Re,
            (true, false) => MatchOp::NotRe,
        }
    }
}

/// One label matcher.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
    /// The anchored regex, for `=~` and `!~`.
    re: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.op == other.op && self.value == other.value
    }
}

impl Matcher {
    /// Errors: an empty or invalid label name, or a regex that does not compile.
    pub fn new(name: &str, op: MatchOp, value: &str) -> Result<Matcher, String> {
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            return Err(format!(
                "`{name}` is not a label name (letters, digits and _, not starting with a digit)"
            ));
        }
        let re = if op.is_regex() {
            Some(
                Regex::new(&format!("^(?:{value})$"))
                    .map_err(|e| format!("`{name}{}\"{value}\"`: bad regex: {e}", op.symbol()))?,
            )
        } else {
            None
        };
        Ok(Matcher {
            name: name.to_string(),
            op,
            value: value.to_string(),
            re,
        })
    }

    /// `name="value"`.
    pub fn equal(name: &str, value: &str) -> Result<Matcher, String> {
        Matcher::new(name, MatchOp::Eq, value)
    }

    /// Whether a label set matches; a missing label has the empty value (as in
    /// Alertmanager).
    pub fn matches(&self, labels: &Labels) -> bool {
        self.matches_value(labels.get(&self.name).map_or("", String::as_str))
    }

    /// Whether the value of this matcher's label matches; pass `""` for a missing label
    /// (Prometheus treats an empty value and a missing label alike).
    pub fn matches_value(&self, v: &str) -> bool {
        match (self.op, &self.re) {
            (MatchOp::Eq, _) => v == self.value,
            (MatchOp::Ne, _) => v != self.value,
            (MatchOp::Re, Some(re)) => re.is_match(v),
            (MatchOp::NotRe, Some(re)) => !re.is_match(v),
            (_, None) => false,
        }
    }

    /// One matcher as amtool writes it: `name=value`, `name="value with space"`,
    /// `name=~"re.*"`; quotes are optional around values without spaces or quotes.
    ///
    /// Errors: no operator, or what [`Matcher::new`] refuses.
    pub fn parse(text: &str) -> Result<Matcher, String> {
        let text = text.trim();
        let at = text
            .find(['=', '!'])
            .ok_or_else(|| format!("`{text}` has no operator (=, !=, =~, !~)"))?;
        let (name, rest) = text.split_at(at);
        let (op, value) = if let Some(v) = rest.strip_prefix("=~") {
            (MatchOp::Re, v)
        } else if let Some(v) = rest.strip_prefix("!~") {
            (MatchOp::NotRe, v)
        } else if let Some(v) = rest.strip_prefix("!=") {
            (MatchOp::Ne, v)
        } else if let Some(v) = rest.strip_prefix('=') {
            (MatchOp::Eq, v)
        } else {
            return Err(format!("`{text}` has no operator (=, !=, =~, !~)"));
        };
        let value = unquote(value.trim()).map_err(|e| format!("`{text}`: {e}"))?;
        Matcher::new(name.trim(), op, &value)
    }

    /// A list as amtool takes it: matchers separated by spaces or commas, optionally in
    /// braces (`{alertname="X", env=~"prod|stage"}`); spaces inside quotes are kept.
    ///
    /// Errors: the first bad matcher, or an empty list.
    pub fn parse_list(text: &str) -> Result<Vec<Matcher>, String> {
        let trimmed = text.trim();
        let inner = trimmed
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or(trimmed);
        let list = split_list(inner)?
            .iter()
            .map(|t| Matcher::parse(t))
            .collect::<Result<Vec<_>, _>>()?;
        if list.is_empty() {
            return Err("at least one matcher is needed, e.g. alertname=\"HighErrorRate\"".into());
        }
        Ok(list)
    }

    /// Writes a list the way [`Matcher::parse_list`] reads it back.
    pub fn format_list(list: &[Matcher]) -> String {
        list.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let escaped = self
            .value
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        write!(f, "{}{}\"{}\"", self.name, self.op.symbol(), escaped)
    }
}

/// A value as written: `"quoted \" text"` or bare.
fn unquote(v: &str) -> Result<String, String> {
    let Some(body) = v.strip_prefix('"') else {
        return Ok(v.to_string());
    };
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => return Err("unterminated escape".into()),
            },
            '"' => {
                return if chars.as_str().trim().is_empty() {
                    Ok(out)
                } else {
                    Err("text after the closing quote".into())
                };
            }
            c => out.push(c),
        }
    }
    Err("unterminated quote".into())
}

/// Splits on spaces and commas outside quotes.
fn split_list(text: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for c in text.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted => {
                cur.push(c);
                escaped = true;
            }
            '"' => {
                cur.push(c);
                quoted = !quoted;
            }
            ' ' | ',' | '\t' if !quoted => {
                if !cur.is_empty() {
                    parts.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err("unterminated quote".into());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_amtool_forms_and_round_trips() {
        let list = Matcher::parse_list(
            r#"alertname=HighErrorRate env!="prod" job=~"mcp-.*", msg="a \"b\" c""#,
        )
        .expect("parses");
        assert_eq!(list.len(), 4);
        assert_eq!(list[0].op, MatchOp::Eq);
        assert_eq!(list[1].op, MatchOp::Ne);
        assert_eq!(list[2].op, MatchOp::Re);
        assert_eq!(list[3].value, "a \"b\" c");
        let text = Matcher::format_list(&list);
        assert_eq!(
            text,
            r#"alertname="HighErrorRate" env!="prod" job=~"mcp-.*" msg="a \"b\" c""#
        );
        assert_eq!(Matcher::parse_list(&text).expect("again"), list);
        assert_eq!(
            Matcher::parse_list(r#"{a="1", b!~"x|y"}"#).expect("braces")[1].op,
            MatchOp::NotRe
        );
    }

    #[test]
    fn regexes_are_anchored_and_missing_labels_are_empty() {
        let l = labels(&[("job", "mcp-api"), ("env", "prod")]);
        assert!(Matcher::parse("job=~mcp-.*").expect("ok").matches(&l));
        assert!(!Matcher::parse("job=~mcp").expect("ok").matches(&l));
        assert!(Matcher::parse("env!~stag.*").expect("ok").matches(&l));
        assert!(Matcher::parse("team=\"\"").expect("ok").matches(&l));
        assert!(Matcher::parse("team!=ops").expect("ok").matches(&l));
        assert!(!Matcher::parse("env!=prod").expect("ok").matches(&l));
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        assert!(
            Matcher::parse("alertname")
                .unwrap_err()
                .contains("no operator")
        );
        assert!(
            Matcher::parse("1x=y")
                .unwrap_err()
                .contains("not a label name")
        );
        assert!(
            Matcher::parse("a=~\"(\"")
                .unwrap_err()
                .contains("bad regex")
        );
        assert!(
            Matcher::parse_list("a=\"open")
                .unwrap_err()
                .contains("unterminated")
        );
        assert!(
            Matcher::parse_list("  ")
                .unwrap_err()
                .contains("at least one")
        );
        assert_eq!(
            MatchOp::from_flags(true, false),
            MatchOp::NotRe,
            "isRegex and not isEqual is !~"
        );
    }
}
