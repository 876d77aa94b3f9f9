use regex::Regex;

use super::module_of;

#[test]
fn module_is_text_before_first_dot_or_underscore() {
    let re = Regex::new("^([^._]+)").expect("regex");
    assert_eq!(module_of("notion.search", &re), "notion");
    assert_eq!(module_of("github_list_issues", &re), "github");
    assert_eq!(module_of("get-sum", &re), "get-sum");
    let custom = Regex::new("^[a-z]+-").expect("regex");
    assert_eq!(module_of("jira-create", &custom), "jira-");
    assert_eq!(module_of("NOPE", &custom), "NOPE");
}
