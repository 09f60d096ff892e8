//! Sign-ins as JSON: the non-interactive ones as a Graph page (`{"value":[…]}`), and a few
//! interactive ones as Azure Monitor / Log Analytics NDJSON (Graph fields under `Properties`, in
//! PascalCase), one of them also in the CSV with the same request id.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Map, Value, json};

use super::oracle::Tally;
use super::signins::{self, APPS, PLACES, SignIn, Volume};
use super::tenant::{Outcome, Sink, Tenant};
use super::{Run, guid_text};
use crate::common::{DAY, create};

pub(super) const NDJSON: &str = "signins-loganalytics.ndjson";

/// A sign-in as Graph (beta `auditLogs/signIns`) returns it.
fn graph(s: &SignIn, t: &Tenant) -> Value {
    let Some(u) = t.users.get(s.user) else { return Value::Null };
    let app = APPS.get(s.app).unwrap_or(&APPS[0]);
    let place = PLACES.get(u.place).unwrap_or(&PLACES[0]);
    let (agent, browser, os) = s.device();
    let success = s.outcome == Outcome::Success;
    let details = if s.mfa && success {
        json!([
            {"authenticationMethod": "Password", "succeeded": true, "authenticationStepRequirement": "Primary authentication",
             "authenticationStepResultDetail": "Correct password"},
            {"authenticationMethod": "Mobile app notification", "succeeded": true,
             "authenticationStepRequirement": "Multi-factor authentication", "authenticationStepResultDetail": "MFA successfully completed"}
        ])
    } else {
        json!([{"authenticationMethod": "Password", "succeeded": success,
                "authenticationStepRequirement": "Primary authentication",
                "authenticationStepResultDetail": if success { "Correct password" } else { "Invalid username or password" }}])
    };
    let reason = s.failure_reason();
    json!({
        "id": guid_text(s.id),
        "createdDateTime": signins::iso(s.time),
        "userDisplayName": u.display(),
        "userPrincipalName": u.upn,
        "userId": u.id,
        "userType": if u.guest { "guest" } else { "member" },
        "appId": app.id,
        "appDisplayName": app.name,
        "resourceDisplayName": app.resource,
        "resourceId": app.resource_id,
        "resourceTenantId": t.id,
        "homeTenantId": t.id,
        "correlationId": guid_text(s.correlation),
        "sessionId": guid_text(s.session),
        "ipAddress": s.ip(u),
        "userAgent": agent,
        "clientAppUsed": s.client,
        "isInteractive": s.interactive,
        "signInEventTypes": [if s.interactive { "interactiveUser" } else { "nonInteractiveUser" }],
        "conditionalAccessStatus": if s.mfa && success { "success" } else { "notApplied" },
        "authenticationRequirement": if s.mfa { "multiFactorAuthentication" } else { "singleFactorAuthentication" },
        "authenticationDetails": details,
        "status": {"errorCode": s.error_code(), "failureReason": if reason.is_empty() { Value::Null } else { reason.into() }},
        "location": {"city": place.city, "state": place.state, "countryOrRegion": place.country},
        "deviceDetail": {"deviceId": "", "operatingSystem": os, "browser": browser, "isCompliant": false, "isManaged": false},
        "riskLevelDuringSignIn": "none",
        "riskLevelAggregated": "none",
        "riskState": "none",
    })
}

/// `createdDateTime` → `CreatedDateTime`, recursively (Log Analytics' spelling).
fn pascal(v: Value) -> Value {
    match v {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let mut c = k.chars();
                let key = c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default();
                out.insert(key, pascal(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(pascal).collect()),
        other => other,
    }
}

/// Writes the NDJSON file of the planted `Ndjson` and `Both` sign-ins. Returns (records, the request
/// ids also in the CSV).
pub(super) fn write_ndjson(
    path: &Path,
    run: &Run,
    planted: &[(Sink, SignIn)],
    tally: &mut Tally,
) -> Result<(u64, Vec<String>)> {
    let mut rows: Vec<&(Sink, SignIn)> =
        planted.iter().filter(|(sink, _)| matches!(sink, Sink::Ndjson | Sink::Both)).collect();
    rows.sort_by_key(|(_, s)| (s.time, s.id));
    let mut w = create(path)?;
    let mut duplicates = Vec::new();
    for (sink, s) in &rows {
        let mut properties = pascal(graph(s, &run.tenant));
        let result = s.error_code().to_string();
        if let Value::Object(map) = &mut properties {
            map.insert("ResultType".to_owned(), result.clone().into());
        }
        let time = signins::iso(s.time).replace('Z', ".0000000Z");
        let identity = run.tenant.users.get(s.user).map(|u| u.display()).unwrap_or_default();
        let record = json!({
            "TimeGenerated": time,
            "TenantId": run.tenant.id,
            "SourceSystem": "Azure AD",
            "Category": "SignInLogs",
            "OperationName": "Sign-in activity",
            "ResultType": result,
            "ResultDescription": s.failure_reason(),
            "Identity": identity,
            "Level": 4,
            "Properties": properties,
        });
        serde_json::to_writer(&mut w, &record)?;
        w.write_all(b"\n")?;
        tally.add(s);
        if *sink == Sink::Both {
            duplicates.push(guid_text(s.id));
        }
    }
    w.flush().with_context(|| format!("cannot write {}", path.display()))?;
    duplicates.sort();
    Ok((rows.len() as u64, duplicates))
}

/// Writes the non-interactive sign-ins as one Graph page, newest first. Returns the record count.
pub(super) fn write_non_interactive(
    path: &Path,
    run: &Run,
    planted: &[(Sink, SignIn)],
    tally: &mut Tally,
) -> Result<u64> {
    let signers = signins::signers(&run.tenant);
    let volume = Volume::PerUserDay(run.args.noninteractive_per_user_day);
    let mut w = create(path)?;
    w.write_all(b"{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns\",\"value\":[")?;
    let mut n = 0u64;
    for (index, &day) in run.active.iter().enumerate() {
        let mut rows = signins::day_rows(run, &signers, day, index, &volume, false);
        rows.extend(
            planted
                .iter()
                .filter(|(sink, s)| *sink == Sink::NonInteractive && s.time.div_euclid(DAY) == day)
                .map(|(_, s)| s.clone()),
        );
        signins::sort_newest_first(&mut rows);
        for s in &rows {
            w.write_all(if n == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut w, &graph(s, &run.tenant))?;
            tally.add(s);
            n += 1;
        }
    }
    w.write_all(b"\n]}\n").and_then(|()| w.flush()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(n)
}
