//! The query side of the test Loki server (`support::loki`): the LogQL subset it
//! understands and the `streams` result shapes of Loki 2.x and 3.x.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::loki::{Entry, LokiVersion};

/// A parsed log query: `=` matchers and `|=` line filters.
pub struct Selector {
    matchers: Vec<(String, String)>,
    contains: Vec<String>,
}

impl Selector {
    /// Errors: Loki's parse error text.
    pub fn parse(query: &str) -> Result<Selector, String> {
        let q = query.trim();
        let parse_error =
            || "parse error at line 1, col 1: syntax error: unexpected IDENTIFIER".to_string();
        let body = q.strip_prefix('{').ok_or_else(parse_error)?;
        let end = body.find('}').ok_or_else(|| {
            format!(
                "parse error at line 1, col {}: syntax error: unexpected $end, expecting , or }}",
                q.len()
            )
        })?;
        let mut matchers = Vec::new();
        for part in body[..end].split(',').filter(|p| !p.trim().is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(parse_error)?;
            matchers.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
        }
        let mut contains = Vec::new();
        let mut rest = &body[end + 1..];
        while let Some(at) = rest.find("|=") {
            let after = rest[at + 2..].trim_start();
            let Some(after) = after.strip_prefix('"') else {
                break;
            };
            let Some(close) = after.find('"') else { break };
            contains.push(after[..close].to_string());
            rest = &after[close + 1..];
        }
        Ok(Selector { matchers, contains })
    }

    pub fn selects(&self, e: &Entry) -> bool {
        self.matchers
            .iter()
            .all(|(k, v)| e.stream.iter().any(|(a, b)| a == k && b == v))
            && self.contains.iter().all(|c| e.line.contains(c.as_str()))
    }
}

/// Groups entries per stream in their order, shaped as `version` answers.
pub fn streams(entries: &[Entry], version: LokiVersion, categorize: bool) -> Vec<Value> {
    let mut order: Vec<BTreeMap<String, String>> = Vec::new();
    let mut values: Vec<Vec<Value>> = Vec::new();
    for e in entries {
        let mut labels: BTreeMap<String, String> = e.stream.iter().cloned().collect();
        if version == LokiVersion::V3 && !categorize {
            labels.extend(e.metadata.iter().cloned());
        }
        let value = if categorize && !e.metadata.is_empty() {
            let md: BTreeMap<String, String> = e.metadata.iter().cloned().collect();
            json!([e.ts_ns.to_string(), e.line, {"structuredMetadata": md}])
        } else {
            json!([e.ts_ns.to_string(), e.line])
        };
        match order.iter().position(|l| *l == labels) {
            Some(i) => values[i].push(value),
            None => {
                order.push(labels);
                values.push(vec![value]);
            }
        }
    }
    order
        .into_iter()
        .zip(values)
        .map(|(stream, values)| json!({"stream": stream, "values": values}))
        .collect()
}
