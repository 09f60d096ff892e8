//! `planted.json`: what the archive holds, computed by the generator from what it wrote, for
//! end-to-end tests to compare the analyzer with. Lists are sorted; maps are `BTreeMap`s.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Value, json};

use super::CloudtrailArgs;
use super::exports::Trail;
use super::logfile::Written;
use super::plan::{self, Damage, Fate, Plan, Role};
use super::record::uuid_text;
use crate::common::DAY;

pub(crate) const SCHEMA: &str = "gapscope-gen.cloudtrail-planted/v1";

#[derive(Serialize)]
pub(crate) struct Oracle {
    pub(crate) schema: &'static str,
    /// Every option of the run, as given or defaulted (`files_per_day` as computed from `target_mb`).
    pub(crate) options: BTreeMap<String, Value>,
    pub(crate) period: Period,
    pub(crate) accounts: Vec<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) blind_regions: Vec<String>,
    pub(crate) totals: Totals,
    /// One entry per account/region/UTC day with at least one readable record.
    pub(crate) cells: Vec<CellDay>,
    /// Per account/region with records: the days of the period without any, as inclusive ranges.
    pub(crate) gaps: Vec<CellGaps>,
    pub(crate) planted: Vec<PlantedEvent>,
    pub(crate) duplicates: Vec<Duplicate>,
    pub(crate) damaged: Vec<Damaged>,
    pub(crate) zip: Option<Zipped>,
    pub(crate) digests: Digests,
    pub(crate) config: Config,
}

#[derive(Serialize)]
pub(crate) struct Period {
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) days: i64,
}

#[derive(Serialize, Default)]
pub(crate) struct Totals {
    /// Log files the plan made (redeliveries and unlisted ones included, digests not).
    pub(crate) log_files: usize,
    /// Log files present in the output (dropped ones are not).
    pub(crate) log_files_written: usize,
    /// Records in the log files as CloudTrail delivered them, redelivered copies included.
    pub(crate) records_delivered: usize,
    /// Records a reader gets back from the files written (after damage and drops).
    pub(crate) records_readable: usize,
    /// Distinct eventIDs among the readable records.
    pub(crate) distinct_event_ids: usize,
    /// Readable records whose eventID an earlier readable record already had.
    pub(crate) duplicates_readable: usize,
    pub(crate) uncompressed_bytes: u64,
    pub(crate) compressed_bytes: u64,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct CellDay {
    pub(crate) account: String,
    pub(crate) region: String,
    pub(crate) day: String,
    /// Distinct eventIDs of that UTC day readable from the files.
    pub(crate) records: usize,
    /// Files holding at least one readable record of that day.
    pub(crate) files: usize,
}

#[derive(Serialize)]
pub(crate) struct CellGaps {
    pub(crate) account: String,
    pub(crate) region: String,
    pub(crate) gaps: Vec<[String; 2]>,
}

#[derive(Serialize)]
pub(crate) struct PlantedEvent {
    pub(crate) account: String,
    pub(crate) region: String,
    pub(crate) event_time: String,
    pub(crate) kind: &'static str,
    pub(crate) event_name: &'static str,
    pub(crate) event_source: &'static str,
    pub(crate) event_id: String,
    /// `userIdentity.arn` as written; null for a failed sign-in, which names only the user.
    pub(crate) principal_arn: Option<String>,
    pub(crate) principal_type: Option<&'static str>,
    pub(crate) user_name: Option<String>,
    /// The CIS §4 predicates (`shared/formats/cloudtrail.md`) the record meets.
    pub(crate) cis: Vec<&'static str>,
    pub(crate) file: String,
}

#[derive(Serialize)]
pub(crate) struct Duplicate {
    pub(crate) event_id: String,
    /// The first delivery, then the redelivery.
    pub(crate) files: [String; 2],
}

#[derive(Serialize)]
pub(crate) struct Damaged {
    pub(crate) file: String,
    pub(crate) damage: &'static str,
    pub(crate) records_in_file: usize,
    /// Complete records a reader gets before the damage (all of them for trailing garbage).
    pub(crate) records_before_damage: usize,
}

#[derive(Serialize)]
pub(crate) struct Zipped {
    pub(crate) account: String,
    pub(crate) region: String,
    pub(crate) path: String,
    pub(crate) members: usize,
}

#[derive(Serialize, Default)]
pub(crate) struct Digests {
    pub(crate) enabled: bool,
    pub(crate) written: usize,
    pub(crate) per_cell: Vec<DigestCell>,
    /// Log files changed after their digest hashed them, with the record changed.
    pub(crate) altered_logs: Vec<Altered>,
    pub(crate) dropped_logs: Vec<String>,
    pub(crate) unlisted_logs: Vec<String>,
    pub(crate) dropped_digests: Vec<String>,
    pub(crate) public_keys: Vec<KeyOut>,
}

#[derive(Serialize)]
pub(crate) struct DigestCell {
    pub(crate) account: String,
    pub(crate) region: String,
    /// Digests made (dropped ones included) and written.
    pub(crate) made: usize,
    pub(crate) written: usize,
    /// Chains: 1 + the number of restarts after days without logging.
    pub(crate) chains: usize,
    pub(crate) log_files_listed: usize,
    /// The signature of the newest digest (AWS keeps it in the object's S3 metadata, not in a file).
    pub(crate) last_signature: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Altered {
    pub(crate) file: String,
    pub(crate) event_id: String,
}

#[derive(Serialize)]
pub(crate) struct KeyOut {
    pub(crate) account: String,
    pub(crate) fingerprint: String,
}

#[derive(Serialize, Default)]
pub(crate) struct Config {
    pub(crate) written: bool,
    pub(crate) trails: Vec<Trail>,
    /// What each account's describe-regions export lists: the regions plus the blind ones.
    pub(crate) enabled_regions: Vec<String>,
}

/// Inclusive `[from, to]` runs of the sorted day indices `days`, spelled by `name`.
pub(crate) fn ranges(days: &[i64], name: impl Fn(i64) -> String) -> Vec<[String; 2]> {
    let mut out = Vec::new();
    let mut run: Option<(i64, i64)> = None;
    for &d in days {
        run = match run {
            Some((a, b)) if d == b + 1 => Some((a, d)),
            Some((a, b)) => {
                out.push([name(a), name(b)]);
                Some((d, d))
            }
            None => Some((d, d)),
        };
    }
    if let Some((a, b)) = run {
        out.push([name(a), name(b)]);
    }
    out
}

fn day_name(day0: i64, d: i64) -> String {
    super::record::event_time(day0 + d * DAY).get(..10).unwrap_or_default().to_owned()
}

fn options(a: &CloudtrailArgs, files_per_day: u64, bucket: &str) -> BTreeMap<String, Value> {
    let strings = |v: &[String]| json!(v);
    let mut o = BTreeMap::new();
    let mut put = |k: &str, v: Value| {
        o.insert(k.to_owned(), v);
    };
    put("seed", json!(a.seed));
    put("accounts", strings(&a.accounts));
    put("regions", strings(&a.regions));
    put("from", json!(a.from.to_string()));
    put("to", json!(a.to.to_string()));
    put("files_per_day", json!(files_per_day));
    put("events_per_file", json!(a.events_per_file));
    put("target_mb", json!(a.target_mb));
    let gaps: Vec<String> = a.gaps.iter().map(|g| format!("{}/{}..{}", g.cell, g.from, g.to)).collect();
    put("gaps", json!(gaps));
    put("blind_regions", strings(&a.blind_regions));
    let plants: Vec<String> =
        a.plants.iter().map(|p| format!("{}:{}@{}/{}", p.kind.name(), p.event_name, p.cell, p.day)).collect();
    put("plants", json!(plants));
    for (k, v) in [
        ("duplicates", a.duplicates),
        ("truncate", a.truncate),
        ("fake_gz", a.fake_gz),
        ("trailing_garbage", a.trailing_garbage),
        ("not_json", a.not_json),
        ("alter_log", a.alter_log),
        ("drop_log", a.drop_log),
        ("drop_digest", a.drop_digest),
        ("unlisted_log", a.unlisted_log),
    ] {
        put(k, json!(v));
    }
    put("zip_region", json!(a.zip_region.as_ref().map(ToString::to_string)));
    put("digests", json!(a.digests));
    put("trail", json!(a.trail));
    put("bucket", json!(bucket));
    put("trail_not_logging", strings(&a.trail_not_logging));
    put("no_validation", strings(&a.no_validation));
    put("no_kms", strings(&a.no_kms));
    put("single_region", strings(&a.single_region));
    put("write_only_selectors", strings(&a.write_only_selectors));
    put("no_config", json!(a.no_config));
    o
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn assemble(
    a: &CloudtrailArgs,
    plan: &Plan,
    written: &[Written],
    day0: i64,
    days: i64,
    files_per_day: u64,
    bucket: &str,
    name_of: impl Fn(&plan::LogFile) -> String,
    zip: Option<Zipped>,
    digests: Digests,
    config: Config,
) -> Oracle {
    let mut totals = Totals { log_files: plan.files.len(), ..Totals::default() };
    // (account, region, day) → (eventIDs, files).
    let mut cells: HashMap<(usize, usize, i64), (Vec<u128>, usize)> = HashMap::new();
    let mut all: Vec<u128> = Vec::new();
    let mut planted = Vec::new();
    let mut duplicates = Vec::new();
    let mut damaged = Vec::new();
    for (f, w) in plan.files.iter().zip(written) {
        totals.records_delivered += w.records;
        if f.fate != Fate::Dropped {
            totals.log_files_written += 1;
            totals.uncompressed_bytes += w.uncompressed;
            totals.compressed_bytes += w.compressed;
        }
        totals.records_readable += w.readable.len();
        let mut seen_days: Vec<i64> = Vec::new();
        for &(d, id) in &w.readable {
            all.push(id);
            cells.entry((f.account, f.region, d)).or_default().0.push(id);
            if !seen_days.contains(&d) {
                seen_days.push(d);
                cells.entry((f.account, f.region, d)).or_default().1 += 1;
            }
        }
        for p in &w.planted {
            let Some(placement) = plan.placements.get(p.placement) else { continue };
            planted.push(PlantedEvent {
                account: a.accounts[f.account].clone(),
                region: a.regions[f.region].clone(),
                event_time: p.event_time.clone(),
                kind: placement.plant.kind.name(),
                event_name: placement.plant.event_name,
                event_source: p.event_source,
                event_id: p.event_id.clone(),
                principal_arn: p.principal_arn.clone(),
                principal_type: p.principal_type,
                user_name: p.user_name.clone(),
                cis: p.cis.clone(),
                file: name_of(f),
            });
        }
        if let Role::Redelivery { source, .. } = &f.role {
            let original = plan.files.get(*source).map(&name_of).unwrap_or_default();
            for &(_, id) in &w.readable {
                duplicates.push(Duplicate { event_id: uuid_text(id), files: [original.clone(), name_of(f)] });
            }
        }
        if let Some(kind) = f.damage {
            let before = w.before_damage.unwrap_or(if kind == Damage::TrailingGarbage { w.records } else { 0 });
            damaged.push(Damaged {
                file: name_of(f),
                damage: kind.name(),
                records_in_file: w.records,
                records_before_damage: before,
            });
        }
    }
    all.sort_unstable();
    all.dedup();
    totals.distinct_event_ids = all.len();
    totals.duplicates_readable = totals.records_readable - all.len();
    let mut cell_days: Vec<CellDay> = cells
        .into_iter()
        .map(|((acct, r, d), (mut ids, files))| {
            ids.sort_unstable();
            ids.dedup();
            CellDay {
                account: a.accounts[acct].clone(),
                region: a.regions[r].clone(),
                day: day_name(day0, d),
                records: ids.len(),
                files,
            }
        })
        .collect();
    cell_days.sort();
    let mut gaps = Vec::new();
    for account in &a.accounts {
        for region in &a.regions {
            let have: Vec<&str> = cell_days
                .iter()
                .filter(|c| &c.account == account && &c.region == region)
                .map(|c| c.day.as_str())
                .collect();
            if have.is_empty() {
                continue;
            }
            let missing: Vec<i64> = (0..days).filter(|&d| !have.contains(&day_name(day0, d).as_str())).collect();
            gaps.push(CellGaps {
                account: account.clone(),
                region: region.clone(),
                gaps: ranges(&missing, |d| day_name(day0, d)),
            });
        }
    }
    planted.sort_by(|x, y| {
        (&x.account, &x.region, &x.event_time, &x.event_id).cmp(&(&y.account, &y.region, &y.event_time, &y.event_id))
    });
    duplicates.sort_by(|x, y| x.event_id.cmp(&y.event_id));
    damaged.sort_by(|x, y| x.file.cmp(&y.file));
    let mut blind = a.blind_regions.clone();
    blind.sort();
    Oracle {
        schema: SCHEMA,
        options: options(a, files_per_day, bucket),
        period: Period { from: a.from.to_string(), to: a.to.to_string(), days },
        accounts: a.accounts.clone(),
        regions: a.regions.clone(),
        blind_regions: blind,
        totals,
        cells: cell_days,
        gaps,
        planted,
        duplicates,
        damaged,
        zip,
        digests,
        config,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_join_consecutive_days() {
        let r = ranges(&[1, 2, 3, 7, 9, 10], |d| d.to_string());
        assert_eq!(r, [["1", "3"], ["7", "7"], ["9", "10"]]);
        assert!(ranges(&[], |d| d.to_string()).is_empty());
    }
}
