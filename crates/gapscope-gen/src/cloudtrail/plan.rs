//! The plan of an archive: every log file to write (where, when, how many events, which planted
//! events, what damage), decided before any is written so that files can be made in parallel
//! and in any order. Every choice comes from a generator derived from the seed and the thing
//! chosen, never from a shared sequence.

use anyhow::{Result, bail, ensure};

use super::record::{alnum, compact_time, date_path};
use super::spec::{Cell, Gap, Plant};
use crate::common::DAY;
use crate::rng::Rng;

/// CloudTrail delivers a region's file about every five minutes.
pub(crate) const SLOT: i64 = 300;
/// File name times 00:05 … 23:55: a file's events lie in the five minutes before its time.
const SLOTS_PER_DAY: i64 = DAY / SLOT - 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Damage {
    /// Cut inside the gzip stream, after a complete record.
    Truncated,
    /// Named `.json.gz`, holds an S3 error document: not gzip at all.
    FakeGz,
    /// Bytes after the end of the gzip stream; the stream itself is whole.
    TrailingGarbage,
    /// A whole gzip stream whose content is not JSON.
    NotJson,
}

impl Damage {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Damage::Truncated => "truncated",
            Damage::FakeGz => "fake_gz",
            Damage::TrailingGarbage => "trailing_garbage",
            Damage::NotJson => "not_json",
        }
    }
}

/// What happens to a log file after CloudTrail digested it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    Kept,
    /// One record changed after the digest hashed the file.
    Altered,
    /// Deleted after the digest listed it.
    Dropped,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Normal,
    /// Delivered in an hour a digest covers, but listed by none.
    Unlisted,
    /// A second delivery of some records of file `source` (their indices in it).
    Redelivery {
        source: usize,
        records: Vec<usize>,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct LogFile {
    pub(crate) account: usize,
    pub(crate) region: usize,
    /// The key of the file's own generator, unique within its account/region.
    pub(crate) key: u64,
    /// The time in the file name; the events lie before it.
    pub(crate) end: i64,
    pub(crate) events: usize,
    /// The first file of a day may hold a few events of the day before.
    pub(crate) spill: bool,
    /// Indices into the plan's placements.
    pub(crate) plants: Vec<usize>,
    /// Record indices a redelivery will repeat.
    pub(crate) capture: Vec<usize>,
    pub(crate) damage: Option<Damage>,
    pub(crate) fate: Fate,
    pub(crate) role: Role,
    pub(crate) zipped: bool,
    /// The S3 key, `AWSLogs/…/….json.gz`.
    pub(crate) path: String,
}

pub(crate) struct Placement {
    pub(crate) plant: Plant,
    pub(crate) time: i64,
}

pub(crate) struct Inputs<'a> {
    pub(crate) seed: u64,
    pub(crate) accounts: &'a [String],
    pub(crate) regions: &'a [String],
    /// 00:00Z of the first day, and the number of days.
    pub(crate) day0: i64,
    pub(crate) days: i64,
    pub(crate) files_per_day: u64,
    pub(crate) events_per_file: u64,
    pub(crate) gaps: &'a [Gap],
    pub(crate) plants: &'a [Plant],
    pub(crate) duplicates: usize,
    /// Truncated, fake gzip, trailing garbage, not JSON.
    pub(crate) damage: [usize; 4],
    pub(crate) altered: usize,
    pub(crate) dropped: usize,
    pub(crate) unlisted: usize,
    pub(crate) zip: Option<&'a Cell>,
}

pub(crate) struct Plan {
    pub(crate) files: Vec<LogFile>,
    pub(crate) placements: Vec<Placement>,
    /// `active[cell][day]`: whether the account/region logged that day (cell = account × regions + region).
    pub(crate) active: Vec<Vec<bool>>,
}

pub(crate) fn log_path(account: &str, region: &str, end: i64, suffix: &str) -> String {
    format!(
        "AWSLogs/{account}/CloudTrail/{region}/{}/{account}_CloudTrail_{region}_{}_{suffix}.json.gz",
        date_path(end),
        compact_time(end, false)
    )
}

/// Slot numbers (1 ..= SLOTS_PER_DAY) of `n` files in one day: distinct while they fit, then
/// several files share a time as they do in busy regions.
fn slots(rng: &mut Rng, n: u64) -> Vec<i64> {
    let total = SLOTS_PER_DAY as u64;
    let mut out = Vec::with_capacity(n as usize);
    let (each, extra) = (n / total, n % total);
    let mut left = extra;
    for slot in 1..=total {
        // Selection sampling (Knuth, TAOCP 3.4.2, algorithm S) for the slots that get one more file.
        let remaining = total - slot + 1;
        let more = left > 0 && rng.below(remaining) < left;
        if more {
            left -= 1;
        }
        for _ in 0..each + u64::from(more) {
            out.push(slot as i64);
        }
    }
    out
}

impl Plan {
    pub(crate) fn build(i: &Inputs<'_>) -> Result<Plan> {
        let nregions = i.regions.len();
        let cells = i.accounts.len() * nregions;
        let mut active = vec![vec![true; i.days as usize]; cells];
        for gap in i.gaps {
            let c = cell_index(i, &gap.cell)?;
            let (from, to) = (day_index(i, gap.from)?, day_index(i, gap.to)?);
            for d in from..=to {
                if let Some(slot) = active.get_mut(c).and_then(|days| days.get_mut(d as usize)) {
                    *slot = false;
                }
            }
        }
        let zipped_cell = i.zip.map(|z| cell_index(i, z)).transpose()?;
        let mut files = Vec::new();
        let mut keys = vec![0u64; cells];
        let (lo, hi) = (i.events_per_file - i.events_per_file / 2, i.events_per_file + i.events_per_file / 2);
        for c in 0..cells {
            let (a, r) = (c / nregions, c % nregions);
            let (account, region) = (&i.accounts[a], &i.regions[r]);
            for d in 0..i.days {
                if !active[c][d as usize] {
                    continue;
                }
                let day_start = i.day0 + d * DAY;
                let mut rng =
                    Rng::derived(i.seed, &[b"slots", account.as_bytes(), region.as_bytes(), &d.to_le_bytes()]);
                for slot in slots(&mut rng, i.files_per_day) {
                    let end = day_start + slot * SLOT;
                    let spill = slot == 1 && d > 0 && active[c][d as usize - 1];
                    let events = rng.range(lo.max(1) as i64, hi.max(1) as i64) as usize;
                    files.push(new_file(i, a, r, keys[c], end, events, spill, zipped_cell == Some(c)));
                    keys[c] += 1;
                }
            }
        }
        let mut placements = Vec::new();
        for (n, plant) in i.plants.iter().enumerate() {
            let c = cell_index(i, &plant.cell)?;
            let d = day_index(i, plant.day)?;
            let day_start = i.day0 + d * DAY;
            let candidates: Vec<usize> = (0..files.len())
                .filter(|&f| {
                    let x = &files[f];
                    x.account * nregions + x.region == c && x.end >= day_start && x.end < day_start + DAY
                })
                .collect();
            let mut rng = Rng::derived(i.seed, &[b"plant", &(n as u64).to_le_bytes()]);
            let Some(&file) = candidates.get(rng.below(candidates.len() as u64) as usize) else {
                bail!("--plant {}/{}: that account/region has no log file that day (a gap?)", plant.cell, plant.day);
            };
            let end = files[file].end;
            let time = rng.range((end - SLOT).max(day_start), end - 1);
            files[file].plants.push(placements.len());
            placements.push(Placement { plant: plant.clone(), time });
        }
        let mut rng = Rng::derived(i.seed, &[b"unlisted"]);
        for u in 0..i.unlisted {
            let open: Vec<(usize, i64)> = (0..cells)
                .flat_map(|c| (0..i.days).map(move |d| (c, d)))
                .filter(|&(c, d)| active[c][d as usize])
                .collect();
            let Some(&(c, d)) = open.get(rng.below(open.len() as u64) as usize) else {
                bail!("--unlisted-log: no account/region logs on any day");
            };
            let slot = rng.range(2, SLOTS_PER_DAY);
            let end = i.day0 + d * DAY + slot * SLOT;
            let events = rng.range(lo.max(1) as i64, hi.max(1) as i64) as usize;
            let key = (1 << 40) + u as u64;
            let mut f = new_file(i, c / nregions, c % nregions, key, end, events, false, zipped_cell == Some(c));
            f.role = Role::Unlisted;
            files.push(f);
        }
        assign_damage(i, &mut files, nregions)?;
        Ok(Plan { files, placements, active })
    }
}

#[allow(clippy::too_many_arguments)]
fn new_file(
    i: &Inputs<'_>,
    a: usize,
    r: usize,
    key: u64,
    end: i64,
    events: usize,
    spill: bool,
    zipped: bool,
) -> LogFile {
    let (account, region) = (&i.accounts[a], &i.regions[r]);
    let mut name = Rng::derived(i.seed, &[b"name", account.as_bytes(), region.as_bytes(), &key.to_le_bytes()]);
    let path = log_path(account, region, end, &alnum(&mut name, 16));
    LogFile {
        account: a,
        region: r,
        key,
        end,
        events,
        spill,
        plants: Vec::new(),
        capture: Vec::new(),
        damage: None,
        fate: Fate::Kept,
        role: Role::Normal,
        zipped,
        path,
    }
}

fn cell_index(i: &Inputs<'_>, cell: &Cell) -> Result<usize> {
    let a = i.accounts.iter().position(|x| *x == cell.account);
    let r = i.regions.iter().position(|x| *x == cell.region);
    match (a, r) {
        (Some(a), Some(r)) => Ok(a * i.regions.len() + r),
        _ => bail!("{cell}: the account must be in --accounts and the region in --regions"),
    }
}

fn day_index(i: &Inputs<'_>, day: chrono::NaiveDate) -> Result<i64> {
    let t = day.and_hms_opt(0, 0, 0).map(|d| d.and_utc().timestamp()).unwrap_or(i64::MIN);
    let d = (t - i.day0).div_euclid(DAY);
    ensure!((0..i.days).contains(&d), "{day} is outside --from..--to");
    Ok(d)
}

/// Duplicates, damage and digest tampering each take whole files from one shuffled pool of plain
/// files (no planted event, not a redelivery), never the last intact file of an account/region's
/// day, so that no damage makes a gap the options did not ask for.
fn assign_damage(i: &Inputs<'_>, files: &mut Vec<LogFile>, nregions: usize) -> Result<()> {
    let mut pool: Vec<usize> =
        (0..files.len()).filter(|&f| files[f].role == Role::Normal && files[f].plants.is_empty()).collect();
    let mut rng = Rng::derived(i.seed, &[b"damage"]);
    for k in (1..pool.len()).rev() {
        pool.swap(k, rng.below(k as u64 + 1) as usize);
    }
    let cell_day = |f: &LogFile| (f.account * nregions + f.region, (f.end - i.day0).div_euclid(DAY));
    let mut intact: std::collections::HashMap<(usize, i64), usize> = std::collections::HashMap::new();
    for f in files.iter() {
        *intact.entry(cell_day(f)).or_default() += 1;
    }
    let mut next = pool.into_iter();
    let mut take = |files: &[LogFile], what: &str| -> Result<usize> {
        for f in next.by_ref() {
            let Some(left) = intact.get_mut(&cell_day(&files[f])) else { continue };
            if *left >= 2 {
                *left -= 1;
                return Ok(f);
            }
        }
        bail!("not enough log files for {what}: raise --files-per-day or ask for less damage")
    };
    let mut sources = Vec::new();
    let mut left = i.duplicates;
    while left > 0 {
        let f = take(files, "--duplicates")?;
        let n = (1 + rng.below(3) as usize).min(left).min(files[f].events);
        let mut picked: Vec<usize> = Vec::new();
        while picked.len() < n {
            let r = rng.below(files[f].events as u64) as usize;
            if !picked.contains(&r) {
                picked.push(r);
            }
        }
        picked.sort_unstable();
        files[f].capture = picked.clone();
        left -= n;
        sources.push((f, picked));
    }
    let kinds = [Damage::Truncated, Damage::FakeGz, Damage::TrailingGarbage, Damage::NotJson];
    for (kind, count) in kinds.into_iter().zip(i.damage) {
        for _ in 0..count {
            let f = take(files, kind.name())?;
            // A cut needs a record before it and one after it.
            if kind == Damage::Truncated && files[f].events < 2 {
                files[f].events = 2;
            }
            files[f].damage = Some(kind);
        }
    }
    for (fate, count) in [(Fate::Altered, i.altered), (Fate::Dropped, i.dropped)] {
        for _ in 0..count {
            let f = take(files, if fate == Fate::Altered { "--alter-log" } else { "--drop-log" })?;
            files[f].fate = fate;
        }
    }
    for (n, (source, records)) in sources.into_iter().enumerate() {
        let s = files[source].clone();
        let key = (1 << 41) + n as u64;
        let mut f = new_file(i, s.account, s.region, key, s.end, records.len(), false, s.zipped);
        f.role = Role::Redelivery { source, records };
        files.push(f);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_spread_files_over_the_day() {
        let mut rng = Rng(3);
        let few = slots(&mut rng, 24);
        assert_eq!(few.len(), 24);
        assert!(few.windows(2).all(|w| w[0] < w[1]), "distinct and sorted: {few:?}");
        assert!(few.iter().all(|s| (1..=SLOTS_PER_DAY).contains(s)));
        let many = slots(&mut rng, 1000);
        assert_eq!(many.len(), 1000);
        // 1000 = 3 × 287 + 139: every slot has 3 or 4 files.
        for s in 1..=SLOTS_PER_DAY {
            let n = many.iter().filter(|x| **x == s).count();
            assert!(n == 3 || n == 4, "slot {s}: {n}");
        }
    }

    #[test]
    fn log_paths_follow_the_s3_layout() {
        // 2026-09-01T00:05:00Z.
        let end = 20_697 * DAY + 300;
        assert_eq!(
            log_path("111122223333", "eu-west-1", end, "AbCdEfGh12345678"),
            "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/09/01/111122223333_CloudTrail_eu-west-1_20260901T0005Z_AbCdEfGh12345678.json.gz"
        );
    }
}
