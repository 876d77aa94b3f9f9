//! `mcptop --profile list`: every profile and what it reads, in detection's order.

use std::fmt::Write as _;

use super::ModuleRule;
use super::kinds::{SPECS, Spec};

/// The text printed by `mcptop --profile list`: one block per profile (request counter,
/// error rule, latency histogram, tool/module label, whether tool errors are seen), the
/// detected ones in the order `auto` tries them, then `custom`.
pub fn describe() -> String {
    let mut out = String::from(
        "Metric profiles. `auto` (the default) takes the first of these whose request \
         counter the target exposes;\n`--profile NAME` or `target.profile` forces one.\n",
    );
    for spec in SPECS {
        out.push('\n');
        block(&mut out, spec);
    }
    out.push_str(
        "\ncustom  names and labels from [custom_profile] in the config\n  \
         requests     custom_profile.requests\n  \
         errors       custom_profile.error_label matches custom_profile.error_match\n  \
         latency      custom_profile.latency_bucket\n  \
         modules      custom_profile.tool_label, split by modules.pattern\n  \
         tool errors  as the error rule says\n",
    );
    out
}

fn block(out: &mut String, s: &Spec) {
    let or = |names: Vec<String>| names.join(" or ");
    let _ = writeln!(out, "{}  {}", s.kind, s.title);
    let mut requests = or(s.requests.iter().map(|c| c.sample.to_string()).collect());
    for (label, op, value) in s.required {
        let _ = write!(
            requests,
            ", only series with {label}{}\"{value}\"",
            op.symbol()
        );
    }
    if !s.path_labels.is_empty() {
        let _ = write!(
            requests,
            ", without mcptop's own polling paths in {}",
            s.path_labels.join("/")
        );
    }
    let _ = writeln!(out, "  requests     {requests}");
    let _ = writeln!(out, "  errors       {}", s.errors_text);
    let latency = match s.histograms {
        [] => "none".to_string(),
        [one] => format!("{one}_bucket"),
        many => format!(
            "the finer of {}",
            many.iter()
                .map(|h| format!("{h}_bucket"))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    };
    let _ = writeln!(out, "  latency      {latency}");
    let modules = if s.tool_labels.is_empty() {
        "none (no tool label)".to_string()
    } else {
        let mut m = or(s.tool_labels.iter().map(|l| (*l).to_string()).collect());
        if let Some((label, value)) = s.tool_call {
            let _ = write!(m, " of {label}=\"{value}\"");
        }
        m.push_str(match s.modules {
            ModuleRule::Pattern => ", split by modules.pattern",
            ModuleRule::WholeValue => ", its whole value",
        });
        m
    };
    let _ = writeln!(out, "  modules      {modules}");
    let _ = writeln!(
        out,
        "  tool errors  {}",
        s.blind_spot
            .unwrap_or("counted (an isError result is an error)")
    );
}
