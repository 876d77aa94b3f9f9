use super::*;

fn l(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

fn inst(i: &str, v: f64) -> (Labels, f64) {
    (l(&[("instance", i)]), v)
}

fn shape(re: &Regex) -> Shape<'_> {
    Shape {
        tool_label: Some("gen_ai_tool_name"),
        module_re: re,
        modules: crate::model::profile::ModuleRule::Pattern,
        range_ms: 300_000,
        top_bucket_s: None,
    }
}

#[test]
fn fleet_rows_and_drill_down_stats_come_from_by_instance_answers() {
    let re = Regex::new("^([^._]+)").expect("regex");
    let answers = Answers {
        t_ms: 1_000,
        total: TileAnswers {
            requests: vec![(Labels::new(), 12.0)],
            errors: vec![(Labels::new(), 1.2)],
            p95: vec![(Labels::new(), 0.5)],
            p99: vec![(Labels::new(), f64::NAN)],
            ..TileAnswers::default()
        },
        by_instance: TileAnswers {
            requests: vec![inst("a:1", 10.0), inst("b:1", 2.0)],
            errors: vec![inst("a:1", 1.2)],
            p95: vec![inst("a:1", 0.4), inst("b:1", 0.9)],
            by_tool: vec![
                (
                    l(&[("instance", "a:1"), ("gen_ai_tool_name", "notion.search")]),
                    3.0,
                ),
                (
                    l(&[("instance", "a:1"), ("gen_ai_tool_name", "notion.get")]),
                    1.0,
                ),
                (
                    l(&[("instance", "a:1"), ("gen_ai_tool_name", "jira.list")]),
                    4.0,
                ),
                (
                    l(&[("instance", "b:1"), ("gen_ai_tool_name", "jira.list")]),
                    2.0,
                ),
            ],
            memory: vec![inst("a:1", 5e7)],
            ..TileAnswers::default()
        },
        up: vec![
            (l(&[("instance", "a:1"), ("job", "mcp")]), 1.0),
            (l(&[("instance", "b:1"), ("job", "mcp")]), 1.0),
            (l(&[("instance", "c:1"), ("job", "mcp")]), 0.0),
        ],
        targets: Some(vec![TargetState {
            labels: l(&[("instance", "c:1"), ("job", "mcp")]),
            last_error: "connection refused".into(),
            last_scrape_ms: None,
        }]),
        up_at: vec![
            (l(&[("instance", "a:1")]), 0.9),
            (l(&[("instance", "c:1")]), 0.95),
        ],
        warnings: vec![],
        ..Answers::default()
    };
    let r = assemble(&answers, &shape(&re));
    assert_eq!(r.total.req_per_sec, Some(12.0));
    assert_eq!(
        r.total.error_ratio.map(|x| (x * 1000.0).round()),
        Some(100.0)
    );
    assert_eq!(r.total.p99, None, "NaN is no value");
    let names: Vec<&str> = r.rows.iter().map(|x| x.instance.as_str()).collect();
    assert_eq!(names, ["a:1", "b:1", "c:1"]);
    assert_eq!(
        r.rows[0].error_ratio.map(|x| (x * 100.0).round()),
        Some(12.0)
    );
    assert_eq!(
        r.rows[1].error_ratio,
        Some(0.0),
        "requests but no error series"
    );
    assert_eq!(r.rows[2].up, Some(false));
    assert_eq!(r.rows[2].req_per_sec, None);
    assert_eq!(r.rows[2].last_error, "connection refused");
    // The newest `up` sample's own time, not when it was asked.
    assert_eq!(r.newest_sample_ms, Some(950));
    assert_eq!(r.rows[0].job, "mcp");
    let a = &r.per_instance["a:1"];
    assert_eq!(a.resident_memory_bytes, Some(5e7));
    let mods: Vec<(&str, f64)> = a
        .modules
        .iter()
        .map(|m| (m.module.as_str(), m.per_sec))
        .collect();
    assert_eq!(mods, [("jira", 4.0), ("notion", 4.0)], "ties by name");
    assert_eq!(a.modules[0].share, 0.5);
    assert_eq!(r.per_instance["b:1"].modules.len(), 1);
}

#[test]
fn timeline_points_pair_requests_with_errors() {
    let req: Matrix = vec![
        (l(&[("instance", "a:1")]), vec![(0, 1.0), (10, 2.0)]),
        (l(&[("instance", "b:1")]), vec![(0, 5.0)]),
    ];
    let err: Matrix = vec![(l(&[("instance", "a:1")]), vec![(10, 0.5)])];
    let a = points(&req, &err, Some("a:1"));
    assert_eq!(a.len(), 2);
    assert_eq!((a[0].err_per_sec, a[1].err_per_sec), (0.0, 0.5));
    assert_eq!(points(&req, &err, Some("b:1"))[0].req_per_sec, 5.0);
    assert!(points(&req, &err, Some("z:1")).is_empty());
    assert_eq!(instances(&req), ["a:1", "b:1"]);
}

#[test]
fn a_quantile_answered_with_the_top_bucket_bound_is_a_lower_bound() {
    let re = Regex::new("^([^._]+)").expect("regex");
    let shape = Shape {
        top_bucket_s: Some(1.0),
        ..shape(&re)
    };
    let a = Answers {
        t_ms: 1_000,
        total: TileAnswers {
            requests: vec![(Labels::new(), 4.0)],
            p95: vec![(Labels::new(), 1.0)],
            p99: vec![(Labels::new(), 1.0)],
            p50: vec![(Labels::new(), 0.4)],
            ..TileAnswers::default()
        },
        ..Answers::default()
    };
    let r = assemble(&a, &shape);
    assert!(
        r.total.p95_lower_bound && r.total.p99_lower_bound,
        "{:?}",
        r.total
    );
    assert_eq!(r.total.top_bucket_s, Some(1.0));
    let a = Answers {
        total: TileAnswers {
            p95: vec![(Labels::new(), 0.9)],
            ..a.total.clone()
        },
        ..a
    };
    assert!(!assemble(&a, &shape).total.p95_lower_bound);
}

#[test]
fn the_whole_selectors_rates_are_the_instances_sums_and_its_memory_their_largest() {
    let tool = |i: &str, t: &str, v: f64| (l(&[("instance", i), ("gen_ai_tool_name", t)]), v);
    let by_instance = TileAnswers {
        requests: vec![inst("a:1", 2.5), inst("b:1", 0.5)],
        errors: Vec::new(),
        by_tool: vec![
            tool("a:1", "notion.search", 2.0),
            tool("a:1", "jira.create", 0.5),
            tool("b:1", "notion.search", 0.5),
        ],
        memory: vec![inst("a:1", f64::NAN), inst("b:1", 4e7), inst("c:1", 3e7)],
        p95: vec![inst("a:1", 0.9)],
        ..TileAnswers::default()
    };
    let mut total = TileAnswers {
        p95: vec![(Labels::new(), 0.7)],
        ..TileAnswers::default()
    };
    total.fill_total_from(&by_instance);
    assert_eq!(total.requests, vec![(Labels::new(), 3.0)]);
    // No error series: no answer, as `sum(...)` of nothing.
    assert!(total.errors.is_empty());
    assert_eq!(
        total.by_tool,
        vec![
            (l(&[("gen_ai_tool_name", "jira.create")]), 0.5),
            (l(&[("gen_ai_tool_name", "notion.search")]), 2.5),
        ]
    );
    // As PromQL `max`: a NaN gives way to any number.
    assert_eq!(total.memory, vec![(Labels::new(), 4e7)]);
    // The quantile is the whole selector's own answer, untouched.
    assert_eq!(total.p95, vec![(Labels::new(), 0.7)]);
}

#[test]
fn quantiles_are_histogram_quantile_per_group_of_buckets() {
    let b = |i: &str, le: &str, v: f64| (l(&[("instance", i), ("le", le)]), v);
    // The buckets of the `histogram_quantile` docstring for a:1; b:1 has no +Inf bucket;
    // a series without `le` or with a bad one is left out.
    let buckets = vec![
        b("a:1", "0.1", 8.0),
        b("a:1", "0.5", 10.0),
        b("a:1", "1", 11.0),
        b("a:1", "+Inf", 12.0),
        b("b:1", "0.1", 1.0),
        b("b:1", "bad", 5.0),
        inst("b:1", 9.0),
    ];
    let [p50, p95] = quantiles(&buckets, [0.5, 0.95]);
    assert_eq!(p95[0], inst("a:1", 1.0));
    assert!((p50[0].1 - 0.075).abs() < 1e-12);
    assert_eq!(p50[1].0, l(&[("instance", "b:1")]));
    assert!(p50[1].1.is_nan() && p95[1].1.is_nan());
    assert_eq!(p50.len(), 2);

    // The whole selector's: the instances' buckets summed by `le` first, as
    // `sum by (le)` answers.
    let mut total = TileAnswers::default();
    total.set_quantiles(&sum_without_instance(&buckets[..4].to_vec()));
    assert_eq!(total.p95, vec![(Labels::new(), 1.0)]);
    assert_eq!(total.p99, vec![(Labels::new(), 1.0)]);
}
