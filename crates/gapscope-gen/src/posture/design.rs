//! Building the model: the designed cases of each account and region (accounts.rs, regions.rs),
//! each noted with the verdict it is designed for, plus background resources drawn from the seed.
//! Ids look like AWS's (`sg-0…` with 17 hex digits, key ids as UUIDs, IAM ids with their prefixes).

use serde::Serialize;

use super::model::{Account, World};
use crate::common::DAY;
use crate::rng::Rng;

/// What a designed case expects of its check and resource.
#[derive(Serialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "lowercase")]
pub(super) enum Expect {
    Pass,
    Fail,
    Unknown,
    /// Not in the check's population: no verdict at all.
    Absent,
}

#[derive(Serialize, Clone, Debug)]
pub(super) struct Case {
    pub(super) case: &'static str,
    pub(super) check: &'static str,
    pub(super) resource: String,
    pub(super) account: String,
    pub(super) region: Option<String>,
    pub(super) expect: Expect,
}

pub(super) struct Options<'a> {
    pub(super) seed: u64,
    pub(super) accounts: &'a [String],
    pub(super) regions: &'a [String],
    pub(super) as_of: i64,
    /// Upper bound of the random background resources of each kind per region.
    pub(super) background: u64,
}

/// One account's design state: its random ids and times, and the cases noted so far.
pub(super) struct Ctx {
    pub(super) rng: Rng,
    pub(super) as_of: i64,
    pub(super) account: String,
    pub(super) background: u64,
    pub(super) cases: Vec<Case>,
}

/// A random (version 4) UUID, lowercase.
pub(super) fn uuid(rng: &mut Rng) -> String {
    let (hi, lo) = (rng.next(), rng.next());
    let variant = 8 + rng.below(4);
    format!(
        "{:08x}-{:04x}-4{:03x}-{variant:x}{:03x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFF,
        lo >> 52,
        lo & 0xFFFF_FFFF_FFFF
    )
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl Ctx {
    /// `prefix` and 17 hex digits, the first `0`, as EC2's long ids are.
    pub(super) fn ec2_id(&mut self, prefix: &str) -> String {
        format!("{prefix}-0{:016x}", self.rng.next())
    }
    pub(super) fn hex(&mut self, digits: usize) -> String {
        let mut s = String::with_capacity(digits + 16);
        while s.len() < digits {
            s.push_str(&format!("{:016x}", self.rng.next()));
        }
        s.truncate(digits);
        s
    }
    pub(super) fn uuid(&mut self) -> String {
        uuid(&mut self.rng)
    }
    /// An IAM unique id: `AIDA`, `AGPA`, `AROA`, `ANPA` and 17 base32 characters.
    pub(super) fn iam_id(&mut self, prefix: &str) -> String {
        let mut s = prefix.to_owned();
        for _ in 0..17 {
            s.push(char::from(BASE32[self.rng.below(32) as usize]));
        }
        s
    }
    /// An instant `days` days before as-of, at a random second of that day's working hours.
    pub(super) fn days_ago(&mut self, days: i64) -> i64 {
        self.as_of - days * DAY - self.rng.range(600, 8 * 3600)
    }
    /// The same in milliseconds, for APIs that keep them.
    pub(super) fn days_ago_ms(&mut self, days: i64) -> i64 {
        self.days_ago(days) * 1000 + self.rng.range(0, 999)
    }
    pub(super) fn case(
        &mut self,
        case: &'static str,
        check: &'static str,
        resource: &str,
        region: Option<&str>,
        e: Expect,
    ) {
        self.cases.push(Case {
            case,
            check,
            resource: resource.to_owned(),
            account: self.account.clone(),
            region: region.map(str::to_owned),
            expect: e,
        });
    }
    /// An instant between `lo` and `hi` days before as-of.
    pub(super) fn within(&mut self, lo: i64, hi: i64) -> i64 {
        let days = self.rng.range(lo, hi);
        self.days_ago(days)
    }
    pub(super) fn within_ms(&mut self, lo: i64, hi: i64) -> i64 {
        let days = self.rng.range(lo, hi);
        self.days_ago_ms(days)
    }
    /// How many background resources of one kind to add: 0..=background.
    pub(super) fn count(&mut self) -> u64 {
        self.rng.below(self.background + 1)
    }
}

/// Names for background resources.
pub(super) const WORDS: [&str; 12] = [
    "billing",
    "search",
    "orders",
    "catalog",
    "inventory",
    "payments",
    "notifications",
    "reports",
    "auth",
    "media",
    "ingest",
    "export",
];

/// Account name prefixes by position: the first is the richest (prod).
pub(super) const NAMES: [&str; 3] = ["acme-prod", "acme-dev", "acme-sandbox"];

pub(super) fn build(o: &Options) -> (World, Vec<Case>) {
    let mut accounts: Vec<Account> = Vec::new();
    let mut cases = Vec::new();
    for (index, id) in o.accounts.iter().enumerate() {
        let mut ctx = Ctx {
            rng: Rng::derived(o.seed, &[b"posture", id.as_bytes()]),
            as_of: o.as_of,
            account: id.clone(),
            background: o.background,
            cases: Vec::new(),
        };
        let name = NAMES.get(index).copied().unwrap_or("acme");
        accounts.push(super::accounts::account(&mut ctx, index, name, o.regions));
        cases.append(&mut ctx.cases);
    }
    (World { accounts }, cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx { rng: Rng(7), as_of: 1_790_842_364, account: "111122223333".into(), background: 2, cases: Vec::new() }
    }

    #[test]
    fn ids_have_the_shapes_aws_gives_them() {
        let mut c = ctx();
        let sg = c.ec2_id("sg");
        assert!(sg.starts_with("sg-0") && sg.len() == 3 + 17 && sg[3..].bytes().all(|b| b.is_ascii_hexdigit()));
        let u = c.uuid();
        let groups: Vec<usize> = u.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&u[14..15], "4");
        assert!("89ab".contains(&u[19..20]));
        let iam = c.iam_id("AIDA");
        assert_eq!(iam.len(), 21);
        assert!(iam.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        let t = c.days_ago(3);
        assert!(t < c.as_of - 3 * DAY && t > c.as_of - 4 * DAY);
    }
}
