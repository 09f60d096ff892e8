//! The AWS CLI's JSON. The CLI prints members in the order the API returns them, which
//! `serde_json::Map` (sorted without `preserve_order`) cannot keep, so the exports are built as an
//! ordered value here and printed as Python's `json.dumps(indent=4)` prints them, or wrapped as a
//! recorded response in the cloud-custodian placebo style.

use chrono::{DateTime, Datelike, Timelike, Utc};

/// A JSON value whose objects keep their member order.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum J {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// An API timestamp: epoch seconds and microseconds. The CLI prints it as ISO 8601, a placebo
    /// recording as a datetime object.
    Time(i64, u32),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl From<&str> for J {
    fn from(s: &str) -> J {
        J::Str(s.to_owned())
    }
}
impl From<&String> for J {
    fn from(s: &String) -> J {
        J::Str(s.clone())
    }
}
impl From<String> for J {
    fn from(s: String) -> J {
        J::Str(s)
    }
}
impl From<bool> for J {
    fn from(b: bool) -> J {
        J::Bool(b)
    }
}
impl From<i64> for J {
    fn from(n: i64) -> J {
        J::Int(n)
    }
}
impl From<u32> for J {
    fn from(n: u32) -> J {
        J::Int(i64::from(n))
    }
}
impl From<Vec<J>> for J {
    fn from(v: Vec<J>) -> J {
        J::Arr(v)
    }
}

/// Builds an object member by member; `opt` leaves out what the API would not return.
pub(super) struct O(Vec<(String, J)>);

impl O {
    pub(super) fn new() -> O {
        O(Vec::new())
    }
    pub(super) fn k(mut self, key: &str, value: impl Into<J>) -> O {
        self.0.push((key.to_owned(), value.into()));
        self
    }
    pub(super) fn opt<V: Into<J>>(self, key: &str, value: Option<V>) -> O {
        match value {
            Some(v) => self.k(key, v),
            None => self,
        }
    }
    pub(super) fn j(self) -> J {
        J::Obj(self.0)
    }
}

impl From<O> for J {
    fn from(o: O) -> J {
        o.j()
    }
}

pub(super) fn arr<T: Into<J>>(items: impl IntoIterator<Item = T>) -> J {
    J::Arr(items.into_iter().map(Into::into).collect())
}

/// A timestamp with millisecond precision, as most APIs return them.
pub(super) fn ms_time(millis: i64) -> J {
    J::Time(millis.div_euclid(1000), (millis.rem_euclid(1000) * 1000) as u32)
}

pub(super) fn time(secs: i64) -> J {
    J::Time(secs, 0)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Style {
    /// `aws … --output json`: timestamps as ISO 8601 text.
    Cli,
    /// A recorded response: timestamps as `{"__class__": "datetime", …}` objects.
    Placebo,
}

/// How CLI v2 prints a timestamp: Python's `datetime.isoformat()` in UTC.
pub(super) fn iso(secs: i64, micros: u32) -> String {
    let Some(t) = DateTime::<Utc>::from_timestamp(secs, 0) else { return String::new() };
    let base = t.format("%Y-%m-%dT%H:%M:%S");
    if micros == 0 { format!("{base}+00:00") } else { format!("{base}.{micros:06}+00:00") }
}

fn datetime_object(secs: i64, micros: u32) -> J {
    let Some(t) = DateTime::<Utc>::from_timestamp(secs, 0) else { return J::Null };
    O::new()
        .k("__class__", "datetime")
        .k("year", i64::from(t.year()))
        .k("month", t.month())
        .k("day", t.day())
        .k("hour", t.hour())
        .k("minute", t.minute())
        .k("second", t.second())
        .k("microsecond", micros)
        .j()
}

/// `json.dumps(value, indent=4)` followed by the newline the CLI prints.
pub(super) fn pretty(value: &J, style: Style) -> String {
    let mut out = String::new();
    write_value(&mut out, value, style, Some(0));
    out.push('\n');
    out
}

/// `json.dumps(value, separators=(",", ":"))`: how S3 returns a stored bucket policy and how
/// IAM policy documents are URL-encoded.
pub(super) fn compact(value: &J) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Style::Cli, None);
    out
}

fn newline(out: &mut String, indent: Option<usize>) {
    if let Some(n) = indent {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', n * 4));
    }
}

fn write_value(out: &mut String, value: &J, style: Style, indent: Option<usize>) {
    let deeper = indent.map(|n| n + 1);
    match value {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Int(n) => out.push_str(&n.to_string()),
        // Python's repr keeps a fractional part on whole numbers (1.0); Rust's Debug does too.
        J::Float(f) => out.push_str(&format!("{f:?}")),
        J::Str(s) => write_str(out, s),
        J::Time(secs, micros) => match style {
            Style::Cli => write_str(out, &iso(*secs, *micros)),
            Style::Placebo => write_value(out, &datetime_object(*secs, *micros), style, indent),
        },
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, deeper);
                write_value(out, item, style, deeper);
            }
            newline(out, indent);
            out.push(']');
        }
        J::Obj(members) if members.is_empty() => out.push_str("{}"),
        J::Obj(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, deeper);
                write_str(out, key);
                out.push_str(if indent.is_some() { ": " } else { ":" });
                write_value(out, item, style, deeper);
            }
            newline(out, indent);
            out.push('}');
        }
    }
}

/// Python's `ensure_ascii=False` escaping is serde_json's: quotes, backslashes and control
/// characters only.
fn write_str(out: &mut String, s: &str) {
    match serde_json::to_string(s) {
        Ok(text) => out.push_str(&text),
        Err(_) => out.push_str("\"\""),
    }
}

/// Percent-encoding of everything but RFC 3986's unreserved characters, as IAM returns policy
/// documents in its raw API responses (and as tools that record those responses keep them).
pub(super) fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_output_is_pythons_indent_4() {
        let v = O::new()
            .k("A", arr([J::Int(1), J::Str("x\"y".into())]))
            .k("Empty", J::Arr(vec![]))
            .k("E", O::new().j())
            .k("F", J::Float(1.0))
            .k("N", J::Null)
            .j();
        let expected = "{\n    \"A\": [\n        1,\n        \"x\\\"y\"\n    ],\n    \"Empty\": [],\n    \"E\": {},\n    \
                        \"F\": 1.0,\n    \"N\": null\n}\n";
        assert_eq!(pretty(&v, Style::Cli), expected);
        assert_eq!(compact(&v), "{\"A\":[1,\"x\\\"y\"],\"Empty\":[],\"E\":{},\"F\":1.0,\"N\":null}");
    }

    #[test]
    fn timestamps_print_as_the_cli_and_as_placebo_print_them() {
        // 2026-10-01T08:12:44Z is 1790842364 s after the epoch (date -u -d @1790842364).
        assert_eq!(iso(1_790_842_364, 0), "2026-10-01T08:12:44+00:00");
        assert_eq!(iso(1_790_842_364, 123_000), "2026-10-01T08:12:44.123000+00:00");
        let text = pretty(&ms_time(1_790_842_364_007), Style::Placebo);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["__class__"], "datetime");
        assert_eq!((v["year"].as_i64(), v["month"].as_i64(), v["day"].as_i64()), (Some(2026), Some(10), Some(1)));
        assert_eq!(
            (v["hour"].as_i64(), v["second"].as_i64(), v["microsecond"].as_i64()),
            (Some(8), Some(44), Some(7000))
        );
    }

    #[test]
    fn url_encoding_keeps_only_unreserved_characters() {
        assert_eq!(url_encode("{\"Action\":\"*\"}"), "%7B%22Action%22%3A%22%2A%22%7D");
        assert_eq!(url_encode("a-b_c.d~e f"), "a-b_c.d~e%20f");
    }
}
