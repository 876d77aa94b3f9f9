use super::*;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

#[test]
fn combine_tags_each_part_by_its_index_and_skips_missing_ones() {
    let parts = vec![Some("up".to_string()), None, Some("sum(x)".to_string())];
    assert_eq!(
        combine(&parts).as_deref(),
        Some(
            "label_replace(up, \"mcptop_part\", \"0\", \"\", \"\") or \
             label_replace(sum(x), \"mcptop_part\", \"2\", \"\", \"\")"
        )
    );
    assert_eq!(combine(&[None, None]), None);
}

#[test]
fn split_sorts_series_into_their_parts_and_removes_the_tag() {
    let answer = vec![
        (labels(&[("mcptop_part", "2"), ("instance", "a")]), 1.0),
        (labels(&[("mcptop_part", "0")]), 2.0),
        (labels(&[("mcptop_part", "2"), ("instance", "b")]), 3.0),
    ];
    let parts = split(answer, 3).expect("tagged");
    assert_eq!(parts[0], vec![(Labels::new(), 2.0)]);
    assert!(parts[1].is_empty());
    assert_eq!(
        parts[2],
        vec![
            (labels(&[("instance", "a")]), 1.0),
            (labels(&[("instance", "b")]), 3.0)
        ]
    );
}

#[test]
fn split_refuses_an_untagged_or_unknown_series() {
    let untagged = vec![(labels(&[("instance", "a")]), 1.0)];
    assert!(matches!(split(untagged, 2), Err(SourceError::BadAnswer(_))));
    let unknown = vec![(labels(&[("mcptop_part", "7")]), 1.0)];
    assert!(matches!(split(unknown, 2), Err(SourceError::BadAnswer(_))));
}
