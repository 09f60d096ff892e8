//! Sign-ins as JSON: Graph pages (`{"value":[…]}`) and bare arrays streamed record by record, and
//! NDJSON read line by line. A file is never turned into a `serde_json::Value`: a visitor reads the
//! fields gapscope keeps and skips the rest unparsed. Keys match case-insensitively, and Azure
//! Monitor's `properties` object is read beside the top level (its fields win), so Graph, Azure
//! Monitor and Log Analytics spellings all fit one reader. Every field may be of any JSON type; an
//! unexpected type reads as absent.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{
    Collector, Names, Raw, SignInError, auth_requirement, interactive_word, present, squash, status_code, status_word,
};
use crate::formats::entra::model::SignInStatus;

mod sniff;
pub(super) use sniff::sniff;

const NAMES: Names<'static> = Names { id: "id", time: "createdDateTime", user: "userPrincipalName" };

/// A field's value as found: arrays, objects, floats and huge numbers read as `Other`.
#[derive(Debug, Default)]
enum Scalar<'a> {
    #[default]
    Absent,
    Text(Cow<'a, str>),
    Bool(bool),
    Int(i64),
    Other,
}

impl Scalar<'_> {
    fn text(&self) -> Option<&str> {
        match self {
            Scalar::Text(text) => present(text),
            _ => None,
        }
    }

    fn is_present(&self) -> bool {
        match self {
            Scalar::Text(text) => present(text).is_some(),
            Scalar::Bool(_) | Scalar::Int(_) => true,
            Scalar::Absent | Scalar::Other => false,
        }
    }

    fn int(&self) -> Option<i64> {
        match self {
            Scalar::Int(n) => Some(*n),
            Scalar::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }

    fn flag(&self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(*b),
            Scalar::Text(text) => interactive_word(text),
            _ => None,
        }
    }

    fn into_owned(self) -> Scalar<'static> {
        match self {
            Scalar::Text(text) => Scalar::Text(Cow::Owned(text.into_owned())),
            Scalar::Absent => Scalar::Absent,
            Scalar::Bool(b) => Scalar::Bool(b),
            Scalar::Int(n) => Scalar::Int(n),
            Scalar::Other => Scalar::Other,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar::Text(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar::Text(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar::Text(Cow::Owned(v)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_or(Scalar::Other, Scalar::Int))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Absent)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Scalar::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// The members gapscope reads, under any of the spellings Graph, Azure Monitor and Log Analytics use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Id,
    CorrelationId,
    Created,
    TimeGenerated,
    Time,
    Upn,
    UserId,
    UserType,
    App,
    ClientApp,
    IsInteractive,
    AuthRequirement,
    Status,
    ResultType,
    HomeTenant,
    ResourceTenant,
    Tenant,
    AadTenant,
    /// Azure Monitor's log category (`SignInLogs`, `NonInteractiveUserSignInLogs`, …).
    Category,
    /// Log Analytics' table name (`SigninLogs`, `AADNonInteractiveUserSignInLogs`, …).
    Table,
    Properties,
}

const FIELDS: [(&str, Field); 21] = [
    ("id", Field::Id),
    ("correlationId", Field::CorrelationId),
    ("createdDateTime", Field::Created),
    ("TimeGenerated", Field::TimeGenerated),
    ("time", Field::Time),
    ("userPrincipalName", Field::Upn),
    ("userId", Field::UserId),
    ("userType", Field::UserType),
    ("appDisplayName", Field::App),
    ("clientAppUsed", Field::ClientApp),
    ("isInteractive", Field::IsInteractive),
    ("authenticationRequirement", Field::AuthRequirement),
    ("status", Field::Status),
    ("resultType", Field::ResultType),
    ("homeTenantId", Field::HomeTenant),
    ("resourceTenantId", Field::ResourceTenant),
    ("tenantId", Field::Tenant),
    ("AADTenantId", Field::AadTenant),
    ("category", Field::Category),
    ("Type", Field::Table),
    ("properties", Field::Properties),
];

fn field_of(key: &str) -> Option<Field> {
    FIELDS.iter().find(|(name, _)| name.eq_ignore_ascii_case(key)).map(|&(_, field)| field)
}

/// One JSON record: its values by [`Field`] (the slot of `Properties` stays empty) and its
/// `properties` object, if any.
#[derive(Debug, Default)]
struct Record<'a> {
    values: [Scalar<'a>; FIELDS.len()],
    properties: Option<Box<Record<'a>>>,
}

impl<'a> Record<'a> {
    /// A field from `properties` if present there, else from the top level.
    fn pick(&self, field: Field) -> Option<&Scalar<'a>> {
        let inner = self.properties.as_ref().map(|p| &p.values[field as usize]).filter(|v| v.is_present());
        inner.or_else(|| Some(&self.values[field as usize]).filter(|v| v.is_present()))
    }

    fn text(&self, field: Field) -> Option<&str> {
        self.pick(field).and_then(Scalar::text)
    }

    fn raw(&self) -> Raw<'_> {
        let (id, id_is_correlation) = match self.text(Field::Id) {
            Some(id) => (Some(id), false),
            None => (self.text(Field::CorrelationId), self.text(Field::CorrelationId).is_some()),
        };
        let time = [Field::Created, Field::TimeGenerated, Field::Time].into_iter().find_map(|f| self.text(f));
        let tenant_id = [Field::HomeTenant, Field::ResourceTenant, Field::Tenant, Field::AadTenant]
            .into_iter()
            .find_map(|f| self.text(f));
        let interactive = self.pick(Field::IsInteractive).and_then(Scalar::flag).or_else(|| {
            [Field::Category, Field::Table].into_iter().find_map(|f| self.text(f)).and_then(interactive_of_category)
        });
        let mut status = match self.pick(Field::Status) {
            Some(Scalar::Text(text)) => text.trim().parse().map_or_else(|_| status_word(text), status_code),
            Some(Scalar::Int(code)) => status_code(*code),
            _ => SignInStatus::Unknown,
        };
        if status == SignInStatus::Unknown {
            status = self.pick(Field::ResultType).and_then(Scalar::int).map_or(SignInStatus::Unknown, status_code);
        }
        Raw {
            id,
            id_is_correlation,
            time,
            user_principal_name: self.text(Field::Upn),
            user_id: self.text(Field::UserId),
            user_type: self.text(Field::UserType),
            app: self.text(Field::App),
            client_app: self.text(Field::ClientApp),
            interactive,
            status,
            auth_requirement: auth_requirement(self.text(Field::AuthRequirement)),
            tenant_id,
        }
    }
}

/// Azure Monitor categories and Log Analytics tables name the kind of sign-in.
fn interactive_of_category(category: &str) -> Option<bool> {
    let category = squash(category);
    if category.contains("noninteractive")
        || category.contains("serviceprincipal")
        || category.contains("managedidentity")
    {
        Some(false)
    } else if category == "signinlogs" {
        Some(true)
    } else {
        None
    }
}

/// An element of the records array or an NDJSON line: a record, or anything else (rejected).
enum Element<'a> {
    Record(Box<Record<'a>>),
    NotObject,
}

impl<'de> Deserialize<'de> for Element<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ElementVisitor { nested: false })
    }
}

/// Reads a record; `nested` for `properties`, whose own `properties` member is not looked into.
struct ElementVisitor {
    nested: bool,
}

impl<'de> DeserializeSeed<'de> for ElementVisitor {
    type Value = Element<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sign-in record")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut record = Record::default();
        while let Some(key) = map.next_key::<Scalar>()? {
            let field = match &key {
                Scalar::Text(key) => field_of(key),
                _ => None,
            };
            let value = match field {
                None => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                Some(Field::Properties) => {
                    if let (false, Element::Record(inner)) =
                        (self.nested, map.next_value_seed(ElementVisitor { nested: true })?)
                    {
                        record.properties.get_or_insert(inner);
                    }
                    continue;
                }
                Some(Field::Status) => map.next_value_seed(StatusSeed)?,
                Some(_) => map.next_value::<Scalar>()?,
            };
            if let Some(field) = field {
                let slot = &mut record.values[field as usize];
                // The first spelling wins when a record carries two (`Id` and `id`).
                if !slot.is_present() {
                    *slot = value;
                }
            }
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

/// `status`: Graph's object (its `errorCode` is kept), Log Analytics' same object written as JSON
/// text, a bare code, or a word (`Success`).
struct StatusSeed;

impl<'de> DeserializeSeed<'de> for StatusSeed {
    type Value = Scalar<'de>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(StatusSeed)
    }
}

impl<'de> Visitor<'de> for StatusSeed {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sign-in status")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut code = Scalar::Absent;
        while let Some(key) = map.next_key::<Scalar>()? {
            match key.text() {
                Some(key) if key.eq_ignore_ascii_case("errorCode") && !code.is_present() => {
                    code = map.next_value::<Scalar>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(code)
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(status_text(v).unwrap_or(Scalar::Text(Cow::Borrowed(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(status_text(v).unwrap_or_else(|| Scalar::Text(Cow::Owned(v.to_string()))))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(i64::try_from(v).map_or(Scalar::Other, Scalar::Int))
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Scalar::Other)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Scalar::Absent)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// The `errorCode` of a status object written as JSON text.
fn status_text(text: &str) -> Option<Scalar<'static>> {
    if !text.trim_start().starts_with('{') {
        return None;
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    StatusSeed.deserialize(&mut deserializer).ok().map(Scalar::into_owned)
}

/// `errorCode` of a JSON status object in text (a Log Analytics CSV cell), if it has one.
pub(super) fn error_code_in(text: &str) -> Option<i64> {
    status_text(text).as_ref().and_then(Scalar::int)
}

/// Progress through a Graph file, kept outside the visitors so it survives a syntax error.
struct GraphState<'c, 'f> {
    out: &'c mut Collector<'f>,
    records: u64,
    /// The records array was reached: from here on damage costs records, not the file.
    entered: bool,
    /// Inside an element when reading stopped.
    in_element: bool,
    /// Why the file is not a sign-in export, when the JSON is valid but shaped otherwise.
    shape_problem: Option<String>,
    next_link: bool,
}

impl GraphState<'_, '_> {
    fn take(&mut self, element: Element) {
        self.records += 1;
        let index = self.records;
        self.out.read();
        match element {
            Element::Record(record) => self.out.build(record.raw(), "record", index, &NAMES),
            Element::NotObject => {
                self.out.reject(|| format!("record {index}"), || "not a JSON object; record skipped".to_string())
            }
        }
    }

    fn shape<E: de::Error>(&mut self, problem: impl Into<String>) -> E {
        let problem = problem.into();
        let error = E::custom(&problem);
        self.shape_problem = Some(problem);
        error
    }
}

/// Streams a `{"value":[…]}` page or a bare array. Damage before the array is an error; damage in
/// it keeps the records before it and says so.
pub(super) fn parse_graph(content: &[u8], out: &mut Collector) -> Result<(), SignInError> {
    let file = out.file();
    let mut state =
        GraphState { out, records: 0, entered: false, in_element: false, shape_problem: None, next_link: false };
    let mut deserializer = serde_json::Deserializer::from_slice(content);
    let outcome = deserializer.deserialize_any(TopVisitor(&mut state)).and_then(|()| deserializer.end());
    if let Err(e) = outcome {
        if !state.entered {
            return Err(match state.shape_problem {
                Some(reason) => SignInError::NotSignIns { file: file.to_string(), reason },
                None => SignInError::Json { file: file.to_string(), message: e.to_string() },
            });
        }
        let before = match state.records {
            1 => "the record before it is used".to_string(),
            n => format!("the {n} records before it are used"),
        };
        let damage = match e.classify() {
            serde_json::error::Category::Eof => {
                format!("the JSON ends early (line {}, column {})", e.line(), e.column())
            }
            _ => format!("invalid JSON at line {}, column {} ({})", e.line(), e.column(), reason_of(&e)),
        };
        if state.in_element {
            let index = state.records + 1;
            state.out.read();
            state.out.reject(
                || format!("record {index}"),
                || format!("{damage}: this record and anything after it are lost; {before}"),
            );
        } else {
            let message = format!("{damage} after the records array; all {} records are used", state.records);
            state.out.note(None, message);
        }
    }
    if state.next_link {
        state.out.note(
            Some("@odata.nextLink".into()),
            "this is one page of a longer Graph result: sign-ins on later pages are missing unless those pages are exported too",
        );
    }
    Ok(())
}

/// serde_json's message without its `at line … column …` suffix (the locator says where).
fn reason_of(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((reason, _)) => reason.to_string(),
        None => text,
    }
}

struct TopVisitor<'s, 'c, 'f>(&'s mut GraphState<'c, 'f>);

impl<'de> Visitor<'de> for TopVisitor<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Graph page or an array of sign-ins")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<Scalar>()? {
            match key.text() {
                Some("value") if !found => {
                    found = true;
                    map.next_value_seed(RecordsSeed(&mut *self.0))?;
                }
                Some(key) if key.eq_ignore_ascii_case("@odata.nextLink") => {
                    self.0.next_link |= map.next_value::<Scalar>()?.text().is_some();
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if found { Ok(()) } else { Err(self.0.shape("the JSON object has no \"value\" array")) }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        RecordsSeed(self.0).visit_seq(seq)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.0.shape("the JSON is a boolean, not sign-in records"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.0.shape("the JSON is a number, not sign-in records"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.0.shape("the JSON is a number, not sign-in records"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.0.shape("the JSON is a number, not sign-in records"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.0.shape("the JSON is a string, not sign-in records"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.0.shape("the JSON is null, not sign-in records"))
    }
}

/// The records array, element by element.
struct RecordsSeed<'s, 'c, 'f>(&'s mut GraphState<'c, 'f>);

impl<'de> DeserializeSeed<'de> for RecordsSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RecordsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of sign-ins")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        state.entered = true;
        loop {
            state.in_element = true;
            let Some(element) = seq.next_element::<Element>()? else {
                break;
            };
            state.in_element = false;
            state.take(element);
        }
        state.in_element = false;
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(self.0.shape("\"value\" is an object, not an array of sign-ins"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.0.shape("\"value\" is not an array"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.0.shape("\"value\" is not an array"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.0.shape("\"value\" is not an array"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.0.shape("\"value\" is not an array"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.0.shape("\"value\" is not an array"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.0.shape("\"value\" is null, not an array"))
    }
}

/// One record per line; blank lines are skipped, a bad line is one rejected record.
pub(super) fn parse_ndjson(content: &[u8], out: &mut Collector) {
    for (index, line) in content.split(|&b| b == b'\n').enumerate() {
        let number = index as u64 + 1;
        let line = line.trim_ascii();
        if line.is_empty() {
            continue;
        }
        out.read();
        let mut deserializer = serde_json::Deserializer::from_slice(line);
        let parsed = Element::deserialize(&mut deserializer).and_then(|element| deserializer.end().map(|()| element));
        match parsed {
            Ok(Element::Record(record)) => out.build(record.raw(), "line", number, &NAMES),
            Ok(Element::NotObject) => {
                out.reject(|| format!("line {number}"), || "not a JSON object; line skipped".to_string())
            }
            Err(e) => out.reject(
                || format!("line {number}"),
                || format!("invalid JSON at column {} ({}); line skipped", e.column(), reason_of(&e)),
            ),
        }
    }
}

#[cfg(test)]
mod tests;
