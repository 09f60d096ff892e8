//! CloudTrail log files (`{"Records":[…]}`) and `lookup-events` exports, streamed record by record.
//!
//! A log file is never turned into a `serde_json::Value`: a visitor walks `Records` and hands each
//! record to a sink as it is parsed, reading only the fields gapscope uses and skipping the rest
//! unparsed. Strings borrow from the input unless they hold escapes. Every field is optional and of
//! any type (old `eventVersion`s, Insight events without `userIdentity`): a field of an unexpected
//! type reads as absent instead of failing the record. Records handed to the sink before a syntax
//! error stay handed: a truncated file keeps what came before the damage.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A string field as found; anything that is not a string reads as absent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Text<'a>(pub Option<Cow<'a, str>>);

impl Text<'_> {
    pub(crate) fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TextVisitor)
    }
}

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v.to_string()))))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Text(Some(Cow::Owned(v))))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Text(None))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Text(None))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Text(None))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Text(None))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Text(None))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Text(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Text::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Text(None))
    }
}

/// `userIdentity`, reduced to what the checks read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Identity<'a> {
    pub kind: Text<'a>,
    pub arn: Text<'a>,
    pub account_id: Text<'a>,
    pub invoked_by: Text<'a>,
    pub principal_id: Text<'a>,
    pub user_name: Text<'a>,
}

impl<'de> Deserialize<'de> for Identity<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjectVisitor(Identity::default()))
    }
}

impl<'de> Slots<'de> for Identity<'de> {
    fn slot(&mut self, key: &str) -> Option<&mut Text<'de>> {
        match key {
            "type" => Some(&mut self.kind),
            "arn" => Some(&mut self.arn),
            "accountId" => Some(&mut self.account_id),
            "invokedBy" => Some(&mut self.invoked_by),
            "principalId" => Some(&mut self.principal_id),
            "userName" => Some(&mut self.user_name),
            _ => None,
        }
    }
}

/// One record: the fields gapscope reads.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Record<'a> {
    pub event_version: Text<'a>,
    pub event_time: Text<'a>,
    pub event_source: Text<'a>,
    pub event_name: Text<'a>,
    pub aws_region: Text<'a>,
    pub source_ip: Text<'a>,
    pub error_code: Text<'a>,
    pub error_message: Text<'a>,
    pub event_id: Text<'a>,
    pub event_type: Text<'a>,
    pub recipient_account_id: Text<'a>,
    pub identity: Option<Identity<'a>>,
    /// `responseElements.ConsoleLogin` (`Success` | `Failure`).
    pub console_login: Text<'a>,
    /// `additionalEventData.MFAUsed` (`Yes` | `No`).
    pub mfa_used: Text<'a>,
    /// `requestParameters` and `responseElements` whole, read only for the change events the period
    /// analysis dates ([`crate::period::changes::wanted`]); every other record skips them unparsed.
    pub request: Option<Box<serde_json::Value>>,
    pub response: Option<Box<serde_json::Value>>,
}

impl<'a> Record<'a> {
    fn identity_text<'s>(&'s self, field: fn(&'s Identity<'a>) -> &'s Text<'a>) -> Option<&'s str> {
        self.identity.as_ref().and_then(|identity| field(identity).get())
    }
    pub(crate) fn identity_type(&self) -> Option<&str> {
        self.identity_text(|i| &i.kind)
    }
    pub(crate) fn identity_arn(&self) -> Option<&str> {
        self.identity_text(|i| &i.arn)
    }
    pub(crate) fn identity_account(&self) -> Option<&str> {
        self.identity_text(|i| &i.account_id)
    }
    pub(crate) fn invoked_by(&self) -> Option<&str> {
        self.identity_text(|i| &i.invoked_by)
    }
    pub(crate) fn principal_id(&self) -> Option<&str> {
        self.identity_text(|i| &i.principal_id)
    }
    pub(crate) fn user_name(&self) -> Option<&str> {
        self.identity_text(|i| &i.user_name)
    }
}

/// Whether a record of this (so far read) eventName needs its parameters: a change event, or a name
/// not read yet.
fn wants_parameters(event_name: &Text) -> bool {
    match &event_name.0 {
        None => true,
        Some(name) => crate::period::changes::wanted(name),
    }
}

/// An element of `Records`: a record, or something that is not an object (counted as rejected).
enum Element<'a> {
    Record(Box<Record<'a>>),
    NotObject,
}

impl<'de> Deserialize<'de> for Element<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ElementVisitor)
    }
}

struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CloudTrail record")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut record = Record::default();
        while let Some(key) = map.next_key::<Text>()? {
            let Some(key) = key.get() else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let slot = match key {
                "eventVersion" => &mut record.event_version,
                "eventTime" => &mut record.event_time,
                "eventSource" => &mut record.event_source,
                "eventName" => &mut record.event_name,
                "awsRegion" => &mut record.aws_region,
                "sourceIPAddress" => &mut record.source_ip,
                "errorCode" => &mut record.error_code,
                "errorMessage" => &mut record.error_message,
                "eventID" => &mut record.event_id,
                "eventType" => &mut record.event_type,
                "recipientAccountId" => &mut record.recipient_account_id,
                "userIdentity" => {
                    record.identity = Some(map.next_value::<Identity>()?);
                    continue;
                }
                // CloudTrail writes eventName before these; a record that does not is read whole
                // until its name is known, so no change event is missed.
                "requestParameters" if wants_parameters(&record.event_name) => {
                    record.request = Some(Box::new(map.next_value::<serde_json::Value>()?));
                    continue;
                }
                "responseElements" if wants_parameters(&record.event_name) => {
                    let response = map.next_value::<serde_json::Value>()?;
                    let login = response.get("ConsoleLogin").and_then(serde_json::Value::as_str);
                    record.console_login = Text(login.map(|l| Cow::Owned(l.to_string())));
                    record.response = Some(Box::new(response));
                    continue;
                }
                "responseElements" => {
                    record.console_login = map.next_value_seed(Pick("ConsoleLogin"))?;
                    continue;
                }
                "additionalEventData" => {
                    record.mfa_used = map.next_value_seed(Pick("MFAUsed"))?;
                    continue;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value::<Text>()?;
        }
        Ok(Element::Record(Box::new(record)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Element::NotObject)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Element::NotObject)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Element::NotObject)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Element::NotObject)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Element::NotObject)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Element::NotObject)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Element::NotObject)
    }
}

/// An object whose wanted members are string slots.
trait Slots<'de> {
    fn slot(&mut self, key: &str) -> Option<&mut Text<'de>>;
}

/// Fills the slots of `T` from an object and skips everything else; a non-object leaves them empty.
struct ObjectVisitor<T>(T);

impl<'de, T: Slots<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = self.0;
        while let Some(key) = map.next_key::<Text>()? {
            match key.get().and_then(|key| value.slot(key)) {
                Some(slot) => *slot = map.next_value::<Text>()?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(value)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.0)
    }
    fn visit_bool<E>(self, _: bool) -> Result<T, E> {
        Ok(self.0)
    }
    fn visit_i64<E>(self, _: i64) -> Result<T, E> {
        Ok(self.0)
    }
    fn visit_u64<E>(self, _: u64) -> Result<T, E> {
        Ok(self.0)
    }
    fn visit_f64<E>(self, _: f64) -> Result<T, E> {
        Ok(self.0)
    }
    fn visit_str<E>(self, _: &str) -> Result<T, E> {
        Ok(self.0)
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(self.0)
    }
}

/// One string member of an object value (`responseElements.ConsoleLogin`); absent for anything else.
struct Pick(&'static str);

struct Picked<'de> {
    wanted: &'static str,
    value: Text<'de>,
}

impl<'de> Slots<'de> for Picked<'de> {
    fn slot(&mut self, key: &str) -> Option<&mut Text<'de>> {
        (key == self.wanted).then_some(&mut self.value)
    }
}

impl<'de> DeserializeSeed<'de> for Pick {
    type Value = Text<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let picked = deserializer.deserialize_any(ObjectVisitor(Picked { wanted: self.0, value: Text(None) }))?;
        Ok(picked.value)
    }
}

/// What reading one file yielded, whether or not it ended cleanly.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ReadSummary {
    /// Records handed to the sink.
    pub records: usize,
    /// Elements of `Records` (or `Events`) that were not records.
    pub not_records: usize,
    /// Where reading stopped early, and why.
    pub stopped: Option<String>,
    /// Top-level keys written more than once, with how often (`{"Records":[],"Records":[…]}`): JSON
    /// readers disagree on which copy counts, so the records of every `Records` array are read and
    /// the file says so.
    pub duplicate_keys: Vec<(String, usize)>,
}

/// The shapes of CloudTrail event files gapscope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `{"Records": [ … ]}`: delivered log files, also as plain `.json`.
    Records,
    /// `aws cloudtrail lookup-events`: `{"Events": [{"CloudTrailEvent": "<record as JSON text>"}]}`.
    LookupEvents,
    /// One record per line (NDJSON), as Logstash, Elastic, Splunk, CloudWatch Logs subscriptions and
    /// `jq -c '.Records[]'` write CloudTrail.
    Lines,
}

/// Is this CloudTrail as one record per line? Its first line is a whole JSON object with the keys
/// every CloudTrail record has.
pub(crate) fn is_ndjson(text: &[u8]) -> bool {
    // A record is at most a few hundred KiB; a longer first line is one JSON document (a delivered
    // log file is one line), which must not be parsed whole just to be told apart.
    const MAX_LINE: usize = 1 << 20;
    let head = &text[..text.len().min(MAX_LINE)];
    let Some(end) = head.iter().position(|b| *b == b'\n') else {
        return false;
    };
    let first = &head[..end];
    let Ok(record) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(first.trim_ascii()) else {
        return false;
    };
    record.contains_key("eventVersion") && record.contains_key("eventName") && record.contains_key("eventSource")
}

/// Streams every record of `content` to `sink`. Never fails: a syntax error, a wrong shape or
/// trailing garbage ends the reading and is described in `stopped`; records before it were handed on.
pub(crate) fn read(content: &[u8], shape: Shape, sink: &mut dyn FnMut(&Record)) -> ReadSummary {
    let mut summary = ReadSummary::default();
    if shape == Shape::Lines {
        // Each line on its own: a damaged line is one rejected record, not the end of the file.
        for line in crate::formats::common::strip_bom(content).split(|b| *b == b'\n') {
            let line = line.trim_ascii();
            if line.is_empty() {
                continue;
            }
            match serde_json::from_slice::<Element>(line) {
                Ok(Element::Record(record)) => {
                    summary.records += 1;
                    sink(&record);
                }
                Ok(Element::NotObject) | Err(_) => summary.not_records += 1,
            }
        }
        return summary;
    }
    // Windows tools write a byte-order mark; it is not part of the JSON.
    let mut deserializer = serde_json::Deserializer::from_slice(crate::formats::common::strip_bom(content));
    let outcome = deserializer
        .deserialize_map(TopVisitor { shape, sink, summary: &mut summary })
        .and_then(|()| deserializer.end());
    if let Err(e) = outcome {
        summary.stopped = Some(describe(&e, summary.records));
    }
    summary
}

fn describe(e: &serde_json::Error, records: usize) -> String {
    let before = match records {
        1 => "the record before it is used".to_string(),
        n => format!("the {n} records before it are used"),
    };
    match e.classify() {
        serde_json::error::Category::Eof => {
            format!("JSON ends early (line {}, column {}): {before}", e.line(), e.column())
        }
        _ => format!("invalid JSON at line {}, column {} ({e}): {before}", e.line(), e.column()),
    }
}

struct TopVisitor<'s> {
    shape: Shape,
    sink: &'s mut dyn FnMut(&Record),
    summary: &'s mut ReadSummary,
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let wanted = match self.shape {
            Shape::Records | Shape::Lines => "Records",
            Shape::LookupEvents => "Events",
        };
        let mut found = false;
        // Every key with its count: a repeated key is said, never silently resolved one way.
        let mut seen: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
        while let Some(key) = map.next_key::<Text>()? {
            if let Some(name) = key.get() {
                *seen.entry(name.to_string()).or_default() += 1;
            }
            if key.get() == Some(wanted) {
                found = true;
                map.next_value_seed(ElementsSeed {
                    shape: self.shape,
                    sink: &mut *self.sink,
                    summary: &mut *self.summary,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        self.summary.duplicate_keys = seen.into_iter().filter(|(_, n)| *n > 1).collect();
        if found { Ok(()) } else { Err(de::Error::custom(format!("no \"{wanted}\" array"))) }
    }
}

/// The `Records` (or `Events`) array, element by element.
struct ElementsSeed<'s> {
    shape: Shape,
    sink: &'s mut dyn FnMut(&Record),
    summary: &'s mut ReadSummary,
}

impl<'de> DeserializeSeed<'de> for ElementsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.shape {
            Shape::Records | Shape::Lines => {
                while let Some(element) = seq.next_element::<Element>()? {
                    match element {
                        Element::Record(record) => {
                            self.summary.records += 1;
                            (self.sink)(&record);
                        }
                        Element::NotObject => self.summary.not_records += 1,
                    }
                }
            }
            Shape::LookupEvents => {
                while let Some(event) = seq.next_element::<LookupEvent>()? {
                    // The record is JSON text inside a string: parsed on its own, so one bad event
                    // is one rejected record, not the end of the file.
                    let parsed = event.0.get().map(serde_json::from_str::<Element>);
                    match parsed {
                        Some(Ok(Element::Record(record))) => {
                            self.summary.records += 1;
                            (self.sink)(&record);
                        }
                        _ => self.summary.not_records += 1,
                    }
                }
            }
        }
        Ok(())
    }
}

/// An element of lookup-events' `Events`: only its `CloudTrailEvent` text is read.
struct LookupEvent<'a>(Text<'a>);

impl<'de> Deserialize<'de> for LookupEvent<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Pick("CloudTrailEvent").deserialize(deserializer).map(LookupEvent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (eventName, userIdentity.type, eventID) of one record, as owned text.
    type Seen = (Option<String>, Option<String>, Option<String>);

    #[test]
    fn one_record_per_line_is_read_line_by_line() {
        let text = b"{\"eventVersion\":\"1.08\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"eventID\":\"a\"}\r\n\
            \n{\"eventVersion\":\"1.08\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateUser\",\"eventID\":\"b\"}\n\
            {\"eventVersion\":\"1.08\",\"eventName\":\"Cut";
        assert!(is_ndjson(text));
        assert!(!is_ndjson(br#"{"Records": [{"eventVersion": "1.08"}]}"#));
        assert!(!is_ndjson(b"{\"eventVersion\":\"1.08\"}\n"), "a record has its source and name");
        assert!(
            !is_ndjson(br#"{"eventVersion":"1.08","eventSource":"s","eventName":"n"}"#),
            "one line, no newline: a document"
        );
        let (seen, summary) = collect(text, Shape::Lines);
        let ids: Vec<Option<String>> = seen.into_iter().map(|s| s.2).collect();
        assert_eq!(ids, [Some("a".to_string()), Some("b".to_string())]);
        assert_eq!((summary.records, summary.not_records, summary.stopped), (2, 1, None));
    }

    fn collect(content: &[u8], shape: Shape) -> (Vec<Seen>, ReadSummary) {
        let mut seen = Vec::new();
        let summary = read(content, shape, &mut |r| {
            let own = |t: &Text| t.get().map(str::to_string);
            seen.push((own(&r.event_name), r.identity_type().map(str::to_string), own(&r.event_id)));
        });
        (seen, summary)
    }

    #[test]
    fn plaso_records_with_old_versions_and_insight_events_without_identity() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/realdata/plaso/test_data/aws_cloudtrail.json");
        let content = std::fs::read(path).unwrap();
        let (seen, summary) = collect(&content, Shape::Records);
        // Checked with jq: 9 records; the last two are AwsCloudTrailInsight without userIdentity or eventName.
        assert_eq!(summary, ReadSummary { records: 9, not_records: 0, stopped: None, duplicate_keys: vec![] });
        assert_eq!(seen[0], (Some("StartInstances".into()), Some("IAMUser".into()), None));
        assert_eq!(seen[6].0.as_deref(), Some("UpdateTrail"));
        assert_eq!(seen[7], (None, None, Some("EXAMPLE8-9621-4d00-b913-beca2EXAMPLE".into())));
    }

    #[test]
    fn a_truncated_file_keeps_the_records_before_the_break() {
        let text =
            br#"{"Records":[{"eventName":"A","eventID":"1"},{"eventName":"B","eventID":"2"},{"eventName":"C","ev"#;
        let (seen, summary) = collect(text, Shape::Records);
        assert_eq!(seen.len(), 2);
        assert_eq!(summary.records, 2);
        let stopped = summary.stopped.unwrap();
        assert!(stopped.starts_with("JSON ends early (line 1, column"), "{stopped}");
        assert!(stopped.ends_with("the 2 records before it are used"), "{stopped}");
    }

    #[test]
    fn fields_of_unexpected_types_read_as_absent_and_non_objects_are_counted() {
        let text = br#"{"Records":[
            {"eventName": 7, "userIdentity": "root", "responseElements": "x", "additionalEventData": [1],
             "eventID": "a\"b", "eventTime": null},
            42, "text", [1, 2], null,
            {"eventName": "ConsoleLogin", "responseElements": {"ConsoleLogin": "Success"},
             "additionalEventData": {"MFAUsed": "No", "LoginTo": "x"}, "userIdentity": {"type": "Root", "sessionContext": {"a": 1}}}
        ], "extra": {"ignored": true}}"#;
        let mut logins = Vec::new();
        let summary = read(text, Shape::Records, &mut |r| {
            logins.push((
                r.event_name.get().map(str::to_string),
                r.console_login.0.clone().map(|c| c.into_owned()),
                r.mfa_used.0.clone().map(|c| c.into_owned()),
                r.event_id.get().map(str::to_string),
                r.identity_type().map(str::to_string),
            ));
        });
        assert_eq!(summary, ReadSummary { records: 2, not_records: 4, stopped: None, duplicate_keys: vec![] });
        assert_eq!(logins[0], (None, None, None, Some("a\"b".into()), None));
        assert_eq!(
            logins[1],
            (Some("ConsoleLogin".into()), Some("Success".into()), Some("No".into()), None, Some("Root".into()))
        );
    }

    #[test]
    fn lookup_events_parse_the_record_inside_each_event() {
        let record = r#"{"eventName":"StopLogging","eventID":"e-1","userIdentity":{"type":"IAMUser"}}"#;
        let text = serde_json::json!({
            "Events": [
                {"EventId": "e-1", "EventName": "StopLogging", "CloudTrailEvent": record},
                {"EventId": "e-2", "CloudTrailEvent": "{not json"},
                {"EventId": "e-3"}
            ],
            "NextToken": "abc"
        })
        .to_string();
        let (seen, summary) = collect(text.as_bytes(), Shape::LookupEvents);
        assert_eq!(seen, [(Some("StopLogging".into()), Some("IAMUser".into()), Some("e-1".into()))]);
        assert_eq!((summary.records, summary.not_records, summary.stopped), (1, 2, None));
    }

    #[test]
    fn wrong_shapes_are_described_not_fatal() {
        let (_, summary) = collect(br#"{"records": []}"#, Shape::Records);
        assert!(summary.stopped.unwrap().contains(r#"no "Records" array"#));
        let (_, summary) = collect(br#"{"Records": {"a": 1}}"#, Shape::Records);
        assert!(summary.stopped.is_some());
        let (_, summary) = collect(br#"[1, 2]"#, Shape::Records);
        assert!(summary.stopped.unwrap().starts_with("invalid JSON at line 1"));
        let (seen, summary) = collect(br#"{"Records": [{"eventName": "A"}]} garbage"#, Shape::Records);
        assert_eq!((seen.len(), summary.records), (1, 1));
        assert!(summary.stopped.unwrap().contains("trailing characters"));
    }

    #[test]
    fn a_log_with_a_byte_order_mark_keeps_its_records() {
        let text = b"\xEF\xBB\xBF{\"Records\":[{\"eventName\":\"A\",\"eventID\":\"1\"}]}";
        let (seen, summary) = collect(text, Shape::Records);
        assert_eq!((seen.len(), summary.records, summary.stopped), (1, 1, None));
        let text = b"\xEF\xBB\xBF{\"Events\":[{\"CloudTrailEvent\":\"{\\\"eventID\\\":\\\"e\\\"}\"}]}";
        let (_, summary) = collect(text, Shape::LookupEvents);
        assert_eq!((summary.records, summary.stopped), (1, None));
    }

    #[test]
    fn a_repeated_records_key_is_said_and_every_array_is_read() {
        let text = br#"{"Records":[],"eventVersion":1,"Records":[{"eventID":"1"},{"eventID":"2"}]}"#;
        let (seen, summary) = collect(text, Shape::Records);
        assert_eq!((seen.len(), summary.records, summary.stopped), (2, 2, None));
        assert_eq!(summary.duplicate_keys, [("Records".to_string(), 2)]);
        let (_, summary) = collect(br#"{"Records":[{"eventID":"1"}]}"#, Shape::Records);
        assert!(summary.duplicate_keys.is_empty());
    }
}
