//! What the stand-in query APIs need to answer a combined query
//! ([`mcptop::model::combined`]): `label_replace(P, "mcptop_part", "N", "", "") or ...`
//! taken apart into its parts, each answered on its own and its series tagged, as
//! Prometheus' `label_replace` and `or` would.

use serde_json::Value;

use mcptop::model::combined::PART_LABEL;

/// The parts of `query`, each with its tag: `(Some("N"), P)` for each
/// `label_replace(P, "mcptop_part", "N", "", "")` joined by `or` at the top level, or
/// `[(None, query)]` for a query that is not combined.
pub fn parts(query: &str) -> Vec<(Option<String>, String)> {
    let pieces = top_level_or(query);
    let tagged: Option<Vec<(Option<String>, String)>> = pieces
        .iter()
        .map(|p| {
            let inner = p.trim().strip_prefix("label_replace(")?.strip_suffix(')')?;
            let (expr, rest) = inner.rsplit_once(&format!(", \"{PART_LABEL}\", \""))?;
            let tag = rest.strip_suffix("\", \"\", \"\"")?;
            Some((Some(tag.to_string()), expr.to_string()))
        })
        .collect();
    tagged.unwrap_or_else(|| vec![(None, query.to_string())])
}

/// Adds `mcptop_part="tag"` to the `metric` of each series of `result` (an API answer's
/// `data.result` array); none when `tag` is `None`.
pub fn tag(result: Vec<Value>, tag: Option<&str>) -> Vec<Value> {
    let Some(tag) = tag else { return result };
    result
        .into_iter()
        .map(|mut s| {
            if let Some(m) = s.get_mut("metric").and_then(Value::as_object_mut) {
                m.insert(PART_LABEL.to_string(), Value::String(tag.to_string()));
            }
            s
        })
        .collect()
}

/// `query` split at each ` or ` outside parentheses, braces, brackets and quotes.
fn top_level_or(query: &str) -> Vec<&str> {
    let bytes = query.as_bytes();
    let (mut depth, mut quoted, mut start) = (0i32, false, 0usize);
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'(' | b'{' | b'[' if !quoted => depth += 1,
            b')' | b'}' | b']' if !quoted => depth -= 1,
            b' ' if !quoted && depth == 0 && bytes[i..].starts_with(b" or ") => {
                out.push(&query[start..i]);
                start = i + 4;
                i += 3;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&query[start..]);
    out
}

#[test]
fn parts_take_a_combined_query_apart() {
    let q = mcptop::model::combined::combine(&[
        Some(r#"sum by (instance) ((increase(x{a="b or c"}[5m]) unless y) or y)"#.into()),
        None,
        Some("up".into()),
    ])
    .unwrap_or_default();
    assert_eq!(
        parts(&q),
        vec![
            (
                Some("0".to_string()),
                r#"sum by (instance) ((increase(x{a="b or c"}[5m]) unless y) or y)"#.to_string()
            ),
            (Some("2".to_string()), "up".to_string()),
        ]
    );
    assert_eq!(parts("a or b"), vec![(None, "a or b".to_string())]);
}
