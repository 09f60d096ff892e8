//! A zip reader of our own, for what discovery must know that the zip crate hides: every entry of
//! the central directory (the crate keys members by name, so of two members sharing a name only the
//! last is reachable), and where each member's bytes lie in the file, so that members whose stored
//! data overlaps another's (one deflate stream listed a thousand times: a small file that expands
//! without bound) are refused before anything is decompressed.
//!
//! It reads the end record (zip64 too), the central directory and each local header, and opens
//! stored and deflated members; anything else is an entry with a reason. Offsets and sizes come from
//! the file, so every one is checked against the file's length before it is used.

use std::io::{self, BufReader, Read, Seek, SeekFrom};

/// A zip's end-of-central-directory record is 22 bytes plus a comment of at most 65535.
const EOCD_LEN: u64 = 22;
const MAX_COMMENT: u64 = 0xFFFF;
const LOCAL_HEADER_LEN: u64 = 30;
const CENTRAL_HEADER_LEN: usize = 46;

const FLAG_ENCRYPTED: u16 = 1;
const FLAG_UTF8: u16 = 1 << 11;
const METHOD_STORED: u16 = 0;
const METHOD_DEFLATED: u16 = 8;

#[derive(Debug, thiserror::Error)]
pub(crate) enum ZipError {
    #[error("{0}")]
    Format(String),
    #[error("{0}")]
    Io(#[from] io::Error),
}

fn format_error(message: impl Into<String>) -> ZipError {
    ZipError::Format(message.into())
}

/// One central-directory entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Position in the central directory (0-based).
    pub index: usize,
    pub name: String,
    pub flags: u16,
    pub method: u16,
    pub crc32: u32,
    pub compressed_size: u64,
    pub size: u64,
    /// Where the member's stored bytes lie (`start..end`), read from its local header; or why they
    /// cannot be found.
    pub data: Result<(u64, u64), String>,
    /// Another entry (by central-directory index) whose local header or data shares bytes with this
    /// one's, if any.
    pub overlaps: Option<usize>,
    header_offset: u64,
}

impl Entry {
    /// A folder entry as archivers write them: a name ending in `/` and nothing in it (two bytes
    /// are an empty deflate stream, and too few to encode even one byte).
    pub(crate) fn is_plain_folder(&self) -> bool {
        self.name.ends_with('/') && self.size == 0 && self.compressed_size <= 2
    }
}

/// Reads the central directory and every local header. An error means the archive as a whole
/// cannot be read; a member's own damage is in its entry.
pub(crate) fn read_index<R: Read + Seek>(reader: &mut R) -> Result<Vec<Entry>, ZipError> {
    let len = reader.seek(SeekFrom::End(0))?;
    let tail_len = len.min(EOCD_LEN + MAX_COMMENT);
    reader.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0u8; tail_len as usize];
    reader.read_exact(&mut tail)?;
    let at = find_eocd(&tail).ok_or_else(|| format_error("no end of central directory record"))?;
    let eocd_pos = len - tail_len + at as u64;
    let eocd = &tail[at..];
    let disk = u16le(eocd, 4);
    let cd_disk = u16le(eocd, 6);
    if disk != 0 || cd_disk != 0 {
        return Err(format_error("a multi-disk (split) archive: not supported"));
    }
    let mut count = u64::from(u16le(eocd, 10));
    let mut cd_size = u64::from(u32le(eocd, 12));
    let mut cd_offset = u64::from(u32le(eocd, 16));
    // Where the central directory must end: the end record, or the zip64 end record before it.
    let mut cd_end = eocd_pos;
    if let Some(zip64) = read_zip64_end(reader, eocd_pos)? {
        (count, cd_size, cd_offset, cd_end) = zip64;
    }
    let declared_end = cd_offset.checked_add(cd_size).filter(|&end| end <= cd_end).ok_or_else(|| {
        format_error(format!(
            "the central directory ({cd_size} bytes at offset {cd_offset}) lies past its end record at byte {cd_end}"
        ))
    })?;
    // Bytes before the archive proper (a self-extractor's stub) shift every offset by as much.
    let shift = cd_end - declared_end;
    let cd_start = cd_offset + shift;
    if count > cd_size / CENTRAL_HEADER_LEN as u64 {
        return Err(format_error(format!(
            "the end record declares {count} members, more than its {cd_size}-byte central directory can hold"
        )));
    }
    reader.seek(SeekFrom::Start(cd_start))?;
    let mut cd = vec![0u8; cd_size as usize];
    reader.read_exact(&mut cd)?;

    let mut entries = Vec::with_capacity(count as usize);
    let mut pos = 0usize;
    for index in 0..count as usize {
        let (entry, next) = parse_central(&cd, pos, index, shift)
            .ok_or_else(|| format_error(format!("central directory entry {} of {count} is damaged", index + 1)))?;
        entries.push(entry);
        pos = next;
    }
    let mut reader = BufReader::new(reader);
    for entry in &mut entries {
        entry.data = locate_data(&mut reader, entry, cd_start);
    }
    mark_overlaps(&mut entries);
    Ok(entries)
}

/// The last end record whose comment fits in what follows it.
fn find_eocd(tail: &[u8]) -> Option<usize> {
    let last = tail.len().checked_sub(EOCD_LEN as usize)?;
    (0..=last).rev().find(|&i| {
        tail[i..].starts_with(b"PK\x05\x06") && i + EOCD_LEN as usize + usize::from(u16le(tail, i + 20)) <= tail.len()
    })
}

/// `(count, cd_size, cd_offset, record position)` from a zip64 end record, if the locator before the
/// end record points at one.
fn read_zip64_end<R: Read + Seek>(reader: &mut R, eocd_pos: u64) -> Result<Option<(u64, u64, u64, u64)>, ZipError> {
    let Some(locator_pos) = eocd_pos.checked_sub(20) else { return Ok(None) };
    reader.seek(SeekFrom::Start(locator_pos))?;
    let mut locator = [0u8; 20];
    reader.read_exact(&mut locator)?;
    if !locator.starts_with(b"PK\x06\x07") {
        return Ok(None);
    }
    let record_pos = u64le(&locator, 8);
    if record_pos.checked_add(56).is_none_or(|end| end > locator_pos) {
        return Err(format_error(format!("the zip64 end record offset {record_pos} is outside the file")));
    }
    reader.seek(SeekFrom::Start(record_pos))?;
    let mut record = [0u8; 56];
    reader.read_exact(&mut record)?;
    if !record.starts_with(b"PK\x06\x06") {
        return Err(format_error(format!("no zip64 end record at offset {record_pos}")));
    }
    if u32le(&record, 16) != 0 || u32le(&record, 20) != 0 {
        return Err(format_error("a multi-disk (split) archive: not supported"));
    }
    Ok(Some((u64le(&record, 32), u64le(&record, 40), u64le(&record, 48), record_pos)))
}

fn parse_central(cd: &[u8], pos: usize, index: usize, shift: u64) -> Option<(Entry, usize)> {
    let header = cd.get(pos..pos.checked_add(CENTRAL_HEADER_LEN)?)?;
    if !header.starts_with(b"PK\x01\x02") {
        return None;
    }
    let flags = u16le(header, 8);
    let method = u16le(header, 10);
    let crc32 = u32le(header, 16);
    let mut compressed_size = u64::from(u32le(header, 20));
    let mut size = u64::from(u32le(header, 24));
    let (name_len, extra_len, comment_len) =
        (usize::from(u16le(header, 28)), usize::from(u16le(header, 30)), usize::from(u16le(header, 32)));
    let mut header_offset = u64::from(u32le(header, 42));
    let name_start = pos + CENTRAL_HEADER_LEN;
    let raw_name = cd.get(name_start..name_start + name_len)?;
    let extra = cd.get(name_start + name_len..name_start + name_len + extra_len)?;
    let next = name_start + name_len + extra_len + comment_len;
    if next > cd.len() {
        return None;
    }
    let mut name = decode_name(raw_name, flags);
    let mut rest = extra;
    while rest.len() >= 4 {
        let (id, len) = (u16le(rest, 0), usize::from(u16le(rest, 2)));
        let Some(field) = rest.get(4..4 + len) else { break };
        match id {
            // Zip64: the 64-bit values of the fields that hold 0xFFFFFFFF, in this order.
            0x0001 => {
                let mut values = field.chunks_exact(8).map(|c| u64le(c, 0));
                for slot in [&mut size, &mut compressed_size, &mut header_offset] {
                    if *slot == 0xFFFF_FFFF {
                        *slot = values.next()?;
                    }
                }
            }
            // Info-ZIP Unicode path: the UTF-8 name, valid while the CRC of the stored name matches.
            0x7075 if field.len() > 5 && field[0] == 1 => {
                let mut crc = flate2::Crc::new();
                crc.update(raw_name);
                if crc.sum() == u32le(field, 1) {
                    name = String::from_utf8_lossy(&field[5..]).into_owned();
                }
            }
            _ => {}
        }
        rest = &rest[4 + len..];
    }
    let header_offset = header_offset.checked_add(shift)?;
    let entry = Entry {
        index,
        name,
        flags,
        method,
        crc32,
        compressed_size,
        size,
        data: Err(String::new()),
        overlaps: None,
        header_offset,
    };
    Some((entry, next))
}

fn locate_data<R: Read + Seek>(reader: &mut R, entry: &Entry, cd_start: u64) -> Result<(u64, u64), String> {
    let offset = entry.header_offset;
    if offset.checked_add(LOCAL_HEADER_LEN).is_none_or(|end| end > cd_start) {
        return Err(format!("its local header offset {offset} is not before the central directory"));
    }
    let mut header = [0u8; LOCAL_HEADER_LEN as usize];
    reader.seek(SeekFrom::Start(offset)).and_then(|_| reader.read_exact(&mut header)).map_err(|e| e.to_string())?;
    if !header.starts_with(b"PK\x03\x04") {
        return Err(format!("no local header at offset {offset}"));
    }
    let start = offset + LOCAL_HEADER_LEN + u64::from(u16le(&header, 26)) + u64::from(u16le(&header, 28));
    match start.checked_add(entry.compressed_size) {
        Some(end) if end <= cd_start => Ok((start, end)),
        _ => Err(format!(
            "its {} stored bytes from offset {start} run past the start of the central directory",
            entry.compressed_size
        )),
    }
}

/// Marks every entry whose extent (local header to end of data) shares a byte with another's.
/// Sorted by start, an extent overlaps one before it when it starts before the furthest end so far,
/// and one after it when the next start is before its end.
fn mark_overlaps(entries: &mut [Entry]) {
    let mut spans: Vec<(u64, u64, usize)> =
        entries.iter().filter_map(|e| e.data.as_ref().ok().map(|&(_, end)| (e.header_offset, end, e.index))).collect();
    spans.sort_unstable();
    let mut furthest: Option<(u64, usize)> = None;
    for i in 0..spans.len() {
        let (start, end, index) = spans[i];
        if let Some((_, far_index)) = furthest.filter(|&(far_end, _)| far_end > start) {
            entries[index].overlaps.get_or_insert(far_index);
            entries[far_index].overlaps.get_or_insert(index);
        }
        if let Some(&(_, _, next_index)) = spans.get(i + 1).filter(|next| next.0 < end) {
            entries[index].overlaps.get_or_insert(next_index);
        }
        if furthest.is_none_or(|(far_end, _)| end > far_end) {
            furthest = Some((end, index));
        }
    }
}

/// A member's decompressed bytes as a reader, or why they cannot be read. Reads stop where the
/// stored data ends, whatever the compressed stream claims.
pub(crate) fn open<'r, R: Read + Seek>(reader: &'r mut R, entry: &Entry) -> Result<Box<dyn Read + 'r>, String> {
    let stored = open_raw(reader, entry)?;
    if entry.flags & FLAG_ENCRYPTED != 0 {
        return Err("the member is encrypted: not read".into());
    }
    match entry.method {
        METHOD_STORED => Ok(Box::new(stored)),
        METHOD_DEFLATED => Ok(Box::new(flate2::bufread::DeflateDecoder::new(BufReader::new(stored)))),
        other => Err(format!("compression method {other} is not supported (stored and deflate are)")),
    }
}

/// A member's stored (compressed) bytes.
pub(crate) fn open_raw<'r, R: Read + Seek>(reader: &'r mut R, entry: &Entry) -> Result<io::Take<&'r mut R>, String> {
    let (start, end) = entry.data.clone()?;
    reader.seek(SeekFrom::Start(start)).map_err(|e| e.to_string())?;
    Ok(reader.take(end - start))
}

/// UTF-8 when the entry says so (or is plain ASCII), else the IBM PC code page the zip format
/// names as the default.
fn decode_name(raw: &[u8], flags: u16) -> String {
    if flags & FLAG_UTF8 != 0 || raw.is_ascii() {
        return String::from_utf8_lossy(raw).into_owned();
    }
    raw.iter().map(|&b| if b < 0x80 { char::from(b) } else { CP437_HIGH[usize::from(b - 0x80)] }).collect()
}

/// Code page 437, bytes 0x80 to 0xFF.
const CP437_HIGH: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', 'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û',
    'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', 'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡',
    '«', '»', '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', '└', '┴', '┬', '├', '─',
    '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█',
    '▄', '▌', '▐', '▀', 'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', '≡', '±', '≥',
    '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{a0}',
];

fn u16le(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64le(b: &[u8], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(bytes)
}
