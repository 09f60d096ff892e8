//! Walks evidence roots (folders, plain files, `.zip`, `.gz`, archives nested in archives) and hands
//! out every file and member with its SHA-256, size and content, in a stable order.
//!
//! Nothing is extracted to disk. Every decompression is bounded by [`Limits`]: a member may expand
//! to at most `max_expansion_ratio` times its compressed size (but always to `RATIO_FLOOR`) and
//! never beyond `max_member_bytes`, so a bomb is refused with a reason instead of filling memory;
//! one archive given as evidence decompresses at most `max_archive_bytes` in all, its nested archives
//! included, and members whose stored bytes overlap are refused unread ([`zipread`] finds them).
//! Archive member names are only ever used as text, so `../../etc/passwd` is harmless; every
//! central-directory entry is an input, two members of one name apart (`name`, `name#2`).
//! Symbolic links in a folder are followed only while they stay inside the evidence root, unless
//! `follow_outside_links` says otherwise.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::zipread::{self, Entry};
use crate::config::Limits;

/// Below this, expansion is never refused: a small highly repetitive export (a report of
/// identical service users) can exceed any ratio while costing nothing to hold. 64 MiB keeps the
/// worst case of a refused bomb at one such buffer per core.
const RATIO_FLOOR: u64 = 64 << 20;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// One file or archive member, as found.
#[derive(Debug)]
pub(crate) struct Input {
    /// Display path: the root's own name, then `/`-joined folders, `!` entering an archive member.
    pub path: String,
    /// Bytes as stored: a file's size on disk, a member's uncompressed size.
    pub size: u64,
    /// SHA-256 of those stored bytes (for a refused zip member: of its compressed data, see `problem`).
    pub sha256: String,
    /// Content after gzip decoding, when it could be read within the limits. `None` for archives
    /// (their members follow as inputs of their own) and for unreadable inputs.
    pub content: Option<Vec<u8>>,
    /// The input is a zip archive (readable or not).
    pub archive: bool,
    /// Set for readable zip archives: how many members they hold.
    pub archive_members: Option<usize>,
    /// Whether the content was gzip-decoded.
    pub gzip: bool,
    /// Gzip bytes not decoded yet: discovery leaves the decoding of plain gzip files to the worker
    /// that parses them (see [`Input::decode`]), so decompression runs on every core.
    pending_gzip: Option<Vec<u8>>,
    /// Why the content could not be read (corrupt, over a limit, ...).
    pub problem: Option<String>,
    /// The content stops where a damaged gzip stream broke off: what is there is only a prefix.
    pub cut_short: bool,
}

impl Input {
    /// Adds to what is already wrong rather than hiding it.
    fn add_problem(&mut self, problem: String) {
        self.problem = Some(match self.problem.take() {
            Some(earlier) => format!("{earlier}; {problem}"),
            None => problem,
        });
    }

    fn new(path: String, size: u64, sha256: String) -> Input {
        Input {
            path,
            size,
            sha256,
            content: None,
            archive: false,
            archive_members: None,
            gzip: false,
            pending_gzip: None,
            cut_short: false,
            problem: None,
        }
    }

    /// Decodes gzip content that discovery left for later, bounded by `limits` as discovery would
    /// have; a no-op for every other input. Call it before reading `content`.
    pub(crate) fn decode(&mut self, limits: &Limits) {
        if let Some(raw) = self.pending_gzip.take() {
            let decoded = gunzip_bounded(&raw, limits, limits.max_member_bytes);
            drop(raw);
            settle_decoded(self, decoded, limits);
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum DiscoverError {
    #[error("evidence root {path} cannot be read")]
    Root { path: String, source: io::Error },
}

/// Checks every root is readable, then walks them in the order given, passing each input to `sink`.
/// Only an unreadable root is an error; anything wrong inside a root becomes an input's `problem`.
pub(crate) fn discover(roots: &[PathBuf], limits: &Limits, sink: &mut dyn FnMut(Input)) -> Result<(), DiscoverError> {
    for root in roots {
        std::fs::metadata(root).map_err(|source| DiscoverError::Root { path: root.display().to_string(), source })?;
    }
    let mut labels: Vec<String> = Vec::new();
    let mut walked: Vec<PathBuf> = Vec::new();
    for root in roots {
        // The very same root given twice is read once.
        let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        if walked.contains(&canonical) {
            continue;
        }
        walked.push(canonical.clone());
        // Two roots with the same name (`x/ev`, `y/ev`) keep their paths apart by the path as given.
        let mut label = root_label(root);
        if labels.contains(&label) {
            label = root.display().to_string();
        }
        labels.push(label.clone());
        if root.is_dir() {
            walk_dir(root, &canonical, &label, limits, &mut vec![canonical.clone()], sink);
        } else {
            disk_file(root, label, limits, sink);
        }
    }
    Ok(())
}

/// Walks one file held in memory as [`discover`] walks a file on disk (gzip, zip members, nested
/// archives, the same limits), handing every input to `sink` under the display path `label`.
/// Nothing touches the disk: the fuzz targets drive discovery through it.
pub(crate) fn discover_bytes(label: String, bytes: Vec<u8>, limits: &Limits, sink: &mut dyn FnMut(Input)) {
    let mut input = Input::new(label, bytes.len() as u64, hex::encode(Sha256::digest(&bytes)));
    if is_zip(&bytes) {
        // Depth 0 is the root itself, as on disk: its members nest from depth 1.
        deliver_zip_bytes(input, bytes, 0, limits, &mut Budget::new(limits), sink);
    } else if bytes.len() as u64 > limits.max_member_bytes {
        input.problem = Some(over_limit(limits.max_member_bytes, "file"));
        sink(input);
    } else if bytes.starts_with(&GZIP_MAGIC) {
        deliver_gzip(input, bytes, 1, limits, &mut Budget::new(limits), sink);
    } else {
        input.content = Some(bytes);
        sink(input);
    }
}

/// What one archive given as evidence may still decompress (`max_archive_bytes`); the archives
/// nested in it draw on the same budget.
struct Budget {
    left: u64,
}

impl Budget {
    fn new(limits: &Limits) -> Budget {
        Budget { left: limits.max_archive_bytes }
    }

    fn charge(&mut self, bytes: u64) {
        self.left = self.left.saturating_sub(bytes);
    }
}

/// A root is shown by its own name (`client.zip`, `evidence`), so outputs do not depend on where the
/// auditor's working directory was.
fn root_label(root: &Path) -> String {
    root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| root.display().to_string())
}

/// Walks the folder `dir`, shown as `label`. `root` is the evidence root, canonical: links that
/// resolve outside it are read only with `follow_outside_links`. `walking` holds the canonical
/// folders being walked, so a followed link back into one of them is not walked again.
fn walk_dir(
    dir: &Path,
    root: &Path,
    label: &str,
    limits: &Limits,
    walking: &mut Vec<PathBuf>,
    sink: &mut dyn FnMut(Input),
) {
    // walkdir does not follow links below `dir`: each is settled by `link` instead.
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().min_depth(1) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let where_ = e.path().map(|p| p.display().to_string()).unwrap_or_else(|| label.to_string());
                let mut input = Input::new(where_, 0, String::new());
                input.problem = Some(format!("cannot be read: {e}"));
                sink(input);
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let shown = format!("{label}/{}", parts.join("/"));
        if entry.path_is_symlink() {
            link(entry.path(), root, shown, limits, walking, sink);
        } else {
            disk_file(entry.path(), shown, limits, sink);
        }
    }
}

/// A symbolic link met in a folder: read (or walked) when it resolves inside the evidence root,
/// listed with the reason when it leaves it, unless `follow_outside_links`; then every input read
/// through it says it was followed.
fn link(
    path: &Path,
    root: &Path,
    shown: String,
    limits: &Limits,
    walking: &mut Vec<PathBuf>,
    sink: &mut dyn FnMut(Input),
) {
    let target = std::fs::read_link(path).map_or_else(|_| "?".to_string(), |t| t.display().to_string());
    let listed = |sink: &mut dyn FnMut(Input), problem: String| {
        let mut input = Input::new(shown.clone(), 0, String::new());
        input.problem = Some(problem);
        sink(input);
    };
    let resolved = match std::fs::canonicalize(path) {
        Ok(resolved) => resolved,
        Err(e) => return listed(sink, format!("symbolic link to {target}, which cannot be resolved ({e}): not read")),
    };
    let inside = resolved.starts_with(root);
    let is_dir = std::fs::metadata(&resolved).is_ok_and(|m| m.is_dir());
    if !inside && !limits.follow_outside_links {
        let what = if is_dir { "a folder" } else { "a file" };
        return listed(
            sink,
            format!(
                "symbolic link to {what} outside the evidence root ({target}): not read (--follow-outside-links, or follow_outside_links in [limits], reads it)"
            ),
        );
    }
    if is_dir && (inside || walking.contains(&resolved)) {
        // Inside the root its files are walked under their own paths; a folder already being
        // walked would loop.
        let why = if inside { "its files are listed under their own paths" } else { "a link loop" };
        return listed(sink, format!("symbolic link to a folder ({target}) already walked: not walked again ({why})"));
    }
    if inside {
        return disk_file(path, shown, limits, sink);
    }
    let note = format!(
        "read through a symbolic link to outside the evidence root ({target}): followed (follow_outside_links)"
    );
    let mut noted = |mut input: Input| {
        input.add_problem(note.clone());
        sink(input);
    };
    if is_dir {
        walking.push(resolved.clone());
        walk_dir(&resolved, root, &shown, limits, walking, &mut noted);
        walking.pop();
    } else {
        disk_file(path, shown, limits, &mut noted);
    }
}

fn disk_file(path: &Path, label: String, limits: &Limits, sink: &mut dyn FnMut(Input)) {
    match read_disk_file(path, label.clone(), limits, sink) {
        Ok(()) => {}
        Err(e) => {
            let mut input = Input::new(label, 0, String::new());
            input.problem = Some(format!("cannot be read: {e}"));
            sink(input);
        }
    }
}

fn read_disk_file(path: &Path, label: String, limits: &Limits, sink: &mut dyn FnMut(Input)) -> io::Result<()> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        // A FIFO, socket or device would block or never end: listed, never opened.
        let mut input = Input::new(label, 0, String::new());
        input.problem = Some("not a regular file (pipe, socket or device): not read".into());
        sink(input);
        return Ok(());
    }
    let size = metadata.len();
    let mut file = File::open(path)?;
    let mut magic = [0u8; 4];
    let magic_len = read_prefix(&mut file, &mut magic)?;
    let magic = &magic[..magic_len];

    if is_zip(magic) {
        let sha256 = hash_reader(File::open(path)?)?;
        let input = Input::new(label, size, sha256);
        deliver_zip(input, BufReader::new(File::open(path)?), 1, limits, &mut Budget::new(limits), sink);
        return Ok(());
    }

    // Everything but a zip is read once, as stored, hashed on the way in.
    let mut hashing = HashingReader::new(Cursor::new(magic.to_vec()).chain(file));
    let content = read_bounded(&mut hashing, limits.max_member_bytes);
    io::copy(&mut hashing, &mut io::sink())?;
    let mut input = Input::new(label, size, hashing.finish());
    match content {
        // Compressed files are small next to what they expand to: a worker decodes them unless
        // the content is an archive that discovery must walk.
        Ok(Some(bytes)) if bytes.starts_with(&GZIP_MAGIC) => {
            deliver_gzip(input, bytes, 1, limits, &mut Budget::new(limits), sink);
            return Ok(());
        }
        Ok(Some(bytes)) => input.content = Some(bytes),
        Ok(None) => input.problem = Some(over_limit(limits.max_member_bytes, "file")),
        Err(e) => input.problem = Some(format!("read error: {e}")),
    }
    sink(input);
    Ok(())
}

/// Hands out a gzip input: one holding an archive (`.zip.gz`) is decoded here so its members can be
/// walked, drawing on the archive budget; any other is passed on undecoded for a worker to
/// [`Input::decode`].
fn deliver_gzip(
    mut input: Input,
    raw: Vec<u8>,
    depth: usize,
    limits: &Limits,
    budget: &mut Budget,
    sink: &mut dyn FnMut(Input),
) {
    input.gzip = true;
    let mut head = [0u8; 4];
    let head_len = read_prefix(&mut flate2::bufread::GzDecoder::new(&raw[..]), &mut head).unwrap_or(0);
    if !is_zip(&head[..head_len]) {
        input.pending_gzip = Some(raw);
        sink(input);
        return;
    }
    let cap = limits.max_member_bytes.min(budget.left);
    let decoded = gunzip_bounded(&raw, limits, cap);
    drop(raw);
    budget.charge(decoded.decoded_len());
    match decoded {
        Gunzipped::Complete(bytes) => deliver_zip_bytes(input, bytes, depth, limits, budget, sink),
        Gunzipped::Trailing { bytes, offset, extra } => {
            input.problem = Some(trailing_note(offset, extra));
            deliver_zip_bytes(input, bytes, depth, limits, budget, sink);
        }
        Gunzipped::Damaged(bytes, error) => {
            input.problem = Some(format!("gzip stream damaged after {} decoded bytes ({error})", bytes.len()));
            deliver_zip_bytes(input, bytes, depth, limits, budget, sink);
        }
        Gunzipped::Refused { passed_cap: true, .. } if cap < limits.max_member_bytes => {
            input.add_problem(over_archive_budget(limits, "the gzip content"));
            sink(input);
        }
        refused @ Gunzipped::Refused { .. } => {
            settle_decoded(&mut input, refused, limits);
            sink(input);
        }
    }
}

/// Records the outcome of decoding a (non-archive) gzip input on the input.
fn settle_decoded(input: &mut Input, decoded: Gunzipped, limits: &Limits) {
    input.gzip = true;
    match decoded {
        Gunzipped::Complete(bytes) => input.content = Some(bytes),
        Gunzipped::Trailing { bytes, offset, extra } => {
            input.add_problem(trailing_note(offset, extra));
            input.content = Some(bytes);
        }
        Gunzipped::Damaged(bytes, error) if !bytes.is_empty() => {
            input.cut_short = true;
            // DESIGN.md §4: a damaged gzip keeps what was decoded before the damage, and says so.
            input.add_problem(format!(
                "gzip stream damaged after {} decoded bytes ({error}): the content before the damage is used",
                bytes.len()
            ));
            input.content = Some(bytes);
        }
        Gunzipped::Damaged(_, error) => input.add_problem(format!("corrupt gzip: {error}")),
        Gunzipped::Refused { .. } => input.add_problem(format!(
            "refused: gzip content expands more than {}x its compressed size or beyond {} (limits max_expansion_ratio, max_member_bytes): possible decompression bomb",
            limits.max_expansion_ratio,
            human_bytes(limits.max_member_bytes)
        )),
    }
}

fn trailing_note(offset: usize, extra: usize) -> String {
    format!("{extra} bytes of data that is not gzip follow the end of the gzip stream at byte {offset}: ignored")
}

fn over_archive_budget(limits: &Limits, what: &str) -> String {
    format!(
        "refused: over a limit: {what} would take this archive past {} decompressed in all (max_archive_bytes, which counts nested archives too): not read",
        human_bytes(limits.max_archive_bytes)
    )
}

/// An archive met as bytes (a zip member, or a gunzipped `.zip.gz`) is opened in memory.
fn deliver_zip_bytes(
    mut input: Input,
    bytes: Vec<u8>,
    depth: usize,
    limits: &Limits,
    budget: &mut Budget,
    sink: &mut dyn FnMut(Input),
) {
    if depth > limits.max_archive_depth {
        input.add_problem(format!("archive nested deeper than {} levels: not opened", limits.max_archive_depth));
        sink(input);
        return;
    }
    deliver_zip(input, Cursor::new(bytes), depth + 1, limits, budget, sink);
}

/// Hands out a zip archive, then each of its members at `depth`.
fn deliver_zip<R: Read + Seek>(
    mut input: Input,
    mut reader: R,
    depth: usize,
    limits: &Limits,
    budget: &mut Budget,
    sink: &mut dyn FnMut(Input),
) {
    input.archive = true;
    match zipread::read_index(&mut reader) {
        Ok(entries) => {
            input.archive_members = Some(entries.len());
            let label = input.path.clone();
            sink(input);
            walk_zip(&mut reader, &entries, &label, depth, limits, budget, sink);
        }
        Err(e) => {
            input.add_problem(format!("corrupt zip archive: {e}"));
            sink(input);
        }
    }
}

/// The display name of each entry (`None`: a plain folder entry, nothing to account for) and, for
/// members sharing a name, the note that says so. The first of a name in the central directory keeps
/// it; the others are `name#2`, `name#3`, ... (skipping any such name a member already has).
fn member_names(entries: &[Entry]) -> Vec<Option<(String, Option<String>)>> {
    let mut by_name: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
    for entry in entries.iter().filter(|e| !e.is_plain_folder()) {
        by_name.entry(entry.name.as_str()).or_default().push(entry.index);
    }
    let mut names: Vec<Option<(String, Option<String>)>> = vec![None; entries.len()];
    for (name, indexes) in &by_name {
        if let [only] = indexes[..] {
            names[only] = Some((name.to_string(), None));
            continue;
        }
        let mut shown = vec![name.to_string()];
        let mut n = 1;
        while shown.len() < indexes.len() {
            n += 1;
            let candidate = format!("{name}#{n}");
            if !by_name.contains_key(candidate.as_str()) {
                shown.push(candidate);
            }
        }
        let positions: Vec<String> = indexes.iter().map(|i| (i + 1).to_string()).collect();
        let note = format!(
            "the archive holds {} members named {name} (central-directory entries {}), listed as {}",
            indexes.len(),
            positions.join(", "),
            shown.join(", ")
        );
        for (&index, shown) in indexes.iter().zip(shown) {
            names[index] = Some((shown, Some(note.clone())));
        }
    }
    names
}

fn walk_zip<R: Read + Seek>(
    reader: &mut R,
    entries: &[Entry],
    label: &str,
    depth: usize,
    limits: &Limits,
    budget: &mut Budget,
    sink: &mut dyn FnMut(Input),
) {
    // Members by name, so the order does not depend on how the archiver wrote the directory.
    let mut members: Vec<(String, Option<String>, &Entry)> = member_names(entries)
        .into_iter()
        .zip(entries)
        .filter_map(|(name, entry)| name.map(|(name, note)| (name, note, entry)))
        .collect();
    members.sort_by(|a, b| (&a.0, a.2.index).cmp(&(&b.0, b.2.index)));
    for (name, note, entry) in members {
        let mut input = Input::new(format!("{label}!{name}"), entry.size, String::new());
        if let Some(note) = note {
            input.add_problem(note);
        }
        if entry.name.ends_with('/') {
            input.add_problem(format!(
                "named like a folder, but holds {} stored bytes: read as a file",
                entry.compressed_size
            ));
        }
        if let Some(other) = entry.overlaps {
            // Not decompressed, and not hashed either: overlapping members can share one large
            // stream any number of times. The archive's own hash ties them to what was received.
            input.add_problem(format!(
                "refused: its stored bytes overlap those of central-directory entry {} ({}): a crafted archive, whose members can expand one stream over and over; not read",
                other + 1,
                entries[other].name
            ));
            sink(input);
            continue;
        }
        match read_zip_member(reader, entry, limits, budget) {
            Member::Read { bytes, sha256 } => {
                input.size = bytes.len() as u64;
                input.sha256 = sha256;
                if is_zip(&bytes) {
                    deliver_zip_bytes(input, bytes, depth, limits, budget, sink);
                } else if bytes.starts_with(&GZIP_MAGIC) {
                    deliver_gzip(input, bytes, depth, limits, budget, sink);
                } else {
                    input.content = Some(bytes);
                    sink(input);
                }
            }
            Member::Unread { reason } => {
                // Still tie the member to the bytes received: hash its stored (compressed) data.
                let hashed = zipread::open_raw(reader, entry).ok().and_then(|raw| hash_reader(raw).ok());
                let said = match hashed {
                    Some(sha256) => {
                        input.sha256 = sha256;
                        "; sha256 is of the compressed member data"
                    }
                    None => "",
                };
                input.add_problem(format!("{reason}{said}"));
                sink(input);
            }
        }
    }
}

enum Member {
    Read {
        bytes: Vec<u8>,
        sha256: String,
    },
    /// Refused or damaged: why.
    Unread {
        reason: String,
    },
}

fn read_zip_member<R: Read + Seek>(reader: &mut R, entry: &Entry, limits: &Limits, budget: &mut Budget) -> Member {
    let compressed = entry.compressed_size;
    let ratio_limit = expansion_limit(compressed, limits);
    let limit = ratio_limit.min(budget.left);
    let refused = |limit: u64| {
        if limit == ratio_limit {
            format!(
                "refused: member expands beyond {} (compressed {compressed} bytes; limit is {}x or {}): possible decompression bomb",
                human_bytes(ratio_limit),
                limits.max_expansion_ratio,
                human_bytes(limits.max_member_bytes)
            )
        } else {
            over_archive_budget(limits, "the member")
        }
    };
    // A member whose header already claims too much is not decompressed at all; the bounded read
    // catches one that lies about its size.
    if entry.size > limit {
        return Member::Unread { reason: refused(if entry.size > ratio_limit { ratio_limit } else { limit }) };
    }
    let read = match zipread::open(reader, entry) {
        Ok(member) => read_bounded(member, limit),
        Err(reason) => return Member::Unread { reason: format!("corrupt archive member: {reason}") },
    };
    match read {
        Ok(Some(bytes)) => {
            budget.charge(bytes.len() as u64);
            let mut crc = flate2::Crc::new();
            crc.update(&bytes);
            if bytes.len() as u64 != entry.size {
                Member::Unread {
                    reason: format!(
                        "corrupt archive member: it expands to {} bytes, its central-directory entry says {}",
                        bytes.len(),
                        entry.size
                    ),
                }
            } else if crc.sum() != entry.crc32 {
                Member::Unread { reason: "corrupt archive member: its CRC-32 does not match the data".into() }
            } else {
                let sha256 = hex::encode(Sha256::digest(&bytes));
                Member::Read { bytes, sha256 }
            }
        }
        Ok(None) => {
            budget.charge(limit);
            Member::Unread { reason: refused(limit) }
        }
        Err(e) => Member::Unread { reason: format!("corrupt archive member: {e}") },
    }
}

fn expansion_limit(compressed: u64, limits: &Limits) -> u64 {
    compressed.saturating_mul(limits.max_expansion_ratio).max(RATIO_FLOOR).min(limits.max_member_bytes)
}

/// The result of decoding a gzip input.
enum Gunzipped {
    Complete(Vec<u8>),
    /// Every gzip member decoded, then `extra` bytes that are not gzip from byte `offset` on.
    Trailing {
        bytes: Vec<u8>,
        offset: usize,
        extra: usize,
    },
    /// Decoding failed (truncated or corrupt); holds what came before.
    Damaged(Vec<u8>, io::Error),
    /// Expansion passed a limit after `decoded` bytes: the cap given (`passed_cap`), or the ratio.
    Refused {
        decoded: u64,
        passed_cap: bool,
    },
}

impl Gunzipped {
    fn decoded_len(&self) -> u64 {
        match self {
            Gunzipped::Complete(bytes) | Gunzipped::Trailing { bytes, .. } | Gunzipped::Damaged(bytes, _) => {
                bytes.len() as u64
            }
            Gunzipped::Refused { decoded, .. } => *decoded,
        }
    }
}

/// Decodes every gzip member in `raw` (multi-member files are one stream), refusing as soon as the
/// output passes `cap` (at most `max_member_bytes`), or passes `RATIO_FLOOR` while being more than
/// `max_expansion_ratio` times the compressed bytes consumed so far: checking as it goes stops a bomb
/// at the floor instead of at ratio × its size.
fn gunzip_bounded(raw: &[u8], limits: &Limits, cap: u64) -> Gunzipped {
    // CloudTrail and most exports compress about tenfold: start there, capped so a small bomb
    // does not reserve much.
    let mut out = Vec::with_capacity(raw.len().saturating_mul(12).min(RATIO_FLOOR as usize).min(cap as usize));
    let mut rest = raw;
    loop {
        let mut decoder = flate2::bufread::GzDecoder::new(rest);
        loop {
            // Decoded straight into `out` (no zeroed scratch buffer), 4 MiB at a time between the
            // limit checks, so a bomb overshoots a limit by at most that much.
            let before = out.len();
            match (&mut decoder).take(4 << 20).read_to_end(&mut out) {
                Ok(_) => {}
                Err(e) => return Gunzipped::Damaged(out, e),
            }
            let len = out.len() as u64;
            let consumed = (raw.len() - decoder.get_ref().len()) as u64;
            if len > cap {
                return Gunzipped::Refused { decoded: len, passed_cap: true };
            }
            if len > RATIO_FLOOR && len > consumed.saturating_mul(limits.max_expansion_ratio) {
                return Gunzipped::Refused { decoded: len, passed_cap: false };
            }
            if out.len() == before {
                break;
            }
        }
        rest = decoder.into_inner();
        if rest.is_empty() {
            return Gunzipped::Complete(out);
        }
        if !rest.starts_with(&GZIP_MAGIC) {
            return Gunzipped::Trailing { bytes: out, offset: raw.len() - rest.len(), extra: rest.len() };
        }
    }
}

/// Reads at most `limit` bytes; `Ok(None)` when there was more.
fn read_bounded<R: Read>(reader: R, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(if bytes.len() as u64 > limit { None } else { Some(bytes) })
}

fn read_prefix(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

fn hash_reader(mut reader: impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut reader, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

fn over_limit(limit: u64, what: &str) -> String {
    format!("refused: {what} is larger than the {} limit (max_member_bytes)", human_bytes(limit))
}

pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// Passes bytes through while hashing them, so a file is read once for both content and SHA-256.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        HashingReader { inner, hasher: Sha256::new() }
    }
    fn finish(self) -> String {
        hex::encode(self.hasher.finalize())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn collect(roots: &[PathBuf], limits: &Limits) -> Vec<Input> {
        let mut out = Vec::new();
        discover(roots, limits, &mut |mut i| {
            i.decode(limits);
            out.push(i)
        })
        .unwrap();
        out
    }

    fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in members {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn walks_folders_zips_nested_zips_and_gzip_in_stable_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("evidence");
        std::fs::create_dir_all(root.join("b")).unwrap();
        std::fs::write(root.join("b/plain.csv"), b"a,b\n").unwrap();
        std::fs::write(root.join("a.csv.gz"), gzip(b"x,y\n")).unwrap();
        let inner = zip_bytes(&[("deep.txt", b"deep")]);
        let outer = zip_bytes(&[("z.txt", b"z"), ("inner.zip", &inner), ("g.json.gz", &gzip(b"{}")), ("dir/", b"")]);
        std::fs::write(root.join("client.zip"), outer).unwrap();

        let inputs = collect(&[root], &Limits::default());
        let paths: Vec<&str> = inputs.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "evidence/a.csv.gz",
                "evidence/b/plain.csv",
                "evidence/client.zip",
                "evidence/client.zip!g.json.gz",
                "evidence/client.zip!inner.zip",
                "evidence/client.zip!inner.zip!deep.txt",
                "evidence/client.zip!z.txt",
            ]
        );
        assert_eq!(inputs[0].content.as_deref(), Some(&b"x,y\n"[..]));
        assert!(inputs[0].gzip);
        assert_eq!(inputs[2].archive_members, Some(4));
        assert_eq!(inputs[5].content.as_deref(), Some(&b"deep"[..]));
        assert_eq!(inputs[1].sha256, hex::encode(Sha256::digest(b"a,b\n")));
        assert!(inputs.iter().all(|i| i.problem.is_none()), "{inputs:?}");
    }

    #[test]
    fn bytes_in_memory_are_walked_as_the_same_file_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits::default();
        let inner = zip_bytes(&[("deep.txt", b"deep")]);
        let mut cut = gzip(&[b'x'; 5000]);
        cut.truncate(cut.len() / 2);
        let files = [
            ("client.zip", zip_bytes(&[("z.txt", b"z"), ("inner.zip", &inner), ("g.json.gz", &gzip(b"{}"))])),
            ("e.zip.gz", gzip(&zip_bytes(&[("r.csv", b"a,b\n")]))),
            ("cut.gz", cut),
            ("plain.csv", b"a,b\n".to_vec()),
        ];
        for (name, bytes) in files {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).unwrap();
            let on_disk: Vec<String> = collect(&[path], &limits).iter().map(|i| format!("{i:?}")).collect();
            let mut in_memory = Vec::new();
            discover_bytes(name.to_string(), bytes, &limits, &mut |mut i| {
                i.decode(&limits);
                in_memory.push(format!("{i:?}"));
            });
            assert_eq!(in_memory, on_disk, "{name}");
        }
    }

    #[test]
    fn traversal_names_are_only_names() {
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("evil.zip");
        std::fs::write(&zip_path, zip_bytes(&[("../../etc/passwd", b"root:x:0:0"), ("/abs/path", b"x")])).unwrap();
        let inputs = collect(&[zip_path], &Limits::default());
        assert_eq!(inputs[1].path, "evil.zip!../../etc/passwd");
        assert_eq!(inputs[1].content.as_deref(), Some(&b"root:x:0:0"[..]));
        assert_eq!(inputs[2].path, "evil.zip!/abs/path");
        assert!(!dir.path().join("etc").exists());
    }

    #[test]
    fn bombs_are_refused_within_the_limits() {
        let dir = tempfile::tempdir().unwrap();
        let zeros = vec![0u8; 8 << 20];
        std::fs::write(dir.path().join("bomb.gz"), gzip(&zeros)).unwrap();
        std::fs::write(dir.path().join("bomb.zip"), zip_bytes(&[("zeros.bin", &zeros)])).unwrap();
        // A tight cap stands in for the default one so the test stays small; the e2e test uses 2 GiB.
        let limits = Limits { max_member_bytes: 1 << 20, ..Limits::default() };
        let inputs = collect(&[dir.path().to_path_buf()], &limits);
        let gz = inputs.iter().find(|i| i.path.ends_with("bomb.gz")).unwrap();
        assert!(gz.content.is_none());
        assert!(gz.problem.as_deref().unwrap().contains("decompression bomb"), "{gz:?}");
        let member = inputs.iter().find(|i| i.path.ends_with("bomb.zip!zeros.bin")).unwrap();
        assert!(member.problem.as_deref().unwrap().contains("decompression bomb"), "{member:?}");
        assert_eq!(member.size, 8 << 20);
    }

    #[test]
    fn gzip_bomb_is_stopped_at_the_floor_under_default_limits() {
        let dir = tempfile::tempdir().unwrap();
        // 256 MiB of zeros compresses ~1000:1, far beyond the default 100:1.
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..256 {
            e.write_all(&zeros).unwrap();
        }
        std::fs::write(dir.path().join("bomb.json.gz"), e.finish().unwrap()).unwrap();
        let inputs = collect(&[dir.path().to_path_buf()], &Limits::default());
        assert!(inputs[0].problem.as_deref().unwrap().contains("decompression bomb"), "{:?}", inputs[0].problem);
    }

    #[test]
    fn corrupt_archives_are_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let mut bad_zip = zip_bytes(&[("a.txt", b"hello")]);
        bad_zip.truncate(bad_zip.len() / 2);
        std::fs::write(dir.path().join("bad.zip"), bad_zip).unwrap();
        let mut bad_gz = gzip(&vec![b'x'; 100_000]);
        bad_gz.truncate(bad_gz.len() / 2);
        std::fs::write(dir.path().join("bad.gz"), bad_gz).unwrap();
        std::fs::write(dir.path().join("ok.txt"), b"ok").unwrap();
        let inputs = collect(&[dir.path().to_path_buf()], &Limits::default());
        assert_eq!(inputs.len(), 3);
        // The truncated gzip keeps what decoded before the damage.
        assert!(
            inputs[0].problem.as_deref().unwrap().starts_with("gzip stream damaged after"),
            "{:?}",
            inputs[0].problem
        );
        assert!(inputs[0].content.as_ref().is_some_and(|c| !c.is_empty() && c.iter().all(|&b| b == b'x')));
        assert!(inputs[1].problem.as_deref().unwrap().starts_with("corrupt zip"), "{:?}", inputs[1]);
        assert_eq!(inputs[2].content.as_deref(), Some(&b"ok"[..]));
    }

    #[test]
    fn multi_member_gzip_is_read_whole_and_garbage_after_it_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let mut two = gzip(b"header\n");
        two.extend(gzip(b"row\n"));
        std::fs::write(dir.path().join("a.gz"), &two).unwrap();
        let valid = two.len();
        two.extend_from_slice(b"garbage appended by a collector");
        std::fs::write(dir.path().join("b.gz"), &two).unwrap();
        let inputs = collect(&[dir.path().to_path_buf()], &Limits::default());
        assert_eq!(inputs[0].content.as_deref(), Some(&b"header\nrow\n"[..]));
        assert_eq!(inputs[0].problem, None);
        assert_eq!(inputs[1].content.as_deref(), Some(&b"header\nrow\n"[..]));
        let expected =
            format!("31 bytes of data that is not gzip follow the end of the gzip stream at byte {valid}: ignored");
        assert_eq!(inputs[1].problem.as_deref(), Some(expected.as_str()));
    }

    #[test]
    fn a_damaged_gzip_around_a_zip_still_says_it_was_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let mut zipped = gzip(&zip_bytes(&[("r.csv", b"a,b\n")]));
        zipped.truncate(zipped.len() - 8); // the gzip trailer (CRC and size) is gone
        std::fs::write(dir.path().join("e.zip.gz"), zipped).unwrap();
        let inputs = collect(&[dir.path().to_path_buf()], &Limits::default());
        assert!(inputs[0].archive && inputs[0].archive_members == Some(1), "{:?}", inputs[0]);
        assert!(inputs[0].problem.as_deref().unwrap().starts_with("gzip stream damaged"), "{:?}", inputs[0].problem);
        assert_eq!(inputs[1].content.as_deref(), Some(&b"a,b\n"[..]));
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_devices_are_listed_not_read() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero")).unwrap();
        // The device is outside the root: followed only when asked, and then still never opened.
        let limits = Limits { follow_outside_links: true, ..Limits::default() };
        let inputs = collect(&[dir.path().to_path_buf()], &limits);
        assert_eq!(inputs.len(), 1);
        assert!(inputs[0].problem.as_deref().unwrap().starts_with("not a regular file"));
    }

    #[test]
    fn roots_with_the_same_name_stay_apart() {
        let dir = tempfile::tempdir().unwrap();
        for side in ["x", "y"] {
            std::fs::create_dir_all(dir.path().join(side).join("ev")).unwrap();
            std::fs::write(dir.path().join(side).join("ev/r.csv"), side).unwrap();
        }
        let (x, y) = (dir.path().join("x/ev"), dir.path().join("y/ev"));
        let inputs = collect(&[x.clone(), y.clone(), x], &Limits::default());
        let paths: Vec<&str> = inputs.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["ev/r.csv".to_string(), format!("{}/r.csv", y.display())]);
    }

    /// A zip written by hand: `locals` are the stored members (name, data, deflated), `central` the
    /// central-directory entries (name, index of the local member whose bytes they point at), so
    /// entries can share a name or share bytes as no archiver writes them.
    fn crafted_zip(locals: &[(&str, &[u8])], central: &[(&str, usize)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut placed = Vec::new();
        for (name, data) in locals {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            let deflated = e.finish().unwrap();
            let mut crc = flate2::Crc::new();
            crc.update(data);
            placed.push((out.len() as u32, crc.sum(), deflated.len() as u32, data.len() as u32));
            out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00");
            for v in [crc.sum(), deflated.len() as u32, data.len() as u32] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&deflated);
        }
        let cd_start = out.len() as u32;
        for (name, local) in central {
            let (offset, crc, compressed, size) = placed[*local];
            out.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00");
            for v in [crc, compressed, size] {
                out.extend_from_slice(&v.to_le_bytes());
            }
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0u8; 12]);
            out.extend_from_slice(&offset.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
        }
        let cd_len = out.len() as u32 - cd_start;
        out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
        out.extend_from_slice(&(central.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u16).to_le_bytes());
        out.extend_from_slice(&cd_len.to_le_bytes());
        out.extend_from_slice(&cd_start.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn walk_bytes(bytes: Vec<u8>, limits: &Limits) -> Vec<Input> {
        let mut out = Vec::new();
        discover_bytes("a.zip".into(), bytes, limits, &mut |mut i| {
            i.decode(limits);
            out.push(i)
        });
        out
    }

    #[test]
    fn crafted_zips_read_like_the_zip_crates() {
        let bytes = crafted_zip(&[("r.csv", b"a,b\n"), ("s.txt", b"s")], &[("s.txt", 1), ("r.csv", 0)]);
        let inputs = walk_bytes(bytes, &Limits::default());
        let paths: Vec<&str> = inputs.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["a.zip", "a.zip!r.csv", "a.zip!s.txt"]);
        assert_eq!(inputs[1].content.as_deref(), Some(&b"a,b\n"[..]));
        assert!(inputs.iter().all(|i| i.problem.is_none()), "{inputs:?}");
    }

    #[test]
    fn zip_entries_sharing_one_stream_are_refused() {
        let zeros = vec![0u8; 4 << 20];
        let names: Vec<String> = (0..200).map(|i| format!("m{i:03}.json")).collect();
        let central: Vec<(&str, usize)> = names.iter().map(|n| (n.as_str(), 0)).collect();
        let inputs = walk_bytes(crafted_zip(&[("zeros", &zeros)], &central), &Limits::default());
        assert_eq!(inputs.len(), 201);
        assert_eq!(inputs[0].archive_members, Some(200));
        for member in &inputs[1..] {
            assert!(member.content.is_none(), "{}", member.path);
            let problem = member.problem.as_deref().unwrap();
            assert!(
                problem.starts_with("refused: its stored bytes overlap those of central-directory entry"),
                "{problem}"
            );
        }
    }

    #[test]
    fn overlap_is_found_wherever_the_entries_sit() {
        // Two honest members and one entry pointing into the second's bytes.
        let bytes = crafted_zip(&[("a", b"aaaa"), ("b", b"bbbb")], &[("a", 0), ("b", 1), ("c", 1)]);
        let inputs = walk_bytes(bytes, &Limits::default());
        let refused: Vec<&str> = inputs
            .iter()
            .filter(|i| i.problem.as_deref().is_some_and(|p| p.contains("overlap")))
            .map(|i| i.path.as_str())
            .collect();
        assert_eq!(refused, ["a.zip!b", "a.zip!c"]);
        assert_eq!(inputs[1].content.as_deref(), Some(&b"aaaa"[..]));
    }

    #[test]
    fn archive_budget_lists_members_past_it_as_over_a_limit() {
        let mib = vec![7u8; 1 << 20];
        let inner = zip_bytes(&[("i1", &mib), ("i2", &mib)]);
        let outer = zip_bytes(&[("a", &mib), ("b", &mib), ("c.zip", &inner), ("d", &mib)]);
        // 3.5 MiB: a and b, then the inner zip's own bytes and one of its members; i2 and d are over.
        let limits = Limits { max_archive_bytes: (7 << 20) / 2 + inner.len() as u64, ..Limits::default() };
        let inputs = walk_bytes(outer, &limits);
        let over: Vec<&str> = inputs
            .iter()
            .filter(|i| i.problem.as_deref().is_some_and(|p| p.starts_with("refused: over a limit")))
            .map(|i| i.path.as_str())
            .collect();
        assert_eq!(over, ["a.zip!c.zip!i2", "a.zip!d"], "{inputs:#?}");
        let d = inputs.iter().find(|i| i.path == "a.zip!d").unwrap();
        assert!(d.problem.as_deref().unwrap().contains("max_archive_bytes"), "{d:?}");
        assert!(!d.sha256.is_empty() && d.content.is_none());
        // Each archive given has a budget of its own.
        assert!(walk_bytes(zip_bytes(&[("d", &mib)]), &limits).iter().all(|i| i.problem.is_none()));
    }

    #[test]
    fn zip_members_with_one_name_are_all_listed() {
        let first = b"the real report";
        let bytes = crafted_zip(
            &[("r.csv", first), ("r.csv", b"a decoy"), ("r.csv#2", b"taken")],
            &[("r.csv", 0), ("r.csv", 1), ("r.csv#2", 2)],
        );
        let inputs = walk_bytes(bytes, &Limits::default());
        let listed: Vec<(&str, Option<&[u8]>)> =
            inputs[1..].iter().map(|i| (i.path.as_str(), i.content.as_deref())).collect();
        assert_eq!(
            listed,
            [
                ("a.zip!r.csv", Some(&first[..])),
                ("a.zip!r.csv#2", Some(&b"taken"[..])),
                ("a.zip!r.csv#3", Some(&b"a decoy"[..])),
            ]
        );
        assert_eq!(
            inputs[1].problem.as_deref(),
            Some("the archive holds 2 members named r.csv (central-directory entries 1, 2), listed as r.csv, r.csv#3")
        );
        assert_eq!(inputs[2].problem, None);
    }

    #[test]
    fn member_named_like_a_folder_with_data_is_read_and_said() {
        let bytes = crafted_zip(&[("dirwithdata/", b"a,b\n"), ("empty/", b"")], &[("dirwithdata/", 0), ("empty/", 1)]);
        let inputs = walk_bytes(bytes, &Limits::default());
        assert_eq!(inputs.len(), 2, "{inputs:?}");
        assert_eq!(inputs[1].path, "a.zip!dirwithdata/");
        assert_eq!(inputs[1].content.as_deref(), Some(&b"a,b\n"[..]));
        assert!(inputs[1].problem.as_deref().unwrap().starts_with("named like a folder, but holds"), "{:?}", inputs[1]);
    }

    #[test]
    fn damaged_member_data_is_named() {
        let mut bytes = crafted_zip(&[("r.csv", b"abcdefgh")], &[("r.csv", 0)]);
        bytes[14] ^= 0xff; // the local header's CRC is not read; the central one is
        let cd = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bytes[cd + 16] ^= 0xff;
        let inputs = walk_bytes(bytes, &Limits::default());
        assert!(
            inputs[1].problem.as_deref().unwrap().starts_with("corrupt archive member: its CRC-32"),
            "{:?}",
            inputs[1]
        );
        assert!(inputs[1].content.is_none());
    }

    #[test]
    fn names_without_the_utf8_flag_are_code_page_437() {
        let bytes = crafted_zip(&[("x", b"x")], &[("\u{0}", 0)]);
        // Patch the one-byte name to 0x81, which is ü in code page 437.
        let mut bytes = bytes;
        let cd = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        bytes[cd + 46] = 0x81;
        let inputs = walk_bytes(bytes, &Limits::default());
        assert_eq!(inputs[1].path, "a.zip!ü");
    }

    #[test]
    fn zip64_archives_are_read() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().large_file(true);
        w.start_file("big.csv", options).unwrap();
        w.write_all(b"a,b\n").unwrap();
        let inputs = walk_bytes(w.finish().unwrap().into_inner(), &Limits::default());
        assert_eq!(inputs[1].content.as_deref(), Some(&b"a,b\n"[..]), "{inputs:?}");
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_evidence_root_are_listed_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let root = dir.path().join("evidence");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(outside.join("shadow"), b"root:secret").unwrap();
        std::fs::write(root.join("sub/r.csv"), b"a,b\n").unwrap();
        std::os::unix::fs::symlink(outside.join("shadow"), root.join("shadow")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("out-dir")).unwrap();
        std::os::unix::fs::symlink("sub/r.csv", root.join("in.csv")).unwrap();
        std::os::unix::fs::symlink("sub", root.join("in-dir")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("broken")).unwrap();
        let inputs = collect(std::slice::from_ref(&root), &Limits::default());
        let find = |path: &str| inputs.iter().find(|i| i.path == path).unwrap_or_else(|| panic!("{path}: {inputs:#?}"));
        let shadow = find("evidence/shadow");
        assert!(shadow.content.is_none() && shadow.sha256.is_empty(), "{shadow:?}");
        assert!(shadow.problem.as_deref().unwrap().starts_with("symbolic link to a file outside the evidence root ("));
        assert!(find("evidence/out-dir").problem.as_deref().unwrap().contains("a folder outside the evidence root"));
        assert_eq!(find("evidence/in.csv").content.as_deref(), Some(&b"a,b\n"[..]));
        assert!(find("evidence/in-dir").problem.as_deref().unwrap().contains("not walked again"));
        assert!(find("evidence/broken").problem.as_deref().unwrap().contains("cannot be resolved"));
        assert!(!inputs.iter().any(|i| i.path.contains("out-dir/")));

        // Asked to follow, links out are read, and each input read through one says so.
        let limits = Limits { follow_outside_links: true, ..Limits::default() };
        let inputs = collect(std::slice::from_ref(&root), &limits);
        let find = |path: &str| inputs.iter().find(|i| i.path == path).unwrap_or_else(|| panic!("{path}: {inputs:#?}"));
        for path in ["evidence/shadow", "evidence/out-dir/shadow"] {
            let input = find(path);
            assert_eq!(input.content.as_deref(), Some(&b"root:secret"[..]));
            assert!(input.problem.as_deref().unwrap().contains("followed (follow_outside_links)"), "{input:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn followed_link_loops_end() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let root = dir.path().join("evidence");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(outside.join("x.txt"), b"x").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("out")).unwrap();
        std::os::unix::fs::symlink(&outside, outside.join("again")).unwrap();
        let limits = Limits { follow_outside_links: true, ..Limits::default() };
        let inputs = collect(&[root], &limits);
        let paths: Vec<&str> = inputs.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["evidence/out/again", "evidence/out/x.txt"]);
        assert!(inputs[0].problem.as_deref().unwrap().contains("a link loop"), "{:?}", inputs[0]);
    }

    #[test]
    fn unreadable_root_is_an_error() {
        let mut sink = |_i: Input| {};
        let err = discover(&[PathBuf::from("/nonexistent/evidence")], &Limits::default(), &mut sink).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/evidence"));
    }
}
