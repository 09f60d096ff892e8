//! Reading IAM and bucket policy documents the way the checks need: who a statement lets in, whether
//! it grants everything, whether a bucket refuses plain HTTP. `Statement`, `Action`, `Resource` and
//! principals may each be one value or a list; both spellings are read.

use serde_json::{Map, Value};

/// The statements of a document, with their index (for locators).
pub(crate) fn statements(doc: &Value) -> Vec<(usize, &Map<String, Value>)> {
    match doc.get("Statement") {
        Some(Value::Array(list)) => list.iter().enumerate().filter_map(|(i, s)| Some((i, s.as_object()?))).collect(),
        Some(Value::Object(one)) => vec![(0, one)],
        _ => Vec::new(),
    }
}

/// A field that is one string or a list of strings.
fn texts(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn effect(statement: &Map<String, Value>) -> Option<&str> {
    statement.get("Effect").and_then(Value::as_str)
}

/// `"Principal": "*"` or `{"AWS": "*"}` (also in a list): anyone.
pub(crate) fn anyone(statement: &Map<String, Value>) -> bool {
    match statement.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(map)) => map.get("AWS").is_some_and(|aws| texts(Some(aws)).contains(&"*")),
        _ => false,
    }
}

/// An Allow to anyone without a Condition: the statement that makes a bucket public. A condition
/// (source VPC, organisation, IP range) narrows who "anyone" is, so it is not counted public here;
/// `get-bucket-policy-status` gives AWS's own verdict on those.
pub(crate) fn public_allow(doc: &Value) -> Option<usize> {
    statements(doc)
        .into_iter()
        .find(|(_, s)| effect(s) == Some("Allow") && anyone(s) && !s.contains_key("Condition"))
        .map(|(i, _)| i)
}

/// A Deny of every S3 action (`s3:*` or `*`) to anyone when `aws:SecureTransport` is false (CIS 2.1.1).
/// The condition value may be the text `"false"` or the boolean.
pub(crate) fn denies_insecure_transport(doc: &Value) -> Option<usize> {
    statements(doc)
        .into_iter()
        .find(|(_, s)| {
            let every_action = texts(s.get("Action")).iter().any(|a| *a == "*" || a.eq_ignore_ascii_case("s3:*"));
            let insecure = s
                .get("Condition")
                .and_then(Value::as_object)
                .and_then(|c| c.iter().find(|(op, _)| op.eq_ignore_ascii_case("Bool")))
                .and_then(|(_, keys)| keys.as_object())
                .and_then(|keys| keys.iter().find(|(k, _)| k.eq_ignore_ascii_case("aws:SecureTransport")))
                .is_some_and(|(_, v)| match v {
                    Value::Bool(b) => !b,
                    other => texts(Some(other)).iter().any(|t| t.eq_ignore_ascii_case("false")),
                });
            effect(s) == Some("Deny") && anyone(s) && every_action && insecure
        })
        .map(|(i, _)| i)
}

/// An Allow of every action (`*` or `*:*`) on every resource (`*`): full administrator (CIS 1.16).
pub(crate) fn full_admin(doc: &Value) -> Option<usize> {
    statements(doc)
        .into_iter()
        .find(|(_, s)| {
            effect(s) == Some("Allow")
                && texts(s.get("Action")).iter().any(|a| *a == "*" || *a == "*:*")
                && texts(s.get("Resource")).contains(&"*")
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn full_admin_needs_every_action_on_every_resource() {
        assert_eq!(full_admin(&json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})), Some(0));
        let listed = json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                                          {"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}]});
        assert_eq!(full_admin(&listed), Some(1));
        assert_eq!(
            full_admin(&json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}]})),
            None
        );
        assert_eq!(full_admin(&json!({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]})), None);
        assert_eq!(
            full_admin(&json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})),
            None
        );
    }

    #[test]
    fn public_allow_ignores_conditioned_and_named_principals() {
        let public = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "s3:GetObject"}]});
        assert_eq!(public_allow(&public), Some(0));
        let vpc = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                        "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]});
        assert_eq!(public_allow(&vpc), None);
        let named = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]});
        assert_eq!(public_allow(&named), None);
    }

    #[test]
    fn deny_http_takes_text_or_boolean_false() {
        let deny = |value: Value, action: &str| {
            json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": action, "Resource": "*",
                                  "Condition": {"Bool": {"aws:SecureTransport": value}}}]})
        };
        assert_eq!(denies_insecure_transport(&deny(json!("false"), "s3:*")), Some(0));
        assert_eq!(denies_insecure_transport(&deny(json!(false), "*")), Some(0));
        assert_eq!(denies_insecure_transport(&deny(json!("true"), "s3:*")), None);
        assert_eq!(denies_insecure_transport(&deny(json!("false"), "s3:GetObject")), None);
    }
}
