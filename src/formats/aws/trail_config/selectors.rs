//! `get-event-selectors`: which management events a trail records (CIS AWS 3.1), from classic
//! `EventSelectors` or `AdvancedEventSelectors`, and whether it records data events.
//!
//! Selectors are combined the way AWS applies them: an event is recorded when any selector records it,
//! so `ReadOnly` in one selector and `WriteOnly` in another make `All`. When a file has both kinds, the
//! advanced ones are used if there are any (AWS lets a trail have only one kind; the other is noted).
//!
//! Advanced selectors: conditions on different fields must all hold, and each operator is evaluated as
//! the set it describes, so `NotEquals` is the complement of `Equals`:
//! - `eventCategory` must admit `Management` for the selector to count (`Equals ["Management"]`; AWS
//!   accepts only `Equals` here, so `NotEquals ["Data"]` — counted — is only seen in hand-made files);
//! - `readOnly` decides read and write: no condition = both, `Equals ["true"]` or `NotEquals ["false"]`
//!   = reads only, `Equals ["false"]` or `NotEquals ["true"]` = writes only;
//! - `eventSource NotEquals [...]` (AWS's way to leave out KMS or RDS Data API events) still counts, and
//!   the sources go to `excluded_sources`, as classic `ExcludeManagementEventSources` do;
//! - any other condition in a management selector (`eventSource Equals`, `NotStartsWith`, `eventName`…)
//!   records only part of the management events: the selector is not counted, and a note says why.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{Reader, TrailConfigError, join, trail_from_path};
use crate::diagnostic::Diagnostic;

/// Which management events a trail's selectors record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ManagementEvents {
    All,
    ReadOnly,
    WriteOnly,
    None,
}

impl ManagementEvents {
    fn from_coverage(read: bool, write: bool) -> ManagementEvents {
        match (read, write) {
            (true, true) => ManagementEvents::All,
            (true, false) => ManagementEvents::ReadOnly,
            (false, true) => ManagementEvents::WriteOnly,
            (false, false) => ManagementEvents::None,
        }
    }
}

/// `get-event-selectors` for one trail, reduced to what the logging checks ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventSelectors {
    /// `TrailARN` from the body, else from the file name as for `TrailStatus::trail`.
    pub trail: Option<String>,
    /// Management events recorded by the selectors AWS applies, combined.
    pub management: ManagementEvents,
    /// Event sources whose management events are not recorded in full although `management` says
    /// otherwise (`ExcludeManagementEventSources`, or `eventSource NotEquals` in an advanced selector),
    /// e.g. `kms.amazonaws.com`. Sorted.
    pub excluded_sources: Vec<String>,
    /// The trail uses advanced event selectors.
    pub advanced: bool,
    /// Classic: the number of `DataResources` entries; advanced: the number of selectors that select
    /// `eventCategory` `Data`. Non-zero means the trail records some data events.
    pub data_event_resources: usize,
    /// Selectors that could not be counted and why, and classic selectors ignored beside advanced ones.
    pub notes: Vec<Diagnostic>,
}

/// One condition of an advanced event selector (`{"Field": "readOnly", "Equals": ["true"]}`).
#[derive(Debug)]
struct Condition<'a> {
    field: &'a str,
    operator: &'static str,
    values: Vec<&'a str>,
}

const OPERATORS: [&str; 6] = ["Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith"];

impl Condition<'_> {
    /// Whether an event whose field has `value` passes this condition.
    fn admits(&self, value: &str) -> bool {
        let any = |f: &dyn Fn(&str) -> bool| self.values.iter().any(|v| f(v));
        match self.operator {
            "Equals" => any(&|v| v == value),
            "NotEquals" => !any(&|v| v == value),
            "StartsWith" => any(&|v| value.starts_with(v)),
            "NotStartsWith" => !any(&|v| value.starts_with(v)),
            "EndsWith" => any(&|v| value.ends_with(v)),
            _ => !any(&|v| value.ends_with(v)),
        }
    }

    fn describe(&self) -> String {
        format!("{} {} [{}]", self.field, self.operator, self.values.join(", "))
    }
}

/// What one selector contributes to management-event coverage.
#[derive(Debug)]
struct Coverage {
    read: bool,
    write: bool,
    excluded: BTreeSet<String>,
}

impl Reader<'_> {
    pub(super) fn selectors(&self, body: &Map<String, Value>) -> Result<EventSelectors, TrailConfigError> {
        let classic = self.list(body, "EventSelectors", "")?;
        let advanced = self.list(body, "AdvancedEventSelectors", "")?;
        let mut notes = Vec::new();
        let mut covers = Vec::new();
        let mut data_event_resources = 0;
        if advanced.is_empty() {
            for (i, selector) in classic.iter().enumerate() {
                let at = format!("EventSelectors[{i}]");
                let (cover, data) = self.classic_selector(selector, &at)?;
                covers.extend(cover);
                data_event_resources += data;
            }
        } else {
            if !classic.is_empty() {
                notes.push(Diagnostic::new(
                    self.path,
                    Some("EventSelectors".into()),
                    "ignored: AWS applies AdvancedEventSelectors when a trail has both",
                ));
            }
            for (i, selector) in advanced.iter().enumerate() {
                let at = format!("AdvancedEventSelectors[{i}]");
                let (cover, data) = self.advanced_selector(selector, &at, &mut notes)?;
                covers.extend(cover);
                data_event_resources += usize::from(data);
            }
        }
        let (management, excluded_sources) = combine(&covers);
        Ok(EventSelectors {
            trail: self
                .text(body, "TrailARN", "")?
                .map(str::to_string)
                .or_else(|| trail_from_path(self.path, &SELECTOR_STEMS)),
            management,
            excluded_sources,
            advanced: !advanced.is_empty(),
            data_event_resources,
            notes,
        })
    }

    /// A classic selector: `ReadWriteType` (absent = `All`) and `IncludeManagementEvents` (absent = true)
    /// are AWS's documented defaults, not guesses.
    fn classic_selector(&self, selector: &Value, at: &str) -> Result<(Option<Coverage>, usize), TrailConfigError> {
        let obj = self.object(selector, at)?;
        let (read, write) = match self.text(obj, "ReadWriteType", at)? {
            None | Some("All") => (true, true),
            Some("ReadOnly") => (true, false),
            Some("WriteOnly") => (false, true),
            Some(other) => return Err(self.bad_value(&join(at, "ReadWriteType"), other, "All, ReadOnly or WriteOnly")),
        };
        let data = self.list(obj, "DataResources", at)?.len();
        let excluded = self.strings(obj, "ExcludeManagementEventSources", at)?;
        let cover = (self.flag(obj, "IncludeManagementEvents", at)? != Some(false)).then(|| Coverage {
            read,
            write,
            excluded: excluded.into_iter().map(str::to_string).collect(),
        });
        Ok((cover, data))
    }

    /// An advanced selector, read as the module documentation says. Returns its management coverage, if
    /// it counts, and whether it selects data events.
    fn advanced_selector(
        &self,
        selector: &Value,
        at: &str,
        notes: &mut Vec<Diagnostic>,
    ) -> Result<(Option<Coverage>, bool), TrailConfigError> {
        let obj = self.object(selector, at)?;
        let label = match self.text(obj, "Name", at)? {
            Some(name) => format!("selector '{name}'"),
            None => "this selector".to_string(),
        };
        let fields = match obj.get("FieldSelectors") {
            Some(Value::Array(fields)) => fields,
            None | Some(Value::Null) => return Err(self.missing(&join(at, "FieldSelectors"))),
            Some(other) => return Err(self.wrong_type(&join(at, "FieldSelectors"), "a list", other)),
        };
        let mut conditions = Vec::new();
        for (j, field) in fields.iter().enumerate() {
            let field_at = format!("{at}.FieldSelectors[{j}]");
            let field_obj = self.object(field, &field_at)?;
            let name =
                self.text(field_obj, "Field", &field_at)?.ok_or_else(|| self.missing(&join(&field_at, "Field")))?;
            for operator in OPERATORS {
                if field_obj.contains_key(operator) {
                    let values = self.strings(field_obj, operator, &field_at)?;
                    conditions.push(Condition { field: name, operator, values });
                }
            }
        }
        let note = |notes: &mut Vec<Diagnostic>, message: String| {
            notes.push(Diagnostic::new(self.path, Some(at.to_string()), message));
        };
        let category: Vec<&Condition> = conditions.iter().filter(|c| c.field == "eventCategory").collect();
        if category.is_empty() {
            note(notes, format!("{label} has no eventCategory condition (AWS requires one); not counted"));
            return Ok((None, false));
        }
        let data = category.iter().all(|c| c.admits("Data"));
        if !category.iter().all(|c| c.admits("Management")) {
            return Ok((None, data));
        }
        let mut cover = Coverage { read: true, write: true, excluded: BTreeSet::new() };
        for condition in &conditions {
            match (condition.field, condition.operator) {
                ("eventCategory", _) => {}
                ("readOnly", "Equals" | "NotEquals") => {
                    cover.read &= condition.admits("true");
                    cover.write &= condition.admits("false");
                }
                ("eventSource", "NotEquals") => cover.excluded.extend(condition.values.iter().map(|v| v.to_string())),
                _ => {
                    note(
                        notes,
                        format!(
                            "{label} records management events only where {}; not counted as recording them",
                            condition.describe()
                        ),
                    );
                    return Ok((None, data));
                }
            }
        }
        Ok((Some(cover), data))
    }
}

/// A source is left out of reads (writes) only when every selector recording reads (writes) leaves it out.
fn combine(covers: &[Coverage]) -> (ManagementEvents, Vec<String>) {
    let left_out = |wanted: fn(&Coverage) -> bool| {
        let mut recording = covers.iter().filter(|c| wanted(c));
        let first = recording.next().map(|c| c.excluded.clone()).unwrap_or_default();
        recording.fold(first, |acc, c| acc.intersection(&c.excluded).cloned().collect())
    };
    let read = covers.iter().any(|c| c.read);
    let write = covers.iter().any(|c| c.write);
    let mut excluded = left_out(|c| c.read);
    excluded.extend(left_out(|c| c.write));
    (ManagementEvents::from_coverage(read, write), excluded.into_iter().collect())
}

const SELECTOR_STEMS: [&str; 3] = ["get-event-selectors", "get_event_selectors", "geteventselectors"];

#[cfg(test)]
mod tests {
    use super::super::testing::{real, text};
    use super::super::{TrailConfig, TrailConfigError, parse};
    use super::*;

    fn selectors(config: TrailConfig) -> EventSelectors {
        match config {
            TrailConfig::Selectors(selectors) => selectors,
            other => panic!("not event selectors: {other:?}"),
        }
    }

    fn classic(list: &str) -> EventSelectors {
        selectors(text("s.json", &format!(r#"{{"EventSelectors": {list}}}"#)))
    }

    fn advanced(list: &str) -> EventSelectors {
        selectors(text("s.json", &format!(r#"{{"AdvancedEventSelectors": {list}}}"#)))
    }

    const PLACEBO: &str = "cloud-custodian-placebo/";

    #[test]
    fn real_advanced_selectors() {
        let got = selectors(real(&format!(
            "{PLACEBO}test_cloudtrail_success_management_advanced_events_included/cloudtrail.GetEventSelectors_1.json"
        )));
        assert_eq!(
            got,
            EventSelectors {
                trail: Some("arn:aws:cloudtrail:us-east-1:644160558196:trail/test-cloudtrail".into()),
                management: ManagementEvents::All,
                excluded_sources: vec!["rdsdata.amazonaws.com".into()],
                advanced: true,
                data_event_resources: 0,
                notes: Vec::new(),
            }
        );
        let got = selectors(real(&format!(
            "{PLACEBO}test_cloudtrail_fail_management_advanced_events_included/cloudtrail.GetEventSelectors_1.json"
        )));
        assert_eq!(got.management, ManagementEvents::WriteOnly);
        assert_eq!(got.excluded_sources, ["kms.amazonaws.com", "rdsdata.amazonaws.com"]);
    }

    #[test]
    fn real_classic_selectors() {
        let read =
            |dir: &str, n: u32| selectors(real(&format!("{PLACEBO}{dir}/cloudtrail.GetEventSelectors_{n}.json")));
        let got = read("test_account_data_events", 1);
        assert_eq!((got.management, got.data_event_resources, got.advanced), (ManagementEvents::All, 0, false));
        assert_eq!(got.trail.as_deref(), Some("arn:aws:cloudtrail:us-east-1:644160558196:trail/S3-DataEvents-test2"));
        let got = read("test_account_data_events", 2);
        assert_eq!((got.management, got.data_event_resources), (ManagementEvents::None, 1));
        let got = read("test_cloudtrail_fail_include_management_events", 1);
        assert_eq!((got.management, got.data_event_resources), (ManagementEvents::ReadOnly, 1));
        // WriteOnly, but IncludeManagementEvents false: data events only.
        let got = read("test_s3_data_events", 2);
        assert_eq!((got.management, got.data_event_resources), (ManagementEvents::None, 1));
        assert!(got.excluded_sources.is_empty());
    }

    #[test]
    fn classic_selectors_combine_and_default_as_aws_does() {
        let got = classic(
            r#"[{"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]"#,
        );
        assert_eq!(got.management, ManagementEvents::All);
        assert_eq!(classic(r#"[{"DataResources": [], "Unknown": 1}]"#).management, ManagementEvents::All, "defaults");
        assert_eq!(classic(r#"[{"ReadWriteType": "WriteOnly"}]"#).management, ManagementEvents::WriteOnly);
        let data_only = r#"[{"IncludeManagementEvents": false, "DataResources": [
            {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::a/"]},
            {"Type": "AWS::Lambda::Function", "Values": ["arn:aws:lambda"]}]}]"#;
        let got = classic(data_only);
        assert_eq!((got.management, got.data_event_resources), (ManagementEvents::None, 2));
        assert_eq!(classic("[]").management, ManagementEvents::None);
    }

    #[test]
    fn a_source_is_excluded_only_when_every_recording_selector_leaves_it_out() {
        let got = classic(
            r#"[{"ExcludeManagementEventSources": ["kms.amazonaws.com"]}, {"ExcludeManagementEventSources": []}]"#,
        );
        assert_eq!((got.management, got.excluded_sources.len()), (ManagementEvents::All, 0));
        let got = classic(
            r#"[{"ReadWriteType": "ReadOnly", "ExcludeManagementEventSources": ["kms.amazonaws.com"]},
                {"ReadWriteType": "WriteOnly"}]"#,
        );
        assert_eq!((got.management, got.excluded_sources), (ManagementEvents::All, vec!["kms.amazonaws.com".into()]));
        let got = classic(
            r#"[{"ExcludeManagementEventSources": ["rdsdata.amazonaws.com", "kms.amazonaws.com"]},
                {"ExcludeManagementEventSources": ["kms.amazonaws.com"]},
                {"IncludeManagementEvents": false, "ExcludeManagementEventSources": []}]"#,
        );
        assert_eq!(got.excluded_sources, ["kms.amazonaws.com"]);
    }

    #[test]
    fn advanced_read_only_conditions_combine_across_selectors() {
        let management = |extra: &str| {
            format!(r#"{{"FieldSelectors": [{{"Field": "eventCategory", "Equals": ["Management"]}}{extra}]}}"#)
        };
        let reads = management(r#", {"Field": "readOnly", "Equals": ["true"]}"#);
        let writes = management(r#", {"Field": "readOnly", "Equals": ["false"]}"#);
        assert_eq!(advanced(&format!("[{reads}]")).management, ManagementEvents::ReadOnly);
        assert_eq!(advanced(&format!("[{writes}]")).management, ManagementEvents::WriteOnly);
        assert_eq!(advanced(&format!("[{reads}, {writes}]")).management, ManagementEvents::All);
        assert_eq!(advanced(&format!("[{}]", management(""))).management, ManagementEvents::All);
        let not = |values: &str| management(&format!(r#", {{"Field": "readOnly", "NotEquals": {values}}}"#));
        assert_eq!(advanced(&format!("[{}]", not(r#"["true"]"#))).management, ManagementEvents::WriteOnly);
        assert_eq!(advanced(&format!("[{}]", not(r#"["false"]"#))).management, ManagementEvents::ReadOnly);
        assert_eq!(advanced(&format!("[{}]", not(r#"["true", "false"]"#))).management, ManagementEvents::None);
        let both = management(r#", {"Field": "readOnly", "Equals": ["true", "false"]}"#);
        assert_eq!(advanced(&format!("[{both}]")).management, ManagementEvents::All);
    }

    #[test]
    fn advanced_selectors_that_narrow_management_events_do_not_count() {
        let narrowed = r#"{"Name": "iam only", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventSource", "Equals": ["iam.amazonaws.com"]}]}"#;
        let got = advanced(&format!("[{narrowed}]"));
        assert_eq!(got.management, ManagementEvents::None);
        assert_eq!(got.notes.len(), 1);
        assert_eq!(got.notes[0].locator.as_deref(), Some("AdvancedEventSelectors[0]"));
        assert!(got.notes[0].message.contains("'iam only'"), "{:?}", got.notes);
        assert!(got.notes[0].message.contains("eventSource Equals [iam.amazonaws.com]"), "{:?}", got.notes);
        let by_name = r#"{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventName", "NotStartsWith": ["Describe"]}]}"#;
        assert_eq!(advanced(&format!("[{by_name}]")).management, ManagementEvents::None);
        // A full selector beside a narrowed one still records everything.
        let full = r#"{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}"#;
        let got = advanced(&format!("[{narrowed}, {full}]"));
        assert_eq!((got.management, got.notes.len()), (ManagementEvents::All, 1));
        let uncategorised = advanced(r#"[{"FieldSelectors": [{"Field": "readOnly", "Equals": ["true"]}]}]"#);
        assert_eq!((uncategorised.management, uncategorised.notes.len()), (ManagementEvents::None, 1));
    }

    #[test]
    fn advanced_data_selectors_count_as_data_events() {
        let got = advanced(
            r#"[{"Name": "S3", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]},
                {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                    {"Field": "readOnly", "Equals": ["false"]}]}]"#,
        );
        assert_eq!((got.management, got.data_event_resources, got.advanced), (ManagementEvents::WriteOnly, 1, true));
        assert!(got.notes.is_empty(), "a data selector's own conditions are not about management events");
    }

    #[test]
    fn advanced_selectors_win_when_a_file_has_both() {
        let both = r#"{"EventSelectors": [{"ReadWriteType": "All"}],
            "AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["true"]}]}]}"#;
        let got = selectors(text("s.json", both));
        assert_eq!((got.management, got.advanced), (ManagementEvents::ReadOnly, true));
        assert_eq!(got.notes[0].locator.as_deref(), Some("EventSelectors"));
        let empty_advanced = r#"{"EventSelectors": [{"ReadWriteType": "WriteOnly"}], "AdvancedEventSelectors": []}"#;
        let got = selectors(text("s.json", empty_advanced));
        assert_eq!((got.management, got.advanced, got.notes.len()), (ManagementEvents::WriteOnly, false, 0));
    }

    #[test]
    fn the_trail_comes_from_the_path_without_a_trail_arn() {
        let got = selectors(text("us-east-1/get-event-selectors-org-trail.json", r#"{"EventSelectors": []}"#));
        assert_eq!(got.trail.as_deref(), Some("org-trail"));
        let got = selectors(text("x/cloudtrail.GetEventSelectors_3.json", r#"{"EventSelectors": []}"#));
        assert_eq!(got.trail, None);
    }

    #[test]
    fn malformed_selectors_are_errors_naming_the_field() {
        let err = |json: &str| parse("s.json", json.as_bytes()).unwrap_err();
        assert_eq!(
            err(r#"{"AdvancedEventSelectors": [{"Name": "x"}]}"#),
            TrailConfigError::Missing {
                path: "s.json".into(),
                field: "AdvancedEventSelectors[0].FieldSelectors".into()
            }
        );
        assert!(matches!(
            err(r#"{"AdvancedEventSelectors": [{"FieldSelectors": [
                {"Field": "eventCategory", "Equals": "Management"}]}]}"#),
            TrailConfigError::WrongType { field, .. } if field == "AdvancedEventSelectors[0].FieldSelectors[0].Equals"
        ));
        assert!(matches!(
            err(r#"{"AdvancedEventSelectors": [{"FieldSelectors": [{"Equals": ["Management"]}]}]}"#),
            TrailConfigError::Missing { field, .. } if field == "AdvancedEventSelectors[0].FieldSelectors[0].Field"
        ));
        assert!(matches!(
            err(r#"{"EventSelectors": [{}, {"ReadWriteType": "Everything"}]}"#),
            TrailConfigError::BadValue { field, .. } if field == "EventSelectors[1].ReadWriteType"
        ));
        assert!(matches!(
            err(r#"{"EventSelectors": [{"IncludeManagementEvents": "yes"}]}"#),
            TrailConfigError::WrongType { field, .. } if field == "EventSelectors[0].IncludeManagementEvents"
        ));
        assert!(matches!(
            err(r#"{"EventSelectors": [{"ExcludeManagementEventSources": [1]}]}"#),
            TrailConfigError::WrongType { field, .. } if field == "EventSelectors[0].ExcludeManagementEventSources[0]"
        ));
        assert!(matches!(err(r#"{"EventSelectors": {"ReadWriteType": "All"}}"#), TrailConfigError::WrongType { .. }));
    }
}
