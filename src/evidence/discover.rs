//! Walks evidence roots (folders, plain files, `.zip`, `.gz`, archives nested in archives) and hands
//! out every file and member with its SHA-256, size and content, in a stable order.
//!
//! Nothing is extracted to disk. Every decompression is bounded by [`Limits`]: a member may expand
//! to at most `max_expansion_ratio` times its compressed size (but always to `RATIO_FLOOR`) and
//! never beyond `max_member_bytes`, so a bomb is refused with a reason instead of filling memory.
//! Archive member names are only ever used as text, so `../../etc/passwd` is harmless.

use std::fs::File;
use std::io::{self, BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

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
            let decoded = gunzip_bounded(&raw, limits);
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
        walked.push(canonical);
        // Two roots with the same name (`x/ev`, `y/ev`) keep their paths apart by the path as given.
        let mut label = root_label(root);
        if labels.contains(&label) {
            label = root.display().to_string();
        }
        labels.push(label.clone());
        if root.is_dir() {
            walk_dir(root, &label, limits, sink);
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
        deliver_zip_bytes(input, bytes, 0, limits, sink);
    } else if bytes.len() as u64 > limits.max_member_bytes {
        input.problem = Some(over_limit(limits.max_member_bytes, "file"));
        sink(input);
    } else if bytes.starts_with(&GZIP_MAGIC) {
        deliver_gzip(input, bytes, 1, limits, sink);
    } else {
        input.content = Some(bytes);
        sink(input);
    }
}

/// A root is shown by its own name (`client.zip`, `evidence`), so outputs do not depend on where the
/// auditor's working directory was.
fn root_label(root: &Path) -> String {
    root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| root.display().to_string())
}

fn walk_dir(root: &Path, label: &str, limits: &Limits, sink: &mut dyn FnMut(Input)) {
    // Directory symlinks are not followed: a link loop in a client's export must not hang the run.
    for entry in walkdir::WalkDir::new(root).sort_by_file_name().min_depth(1) {
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
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let parts: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        disk_file(entry.path(), format!("{label}/{}", parts.join("/")), limits, sink);
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
        let mut input = Input::new(label.clone(), size, sha256);
        input.archive = true;
        match zip::ZipArchive::new(BufReader::new(File::open(path)?)) {
            Ok(mut archive) => {
                input.archive_members = Some(archive.len());
                sink(input);
                walk_zip(&mut archive, &label, 1, limits, sink);
            }
            Err(e) => {
                input.problem = Some(format!("corrupt zip archive: {e}"));
                sink(input);
            }
        }
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
            deliver_gzip(input, bytes, 1, limits, sink);
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
/// walked; any other is passed on undecoded for a worker to [`Input::decode`].
fn deliver_gzip(mut input: Input, raw: Vec<u8>, depth: usize, limits: &Limits, sink: &mut dyn FnMut(Input)) {
    input.gzip = true;
    let mut head = [0u8; 4];
    let head_len = read_prefix(&mut flate2::bufread::GzDecoder::new(&raw[..]), &mut head).unwrap_or(0);
    if !is_zip(&head[..head_len]) {
        input.pending_gzip = Some(raw);
        sink(input);
        return;
    }
    match gunzip_bounded(&raw, limits) {
        Gunzipped::Complete(bytes) => deliver_zip_bytes(input, bytes, depth, limits, sink),
        Gunzipped::Trailing { bytes, offset, extra } => {
            input.problem = Some(trailing_note(offset, extra));
            deliver_zip_bytes(input, bytes, depth, limits, sink);
        }
        Gunzipped::Damaged(bytes, error) => {
            input.problem = Some(format!("gzip stream damaged after {} decoded bytes ({error})", bytes.len()));
            deliver_zip_bytes(input, bytes, depth, limits, sink);
        }
        refused @ Gunzipped::Refused => {
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
        Gunzipped::Refused => input.add_problem(format!(
            "refused: gzip content expands more than {}x its compressed size or beyond {} (limits max_expansion_ratio, max_member_bytes): possible decompression bomb",
            limits.max_expansion_ratio,
            human_bytes(limits.max_member_bytes)
        )),
    }
}

fn trailing_note(offset: usize, extra: usize) -> String {
    format!("{extra} bytes of data that is not gzip follow the end of the gzip stream at byte {offset}: ignored")
}

/// An archive met as bytes (a zip member, or a gunzipped `.zip.gz`) is opened in memory.
fn deliver_zip_bytes(mut input: Input, bytes: Vec<u8>, depth: usize, limits: &Limits, sink: &mut dyn FnMut(Input)) {
    if depth > limits.max_archive_depth {
        input.add_problem(format!("archive nested deeper than {} levels: not opened", limits.max_archive_depth));
        sink(input);
        return;
    }
    input.archive = true;
    let label = input.path.clone();
    match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(mut archive) => {
            input.archive_members = Some(archive.len());
            sink(input);
            walk_zip(&mut archive, &label, depth + 1, limits, sink);
        }
        Err(e) => {
            input.add_problem(format!("corrupt zip archive: {e}"));
            sink(input);
        }
    }
}

fn walk_zip<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    label: &str,
    depth: usize,
    limits: &Limits,
    sink: &mut dyn FnMut(Input),
) {
    // Members by name, so the order does not depend on how the archiver wrote the directory.
    let mut members: Vec<(String, usize)> = (0..archive.len())
        .filter_map(|i| {
            let name = archive.name_for_index(i)?;
            // A name that cannot be decoded is still a member to account for.
            Some((name.map_or_else(|e| format!("<member {i}: unreadable name: {e}>"), |n| n.to_string()), i))
        })
        .collect();
    members.sort();
    for (name, index) in members {
        if name.ends_with('/') {
            continue;
        }
        let path = format!("{label}!{name}");
        let mut input = Input::new(path, 0, String::new());
        let outcome = read_zip_member(archive, index, limits);
        match outcome {
            Ok(Member::Read { bytes, sha256 }) => {
                input.size = bytes.len() as u64;
                input.sha256 = sha256;
                if is_zip(&bytes) {
                    deliver_zip_bytes(input, bytes, depth, limits, sink);
                } else if bytes.starts_with(&GZIP_MAGIC) {
                    deliver_gzip(input, bytes, depth, limits, sink);
                } else {
                    input.content = Some(bytes);
                    sink(input);
                }
            }
            Ok(Member::Refused { declared_size, raw_sha256, compressed }) => {
                input.size = declared_size;
                input.sha256 = raw_sha256;
                input.problem = Some(format!(
                    "refused: member expands beyond {} (compressed {compressed} bytes; limit is {}x or {}): possible decompression bomb; sha256 is of the compressed member data",
                    human_bytes(expansion_limit(compressed, limits)),
                    limits.max_expansion_ratio,
                    human_bytes(limits.max_member_bytes)
                ));
                sink(input);
            }
            Err(e) => {
                // Still tie the member to the bytes received: hash its stored (compressed) data.
                let raw = archive.by_index_raw(index).ok().map(|raw| (raw.compressed_size(), hash_reader(raw)));
                let hashed = match raw {
                    Some((size, Ok(sha256))) => {
                        input.size = size;
                        input.sha256 = sha256;
                        "; sha256 is of the compressed member data"
                    }
                    _ => "",
                };
                input.problem = Some(format!("corrupt archive member: {e}{hashed}"));
                sink(input);
            }
        }
    }
}

enum Member {
    Read { bytes: Vec<u8>, sha256: String },
    Refused { declared_size: u64, raw_sha256: String, compressed: u64 },
}

fn read_zip_member<R: Read + Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    limits: &Limits,
) -> io::Result<Member> {
    let (declared_size, compressed, outcome) = {
        let mut file = archive.by_index(index).map_err(io::Error::other)?;
        let (declared_size, compressed) = (file.size(), file.compressed_size());
        let limit = expansion_limit(compressed, limits);
        // A member whose header already claims too much is not decompressed at all; the bounded read
        // catches one that lies about its size.
        let outcome = if declared_size > limit { None } else { read_bounded(&mut file, limit)? };
        (declared_size, compressed, outcome)
    };
    match outcome {
        Some(bytes) => {
            let sha256 = hex::encode(Sha256::digest(&bytes));
            Ok(Member::Read { bytes, sha256 })
        }
        None => {
            let raw = archive.by_index_raw(index).map_err(io::Error::other)?;
            let raw_sha256 = hash_reader(raw)?;
            Ok(Member::Refused { declared_size, raw_sha256, compressed })
        }
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
    /// Expansion passed a limit.
    Refused,
}

/// Decodes every gzip member in `raw` (multi-member files are one stream), refusing as soon as the
/// output passes `max_member_bytes`, or passes `RATIO_FLOOR` while being more than
/// `max_expansion_ratio` times the compressed bytes consumed so far: checking as it goes stops a bomb
/// at the floor instead of at ratio × its size.
fn gunzip_bounded(raw: &[u8], limits: &Limits) -> Gunzipped {
    // CloudTrail and most exports compress about tenfold: start there, capped so a small bomb
    // does not reserve much.
    let mut out = Vec::with_capacity(raw.len().saturating_mul(12).min(RATIO_FLOOR as usize));
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
            if len > limits.max_member_bytes
                || (len > RATIO_FLOOR && len > consumed.saturating_mul(limits.max_expansion_ratio))
            {
                return Gunzipped::Refused;
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
        let inputs = collect(&[dir.path().to_path_buf()], &Limits::default());
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

    #[test]
    fn unreadable_root_is_an_error() {
        let mut sink = |_i: Input| {};
        let err = discover(&[PathBuf::from("/nonexistent/evidence")], &Limits::default(), &mut sink).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/evidence"));
    }
}
