//! Writing one log file: its records (background, spilled from the day before, planted), the
//! compact `{"Records":[…]}` text, the gzip stream AWS writes (header OS = 0, no name), and the
//! damage the plan asks for.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use flate2::{Compression, GzBuilder};
use sha2::{Digest, Sha256};

use super::background::{Mix, record};
use super::cis;
use super::plan::{Damage, Fate, LogFile, Placement, Role, SLOT};
use super::plants::{TrailRef, build};
use super::population::Population;
use crate::common::{DAY, write_file};
use crate::rng::Rng;

/// A planted event as written.
#[derive(Clone, Debug)]
pub(crate) struct PlantedOut {
    pub(crate) placement: usize,
    pub(crate) event_id: String,
    pub(crate) event_time: String,
    pub(crate) event_source: &'static str,
    pub(crate) principal_arn: Option<String>,
    pub(crate) principal_type: Option<&'static str>,
    pub(crate) user_name: Option<String>,
    pub(crate) cis: Vec<&'static str>,
}

/// What writing a file produced, for digests and the oracle.
#[derive(Default)]
pub(crate) struct Written {
    /// SHA-256 of the uncompressed content CloudTrail delivered (before any later change).
    pub(crate) sha256: [u8; 32],
    pub(crate) oldest: i64,
    pub(crate) newest: i64,
    /// Records in the file as delivered.
    pub(crate) records: usize,
    /// (UTC day index in the period, eventID) of every record a reader can get back from the file.
    pub(crate) readable: Vec<(i64, u128)>,
    /// Complete records before a truncation.
    pub(crate) before_damage: Option<usize>,
    pub(crate) planted: Vec<PlantedOut>,
    /// Text, time and id of the records a redelivery repeats.
    pub(crate) captured: Vec<(String, i64, u128)>,
    /// The file's bytes, kept when it goes into a zip instead of the tree.
    pub(crate) zip_bytes: Option<Vec<u8>>,
    pub(crate) uncompressed: u64,
    pub(crate) compressed: u64,
    pub(crate) altered_record: Option<String>,
}

/// Everything shared by the files of one run.
pub(crate) struct Shared<'a> {
    pub(crate) seed: u64,
    pub(crate) out: &'a Path,
    pub(crate) accounts: &'a [String],
    pub(crate) regions: &'a [String],
    pub(crate) populations: &'a [Population],
    pub(crate) mixes: &'a [Mix],
    pub(crate) placements: &'a [Placement],
    pub(crate) trails: &'a [(String, String, String)],
    pub(crate) day0: i64,
}

pub(crate) fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc =
        GzBuilder::new().operating_system(0).write(Vec::with_capacity(bytes.len() / 8), Compression::default());
    enc.write_all(bytes)?;
    Ok(enc.finish()?)
}

/// `{"Records":[…]}` and the offset just past each record.
fn document(records: &[String]) -> (Vec<u8>, Vec<usize>) {
    let size: usize = records.iter().map(|r| r.len() + 1).sum();
    let mut buf = Vec::with_capacity(size + 16);
    buf.extend_from_slice(b"{\"Records\":[");
    let mut ends = Vec::with_capacity(records.len());
    for (n, r) in records.iter().enumerate() {
        if n > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(r.as_bytes());
        ends.push(buf.len());
    }
    buf.extend_from_slice(b"]}");
    (buf, ends)
}

/// The S3 error a failed download saves under the object's name.
fn s3_error(rng: &mut Rng) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>\
         <RequestId>{}</RequestId><HostId>{}=</HostId></Error>",
        super::record::hex_upper(rng, 16),
        super::record::token(rng, "", 55, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    )
}

/// The records of a normal or unlisted file, in file order.
fn records(sh: &Shared<'_>, f: &LogFile, rng: &mut Rng, out: &mut Written) -> Result<Vec<super::record::Record>> {
    let (pop, mix, region) = (&sh.populations[f.account], &sh.mixes[f.region], &sh.regions[f.region]);
    let day_start = sh.day0 + (f.end - sh.day0).div_euclid(DAY) * DAY;
    let start = (f.end - SLOT).max(day_start);
    let spilled = if f.spill && rng.chance(30) { (1 + rng.below(3) as usize).min(f.events) } else { 0 };
    let mut list = Vec::with_capacity(f.events + f.plants.len());
    for n in 0..f.events {
        let t = if n < spilled { rng.range(day_start - SLOT, day_start - 1) } else { rng.range(start, f.end - 1) };
        let r = record(rng, mix, pop, region, t);
        if !cis::is_quiet(&r) {
            bail!("internal error: background event {} {} meets a detection", r.event_source, r.event_name);
        }
        list.push(r);
    }
    for &p in &f.plants {
        let placement = &sh.placements[p];
        let (arn, name, bucket) = &sh.trails[f.account];
        let trail = TrailRef { arn, name, bucket };
        let mut prng = Rng::derived(sh.seed, &[b"planted", &(p as u64).to_le_bytes()]);
        let made = build(&mut prng, &placement.plant, pop, region, &trail, placement.time);
        let at = prng.below(list.len() as u64 + 1) as usize;
        out.planted.push(PlantedOut {
            placement: p,
            event_id: made.record.event_id.clone(),
            event_time: made.record.event_time.clone(),
            event_source: made.record.event_source,
            principal_arn: made.principal_arn,
            principal_type: made.record.user_identity.kind,
            user_name: made.user_name,
            cis: cis::predicates(&made.record),
        });
        list.insert(at.min(list.len()), made.record);
    }
    Ok(list)
}

/// Makes file `f` and writes it (or keeps its bytes for the zip).
pub(crate) fn write(sh: &Shared<'_>, f: &LogFile, redelivered: Option<&[(String, i64, u128)]>) -> Result<Written> {
    let (account, region) = (&sh.accounts[f.account], &sh.regions[f.region]);
    let mut rng = Rng::derived(sh.seed, &[b"file", account.as_bytes(), region.as_bytes(), &f.key.to_le_bytes()]);
    let mut out = Written::default();
    let mut texts: Vec<String>;
    let meta: Vec<(i64, u128)>;
    let mut list = Vec::new();
    if let Role::Redelivery { .. } = f.role {
        let copies = redelivered.context("internal error: a redelivery without its records")?;
        texts = copies.iter().map(|c| c.0.clone()).collect();
        meta = copies.iter().map(|c| (c.1, c.2)).collect();
    } else {
        list = records(sh, f, &mut rng, &mut out)?;
        texts = list.iter().map(serde_json::to_string).collect::<Result<_, _>>()?;
        meta = list.iter().map(|r| (r.time, r.id)).collect();
    }
    for &i in &f.capture {
        if let (Some(t), Some(m)) = (texts.get(i), meta.get(i)) {
            out.captured.push((t.clone(), m.0, m.1));
        }
    }
    let (delivered, ends) = document(&texts);
    out.sha256 = Sha256::digest(&delivered).into();
    out.records = texts.len();
    out.oldest = meta.iter().map(|m| m.0).min().unwrap_or(f.end);
    out.newest = meta.iter().map(|m| m.0).max().unwrap_or(f.end);
    let mut content = delivered;
    let mut ends = ends;
    if f.fate == Fate::Altered {
        // The change an intruder makes to hide where a call came from.
        let n = rng.below(list.len() as u64) as usize;
        if let Some(r) = list.get_mut(n) {
            r.source_ip = "198.51.100.23".to_owned();
            if let Some(t) = texts.get_mut(n) {
                *t = serde_json::to_string(r)?;
            }
            out.altered_record = Some(r.event_id.clone());
        }
        (content, ends) = document(&texts);
    }
    out.uncompressed = content.len() as u64;
    let day = |t: i64| (t - sh.day0).div_euclid(DAY);
    let all: Vec<(i64, u128)> = meta.iter().map(|m| (day(m.0), m.1)).collect();
    let bytes = match f.damage {
        None => {
            out.readable = all;
            gzip(&content)?
        }
        Some(Damage::TrailingGarbage) => {
            out.readable = all;
            out.before_damage = Some(texts.len());
            let mut bytes = gzip(&content)?;
            let n = rng.range(16, 512) as usize;
            // Never 0x1f first: garbage, not the start of a second gzip member.
            bytes.push(0x00);
            bytes.extend((1..n).map(|_| rng.below(256) as u8));
            bytes
        }
        Some(Damage::Truncated) => {
            let k = rng.range(1, texts.len() as i64 - 1) as usize;
            let cut_at = ends.get(k - 1).copied().unwrap_or(0);
            let bytes = truncated(&content, cut_at, &mut rng)?;
            let got = decoded_len(&bytes);
            let complete = ends.iter().take_while(|e| **e <= got).count();
            if complete != k {
                bail!("internal error: truncated file decodes to {complete} records, planned {k}");
            }
            out.readable = all.into_iter().take(k).collect();
            out.before_damage = Some(k);
            bytes
        }
        Some(Damage::FakeGz) => {
            out.before_damage = Some(0);
            s3_error(&mut rng).into_bytes()
        }
        Some(Damage::NotJson) => {
            out.before_damage = Some(0);
            let mut text = String::from("eventTime,eventSource,eventName,awsRegion,sourceIPAddress\n");
            for r in &list {
                text.push_str(&format!(
                    "{},{},{},{},{}\n",
                    r.event_time, r.event_source, r.event_name, r.aws_region, r.source_ip
                ));
            }
            gzip(text.as_bytes())?
        }
    };
    if f.fate == Fate::Dropped {
        out.readable.clear();
    }
    out.compressed = bytes.len() as u64;
    if f.fate != Fate::Dropped {
        if f.zipped {
            out.zip_bytes = Some(bytes);
        } else {
            write_file(&sh.out.join(&f.path), &bytes)?;
        }
    }
    Ok(out)
}

/// A gzip stream of `content` cut one to four bytes after a sync flush at `at`: a decoder gets back
/// `content[..at]` and at most the start of the next record (four bytes of deflate cannot hold a
/// whole record of ~1 KB); the caller checks the count of complete records with flate2.
fn truncated(content: &[u8], at: usize, rng: &mut Rng) -> Result<Vec<u8>> {
    let mut enc = GzBuilder::new().operating_system(0).write(Vec::new(), Compression::default());
    enc.write_all(content.get(..at).unwrap_or(content))?;
    enc.flush()?;
    let flushed = enc.get_ref().len();
    enc.write_all(content.get(at..).unwrap_or_default())?;
    let mut whole = enc.finish()?;
    whole.truncate(flushed + rng.range(1, 4) as usize);
    Ok(whole)
}

/// How many bytes flate2 decodes from a (possibly damaged) gzip file before it stops.
pub(crate) fn decoded_len(bytes: &[u8]) -> usize {
    let mut decoder = flate2::read::GzDecoder::new(bytes);
    let mut buf = Vec::new();
    let _ = decoder.read_to_end(&mut buf);
    buf.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_headers_match_aws_objects() {
        let bytes = gzip(b"{\"Records\":[]}").unwrap();
        // ID1 ID2 CM FLG MTIME(4) XFL OS: deflate, no flags, no time, OS 0 (as grycap's real files).
        assert_eq!(&bytes[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn truncated_streams_give_back_exactly_the_flushed_prefix() {
        let records: Vec<String> =
            (0..200).map(|n| format!("{{\"n\":{n},\"pad\":\"{}\"}}", "x".repeat(n % 37))).collect();
        let (content, ends) = document(&records);
        let mut rng = Rng(8);
        for k in [1, 57, 199] {
            let bytes = truncated(&content, ends[k - 1], &mut rng).unwrap();
            // A few bytes of the next block may decode too, never a whole record.
            let got = decoded_len(&bytes);
            assert!(got >= ends[k - 1] && got < ends[k], "{got} outside [{}, {})", ends[k - 1], ends[k]);
            let mut all = Vec::new();
            let err = flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut all);
            assert!(err.is_err(), "a cut stream must not decode cleanly");
        }
    }
}
