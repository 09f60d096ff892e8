//! A reader for CloudWatch Logs JSON filter patterns: the comparisons a pattern holds, to be matched
//! against the CIS AWS Foundations v3.0 section 4 predicates (the table in `facts::cloudtrail::cis`).
//!
//! A pattern covers a predicate when it holds every comparison of the CIS reference pattern (field,
//! operator and value; whitespace, quoting and parentheses do not matter). Comparisons CIS added in
//! v3.0 to cut noise (4.1's sourceIPAddress and HeadBucket exclusions) are not required, so filters
//! written from v1.x of the benchmark still count.

use std::collections::BTreeSet;

/// The comparisons in a JSON filter pattern (`{ ($.eventName = "X") || ($.errorCode = Y*) }`).
pub(super) fn comparisons(pattern: &str) -> BTreeSet<(String, String, String)> {
    let mut found = BTreeSet::new();
    let mut rest = pattern;
    while let Some(at) = rest.find("$.") {
        rest = &rest[at + 2..];
        let field_len =
            rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-')).unwrap_or(rest.len());
        let field = &rest[..field_len];
        let after = rest[field_len..].trim_start();
        let (operator, after) = if let Some(a) = after.strip_prefix("!=") {
            ("!=", a)
        } else if let Some(a) = after.strip_prefix('=') {
            ("=", a)
        } else if after.get(..10).is_some_and(|w| w.eq_ignore_ascii_case("NOT EXISTS")) {
            found.insert((field.to_string(), "NOT EXISTS".to_string(), String::new()));
            continue;
        } else {
            continue;
        };
        let after = after.trim_start();
        let value = if let Some(quoted) = after.strip_prefix('"') {
            quoted.split('"').next().unwrap_or_default()
        } else {
            let end =
                after.find(|c: char| c.is_whitespace() || matches!(c, ')' | '&' | '|' | '}')).unwrap_or(after.len());
            &after[..end]
        };
        found.insert((field.to_string(), operator.to_string(), value.to_string()));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::cloudtrail::cis::cis_sections;

    #[test]
    fn cis_reference_patterns_cover_their_predicate_and_no_other() {
        let patterns = [
            (
                "4.1",
                r#"{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#,
            ),
            (
                "4.3",
                r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
            ),
            (
                "4.5",
                "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
            ),
            (
                "4.7",
                "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
            ),
        ];
        for (section, pattern) in patterns {
            let found = comparisons(pattern);
            let covered: Vec<&str> = cis_sections().filter(|(_, p)| p.covered_by(&found)).map(|(s, _)| s).collect();
            assert_eq!(covered, [section], "{pattern}");
        }
    }

    #[test]
    fn a_pattern_missing_one_event_does_not_cover() {
        let partial = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }";
        let (_, four_five) = cis_sections().find(|(s, _)| *s == "4.5").unwrap();
        assert!(!four_five.covered_by(&comparisons(partial)));
        assert_eq!(cis_sections().count(), 15);
    }
}
