//! Sign-ins: the record and how each export spells its fields, the planted ones, and the random ones
//! of each day (each day from its own seeded generator, so the exports stream day by day).

use std::cmp::Reverse;

use chrono::{DateTime, Datelike, Timelike, Utc};

use super::tenant::{Outcome, Profile, Sink, Tenant, User};
use super::{Run, random_guid};
use crate::common::DAY;
use crate::rng::Rng;

pub(super) struct Place {
    pub(super) city: &'static str,
    pub(super) state: &'static str,
    pub(super) country: &'static str,
    /// Documentation address ranges (RFC 5737), a /25 each.
    pub(super) net: [u8; 4],
    pub(super) asn: u32,
}

pub(super) const PLACES: [Place; 6] = [
    Place { city: "Seattle", state: "Washington", country: "US", net: [192, 0, 2, 0], asn: 7922 },
    Place { city: "London", state: "London", country: "GB", net: [192, 0, 2, 128], asn: 2856 },
    Place { city: "Berlin", state: "Berlin", country: "DE", net: [198, 51, 100, 0], asn: 3320 },
    Place { city: "Toronto", state: "Ontario", country: "CA", net: [198, 51, 100, 128], asn: 812 },
    Place { city: "Sydney", state: "New South Wales", country: "AU", net: [203, 0, 113, 0], asn: 1221 },
    Place { city: "Singapore", state: "Singapore", country: "SG", net: [203, 0, 113, 128], asn: 9506 },
];

/// An application signed in to and the resource it asked a token for.
pub(super) struct AppRef {
    pub(super) name: &'static str,
    pub(super) id: &'static str,
    pub(super) resource: &'static str,
    pub(super) resource_id: &'static str,
}

const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const EXCHANGE_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
pub(super) const APPS: [AppRef; 6] = [
    AppRef {
        name: "OfficeHome",
        id: "4765445b-32c6-49b0-83e6-1d93765276ca",
        resource: "Microsoft Graph",
        resource_id: GRAPH,
    },
    AppRef {
        name: "Microsoft Teams",
        id: "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
        resource: "Microsoft Graph",
        resource_id: GRAPH,
    },
    AppRef {
        name: "Azure Portal",
        id: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
        resource: "Windows Azure Service Management API",
        resource_id: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    },
    AppRef {
        name: "Microsoft Office",
        id: "d3590ed6-52b3-4102-aeff-aad2292ab01c",
        resource: "Office 365 Exchange Online",
        resource_id: EXCHANGE_ID,
    },
    AppRef {
        name: "Outlook Mobile",
        id: "27922004-5251-4030-b22d-91ecd9a37ea4",
        resource: "Office 365 Exchange Online",
        resource_id: EXCHANGE_ID,
    },
    AppRef {
        name: "Office 365 Exchange Online",
        id: EXCHANGE_ID,
        resource: "Office 365 Exchange Online",
        resource_id: EXCHANGE_ID,
    },
];
const EXCHANGE: usize = 5;
const LEGACY_MAIL: [&str; 4] = ["IMAP4", "Authenticated SMTP", "Exchange ActiveSync", "POP3"];

#[derive(Clone, Debug)]
pub(super) struct SignIn {
    pub(super) id: u128,
    pub(super) correlation: u128,
    pub(super) session: u128,
    pub(super) time: i64,
    /// Index into [`Tenant::users`].
    pub(super) user: usize,
    pub(super) interactive: bool,
    pub(super) client: &'static str,
    /// Index into [`APPS`].
    pub(super) app: usize,
    /// `authenticationRequirement` multiFactorAuthentication.
    pub(super) mfa: bool,
    pub(super) outcome: Outcome,
    /// Last octet offset inside the user's place's /25; 127 = a foreign address.
    pub(super) host: u8,
}

impl SignIn {
    pub(super) fn error_code(&self) -> u32 {
        match (self.outcome, self.interactive) {
            (Outcome::Success, _) => 0,
            (Outcome::Failure, true) => 50126,
            (Outcome::Failure, false) => 50173,
            (Outcome::Interrupted, _) => 50074,
        }
    }
    pub(super) fn failure_reason(&self) -> &'static str {
        match self.error_code() {
            0 => "",
            50126 => "Invalid username or password or Invalid on-premise username or password.",
            50173 => "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
            _ => "Strong Authentication is required.",
        }
    }
    pub(super) fn ip(&self, user: &User) -> String {
        let net = PLACES.get(user.place).map_or([192, 0, 2, 0], |p| p.net);
        let last = if self.host == 127 { net[3] ^ 0x80 | 0x7E } else { net[3] + self.host };
        format!("{}.{}.{}.{last}", net[0], net[1], net[2])
    }
    pub(super) fn legacy(&self) -> bool {
        !matches!(self.client, "Browser" | "Mobile Apps and Desktop clients")
    }
    /// (user agent, browser, operating system), as the client would report them.
    pub(super) fn device(&self) -> (&'static str, &'static str, &'static str) {
        match (self.client, self.id % 3) {
            ("Browser", 0) => (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0",
                "Edge 128.0.0",
                "Windows10",
            ),
            ("Browser", 1) => (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36",
                "Chrome 128.0.0",
                "MacOs",
            ),
            ("Browser", _) => (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
                "Mobile Safari 17.6",
                "Ios 17.6",
            ),
            ("Mobile Apps and Desktop clients", 0 | 1) => (
                "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
                "Rich Client 5.2.0.0",
                "Windows10",
            ),
            ("Mobile Apps and Desktop clients", _) => ("Outlook-iOS/2.0", "Rich Client 4.61.0.0", "Ios 17.6"),
            ("Exchange ActiveSync", _) => ("Apple-iPhone15C3/2107.61", "", "Ios"),
            _ => ("BAV2ROPC", "", ""),
        }
    }
}

pub(super) enum Volume {
    /// This many random rows in the CSV, spread evenly over the days with sign-ins.
    Exact(u64),
    /// A mean per signing-in user and day.
    PerUserDay(f64),
}

/// The planted sign-ins, each tagged with the export it goes to.
pub(super) fn planted(run: &Run) -> Vec<(Sink, SignIn)> {
    let mut out = Vec::new();
    for (user, u) in run.tenant.users.iter().enumerate() {
        for (n, step) in u.script.iter().enumerate() {
            let mut rng = Rng::derived(run.args.seed, &[b"planted", u.upn.as_bytes(), &(n as u64).to_le_bytes()]);
            let day = run.active.get(step.day % run.active.len().max(1)).copied().unwrap_or_default();
            let app = if step.client == "Browser" {
                0
            } else if step.client == "Mobile Apps and Desktop clients" {
                3
            } else {
                EXCHANGE
            };
            let s = SignIn {
                id: random_guid(&mut rng),
                correlation: random_guid(&mut rng),
                session: random_guid(&mut rng),
                time: day * DAY + step.hour * 3600 + rng.range(0, 3599),
                user,
                interactive: step.sink != Sink::NonInteractive,
                client: step.client,
                app,
                mfa: step.mfa,
                outcome: step.outcome,
                host: if app == EXCHANGE { 127 } else { 1 + (user % 100) as u8 },
            };
            out.push((step.sink, s));
        }
    }
    out
}

/// Users who sign in on their own (the random, non-dormant ones).
pub(super) fn signers(t: &Tenant) -> Vec<usize> {
    let active = |u: &User| u.enabled && matches!(u.profile, Profile::Strict | Profile::Mixed | Profile::Legacy);
    t.users.iter().enumerate().filter(|(_, u)| active(u)).map(|(i, _)| i).collect()
}

/// One random sign-in of `user` on `day`, in the habits of the user's profile.
fn random(rng: &mut Rng, t: &Tenant, user: usize, day: i64, interactive: bool) -> SignIn {
    let profile = t.users.get(user).map_or(Profile::Strict, |u| u.profile);
    let second = if rng.chance(80) { rng.range(7 * 3600, 18 * 3600 - 1) } else { rng.range(0, DAY - 1) };
    let mut s = SignIn {
        id: random_guid(rng),
        correlation: random_guid(rng),
        session: random_guid(rng),
        time: day * DAY + second,
        user,
        interactive,
        client: "Browser",
        app: 0,
        mfa: true,
        outcome: Outcome::Success,
        host: 1 + (user % 100) as u8,
    };
    let mobile = rng.chance(35);
    if mobile {
        (s.client, s.app) = ("Mobile Apps and Desktop clients", rng.range(3, 4) as usize);
    } else {
        s.app = rng.range(0, 2) as usize;
    }
    let legacy = |s: &mut SignIn, rng: &mut Rng| {
        (s.client, s.app, s.mfa, s.host) = (rng.pick(&LEGACY_MAIL), EXCHANGE, false, 127);
    };
    let roll = rng.below(1000);
    if !interactive {
        // Token refreshes inherit the session's strength; a few fail when the grant was revoked.
        s.mfa = !rng.chance(10);
        s.outcome = if roll < 20 { Outcome::Failure } else { Outcome::Success };
        if profile == Profile::Legacy && rng.chance(2) {
            legacy(&mut s, rng);
            s.client = "Exchange ActiveSync";
        }
        return s;
    }
    match roll {
        0..=39 => {
            (s.outcome, s.mfa) = (Outcome::Failure, false);
            if profile == Profile::Legacy && rng.chance(40) {
                legacy(&mut s, rng);
            }
        }
        40..=54 => s.outcome = Outcome::Interrupted,
        _ => {
            let single = match profile {
                Profile::Mixed => 40,
                Profile::Legacy => 60,
                _ => 0,
            };
            if profile == Profile::Legacy && roll >= 970 {
                legacy(&mut s, rng);
            } else if roll < 55 + single {
                s.mfa = false;
            }
        }
    }
    s
}

/// How many sign-ins a user makes on a day for a mean of `mean`: its whole part, plus one with the
/// probability of its fraction (so the expected count is `mean`).
fn count(rng: &mut Rng, mean: f64) -> u64 {
    let whole = mean.floor();
    let extra = u64::from((rng.below(1 << 24) as f64) < (mean - whole) * f64::from(1 << 24));
    whole as u64 + extra
}

/// The random sign-ins of one day (`index` = its place among the active days, newest first).
pub(super) fn day_rows(
    run: &Run,
    signers: &[usize],
    day: i64,
    index: usize,
    volume: &Volume,
    interactive: bool,
) -> Vec<SignIn> {
    let kind: &[u8] = if interactive { b"interactive" } else { b"noninteractive" };
    let mut rng = Rng::derived(run.args.seed, &[kind, &day.to_le_bytes()]);
    let mut rows = Vec::new();
    if signers.is_empty() {
        return rows;
    }
    match *volume {
        Volume::Exact(total) => {
            let days = run.active.len() as u64;
            let n = total / days + u64::from((index as u64) < total % days);
            rows.reserve(usize::try_from(n).unwrap_or(0));
            for _ in 0..n {
                let user = signers.get(rng.below(signers.len() as u64) as usize).copied().unwrap_or(0);
                rows.push(random(&mut rng, &run.tenant, user, day, interactive));
            }
        }
        Volume::PerUserDay(mean) => {
            // 1970-01-01 was a Thursday: (day + 3) % 7 is 0 on Mondays.
            let weekend = (day + 3).rem_euclid(7) >= 5;
            let mean = if weekend && interactive { mean / 3.0 } else { mean };
            for &user in signers {
                for _ in 0..count(&mut rng, mean) {
                    rows.push(random(&mut rng, &run.tenant, user, day, interactive));
                }
            }
        }
    }
    rows
}

/// Newest first, as the portal lists them; the request id breaks ties.
pub(super) fn sort_newest_first(rows: &mut [SignIn]) {
    rows.sort_unstable_by_key(|s| Reverse((s.time, s.id)));
}

/// `2026-09-14T08:02:11Z`.
pub(super) fn iso(t: i64) -> String {
    let d = DateTime::<Utc>::from_timestamp(t, 0).unwrap_or_default();
    let (date, time) = ((d.year(), d.month(), d.day()), (d.hour(), d.minute(), d.second()));
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", date.0, date.1, date.2, time.0, time.1, time.2)
}
