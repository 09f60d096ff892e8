//! The embedded typefaces: glyph lookup and advance widths for measuring text, the fallback from one
//! face to the next per character, and subsetting each font program to the characters a report
//! actually uses (printpdf without its layout engine embeds whole fonts, ~1.4 MB for the two DejaVu
//! faces and 3.4 MB for the CJK one; a subset is a few tens of KB).
//!
//! A character is drawn with the requested DejaVu face if it has a glyph, else with Droid Sans
//! Fallback (CJK ideographs, kana, Hangul), else as a visible `[U+XXXX]` placeholder: never as a
//! `?` that would make two different names look the same. `assets/fonts/SOURCES.md` says where the
//! files come from.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use allsorts::tables::cmap::Cmap;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable};
use allsorts::tag;

use super::RenderError;
use super::script;

const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
/// Stored gzipped (`gzip -9n`): 1.65 MB in the binary instead of 3.45 MB. Inflated on first use only,
/// so a report without CJK text costs nothing more.
const CJK_TTF_GZ: &[u8] = include_bytes!("../../../assets/fonts/DroidSansFallback.ttf.gz");
pub(super) const CJK_NAME: &str = "DroidSansFallback";

/// Latin-1 and Latin Extended-A/B get a direct table: nearly every character of a report is there.
const FAST_RANGE: usize = 0x250;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum FontKind {
    Regular,
    Bold,
    /// The fallback face for what DejaVu lacks. It has one weight: bold CJK text is drawn regular.
    Cjk,
}

/// Room either side of a placeholder's text, in ems, for the frame drawn around it.
pub(super) const PLACEHOLDER_PAD: f32 = 0.2;

/// The text a character no face can draw is shown as: its code point, so that two names differing
/// only in such characters still read differently.
pub(super) fn placeholder(c: char) -> String {
    format!("[U+{:04X}]", u32::from(c))
}

/// Format characters (Unicode category Cf) that draw nothing but change identity or direction:
/// soft hyphen, zero-width spaces and joiners, direction controls, word joiner and invisible
/// operators, the BOM, interlinear annotation, tag characters.
fn invisible_format(c: char) -> bool {
    script::is_bidi_control(c)
        || matches!(c, '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// One face's metrics, in font units.
pub(super) struct Face {
    bytes: &'static [u8],
    units_per_em: f32,
    /// (glyph id, advance) for chars below `FAST_RANGE`; glyph 0 means "not in the font".
    fast: Vec<(u16, u16)>,
    other: BTreeMap<u32, (u16, u16)>,
}

impl Face {
    fn parse(name: &'static str, bytes: &'static [u8]) -> Result<Face, RenderError> {
        let err = |what: &str| RenderError::Font { font: name, reason: what.to_string() };
        let file = ReadScope::new(bytes).read::<FontData<'_>>().map_err(|e| err(&e.to_string()))?;
        let provider = file.table_provider(0).map_err(|e| err(&e.to_string()))?;
        let table = |t: u32| provider.read_table_data(t).map_err(|e| err(&e.to_string()));
        let head_data = table(tag::HEAD)?;
        let head = ReadScope::new(&head_data).read::<HeadTable>().map_err(|e| err(&e.to_string()))?;
        let maxp_data = table(tag::MAXP)?;
        let maxp = ReadScope::new(&maxp_data).read::<MaxpTable>().map_err(|e| err(&e.to_string()))?;
        let hhea_data = table(tag::HHEA)?;
        let hhea = ReadScope::new(&hhea_data).read::<HheaTable>().map_err(|e| err(&e.to_string()))?;
        let hmtx_data = table(tag::HMTX)?;
        let hmtx = ReadScope::new(&hmtx_data)
            .read_dep::<HmtxTable<'_>>((usize::from(maxp.num_glyphs), usize::from(hhea.num_h_metrics)))
            .map_err(|e| err(&e.to_string()))?;
        let cmap_data = table(tag::CMAP)?;
        let cmap = ReadScope::new(&cmap_data).read::<Cmap<'_>>().map_err(|e| err(&e.to_string()))?;
        let (_, subtable) = allsorts::font::read_cmap_subtable(&cmap)
            .map_err(|e| err(&e.to_string()))?
            .ok_or_else(|| err("no Unicode cmap subtable"))?;

        let mut fast = vec![(0u16, 0u16); FAST_RANGE];
        let mut other = BTreeMap::new();
        subtable
            .mappings_fn(|cp, gid| {
                let advance = hmtx.horizontal_advance(gid).unwrap_or(0);
                match fast.get_mut(cp as usize) {
                    Some(slot) => *slot = (gid, advance),
                    None => {
                        other.insert(cp, (gid, advance));
                    }
                }
            })
            .map_err(|e| err(&e.to_string()))?;
        if head.units_per_em == 0 {
            return Err(err("units per em is 0"));
        }
        Ok(Face { bytes, units_per_em: f32::from(head.units_per_em), fast, other })
    }

    fn lookup(&self, c: char) -> Option<(u16, u16)> {
        let found = match self.fast.get(c as usize) {
            Some(&slot) => slot,
            None => self.other.get(&(c as u32)).copied()?,
        };
        (found.0 != 0).then_some(found)
    }

    pub(super) fn has(&self, c: char) -> bool {
        self.lookup(c).is_some()
    }

    /// Advance of `c` at `size` points in this face; 0 for a character it lacks.
    fn advance(&self, c: char, size: f32) -> f32 {
        let units = self.lookup(c).map_or(0, |(_, a)| a);
        f32::from(units) * size / self.units_per_em
    }

    /// A font program holding only the glyphs for `chars` (plus .notdef), with a Unicode cmap, so
    /// the PDF's text maps back to characters and a report carries kilobytes of font, not megabytes.
    pub(super) fn subset(&self, name: &'static str, chars: &BTreeSet<char>) -> Result<Vec<u8>, RenderError> {
        let err = |what: String| RenderError::Font { font: name, reason: what };
        let file = ReadScope::new(self.bytes).read::<FontData<'_>>().map_err(|e| err(e.to_string()))?;
        let provider = file.table_provider(0).map_err(|e| err(e.to_string()))?;
        // allsorts requires .notdef first and no duplicates.
        let gids: BTreeSet<u16> = chars.iter().filter_map(|&c| self.lookup(c)).map(|(gid, _)| gid).collect();
        let ids: Vec<u16> = std::iter::once(0).chain(gids.into_iter().filter(|&g| g != 0)).collect();
        allsorts::subset::subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
            .map_err(|e| err(e.to_string()))
    }
}

/// The CJK face, inflated and parsed once per process on first use. `None` only if the embedded
/// asset is damaged (a unit test holds it loadable): its characters then show as placeholders.
fn cjk_face() -> Option<&'static Face> {
    static BYTES: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    static FACE: OnceLock<Option<Face>> = OnceLock::new();
    FACE.get_or_init(|| {
        let bytes = BYTES
            .get_or_init(|| {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(CJK_TTF_GZ).read_to_end(&mut out).ok().map(|_| out)
            })
            .as_deref()?;
        Face::parse(CJK_NAME, bytes).ok()
    })
    .as_ref()
}

/// A piece of one line drawn with one face, or one placeholder.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Run {
    /// The face that draws it (for a placeholder: the requested face, which has `[U+0-9A-F]`).
    pub(super) kind: FontKind,
    pub(super) text: String,
    pub(super) placeholder: bool,
}

/// The report's faces.
pub(super) struct Fonts {
    pub(super) regular: Face,
    pub(super) bold: Face,
}

impl Fonts {
    pub(super) fn load() -> Result<Fonts, RenderError> {
        Ok(Fonts { regular: Face::parse("DejaVuSans", REGULAR_TTF)?, bold: Face::parse("DejaVuSans-Bold", BOLD_TTF)? })
    }

    /// The face of `kind`; `None` for the CJK face only if it cannot be loaded.
    pub(super) fn face(&self, kind: FontKind) -> Option<&Face> {
        match kind {
            FontKind::Regular => Some(&self.regular),
            FontKind::Bold => Some(&self.bold),
            FontKind::Cjk => cjk_face(),
        }
    }

    /// The face that draws `c` when `kind` is asked for: `kind` itself, else the CJK face, else
    /// none (a placeholder). Invisible format characters are always placeholders: drawn as the
    /// nothing their glyph is, they would make "admin" and "adm\u{200B}in" look alike.
    pub(super) fn drawn_by(&self, kind: FontKind, c: char) -> Option<FontKind> {
        if invisible_format(c) {
            return None;
        }
        if self.face(kind).is_some_and(|f| f.has(c)) {
            return Some(kind);
        }
        (kind != FontKind::Cjk && cjk_face().is_some_and(|f| f.has(c))).then_some(FontKind::Cjk)
    }

    /// Advance of `c` at `size` points as drawn: by the face that has it, or as its placeholder.
    pub(super) fn advance(&self, kind: FontKind, c: char, size: f32) -> f32 {
        match self.drawn_by(kind, c) {
            Some(k) => self.face(k).map_or(0.0, |f| f.advance(c, size)),
            None => {
                let base = if kind == FontKind::Cjk { FontKind::Regular } else { kind };
                let text: f32 =
                    placeholder(c).chars().map(|p| self.face(base).map_or(0.0, |f| f.advance(p, size))).sum();
                text + 2.0 * PLACEHOLDER_PAD * size
            }
        }
    }

    pub(super) fn width(&self, kind: FontKind, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(kind, c, size)).sum()
    }

    /// `text` split into runs of one face each, every character no face has as a placeholder run
    /// of its own. The runs' widths add up to [`Fonts::width`] of `text` once each placeholder has
    /// its [`PLACEHOLDER_PAD`] either side.
    pub(super) fn runs(&self, kind: FontKind, text: &str) -> Vec<Run> {
        let mut runs: Vec<Run> = Vec::new();
        for c in text.chars() {
            match self.drawn_by(kind, c) {
                Some(k) => match runs.last_mut() {
                    Some(run) if run.kind == k && !run.placeholder => run.text.push(c),
                    _ => runs.push(Run { kind: k, text: c.to_string(), placeholder: false }),
                },
                None => {
                    let base = if kind == FontKind::Cjk { FontKind::Regular } else { kind };
                    runs.push(Run { kind: base, text: placeholder(c), placeholder: true });
                }
            }
        }
        runs
    }

    /// `text` made drawable, in logical order: control characters become spaces (tabs and line
    /// ends are the caller's business before this) and Arabic letters take their joined forms
    /// where the face has them. Characters no face has are kept: they are measured and drawn as
    /// placeholders. Applying it twice changes nothing.
    pub(super) fn clean(&self, kind: FontKind, text: &str) -> String {
        let spaced: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        script::shape_arabic(&spaced, |c| self.drawn_by(kind, c).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dejavu_covers_the_accented_names_a_report_prints() {
        let fonts = Fonts::load().unwrap();
        for c in "José Müller Zoë Ørsted Straße ▏█░–—…".chars() {
            assert!(fonts.regular.has(c), "regular lacks {c:?}");
            assert!(fonts.bold.has(c), "bold lacks {c:?}");
        }
    }

    #[test]
    fn widths_follow_the_glyphs_not_the_character_count() {
        let fonts = Fonts::load().unwrap();
        let narrow = fonts.width(FontKind::Regular, "iiiiiiiiii", 10.0);
        let wide = fonts.width(FontKind::Regular, "WWWWWWWWWW", 10.0);
        assert!(wide > 2.0 * narrow, "W ({wide}) should be far wider than i ({narrow})");
        // DejaVu Sans's space advance is 651 of 2048 units.
        let space = fonts.width(FontKind::Regular, " ", 2048.0);
        assert!((space - 651.0).abs() < 0.01, "space advance {space}");
        assert!(fonts.width(FontKind::Bold, "Total", 10.0) > fonts.width(FontKind::Regular, "Total", 10.0));
    }

    #[test]
    fn clean_spaces_control_characters_and_keeps_what_no_face_has() {
        let fonts = Fonts::load().unwrap();
        assert_eq!(fonts.clean(FontKind::Regular, "a\tb\u{0}c"), "a b c");
        // Kept, to be drawn by the fallback face or as a placeholder: never turned into `?`.
        assert_eq!(fonts.clean(FontKind::Regular, "ok 中文 \u{1F600}"), "ok 中文 \u{1F600}");
    }

    #[test]
    fn cjk_names_are_drawn_with_the_fallback_face_not_as_question_marks() {
        let fonts = Fonts::load().unwrap();
        for kind in [FontKind::Regular, FontKind::Bold] {
            let runs = fonts.runs(kind, "user 田中太郎 김민준 さくら");
            let kinds: Vec<(FontKind, &str)> = runs.iter().map(|r| (r.kind, r.text.as_str())).collect();
            assert_eq!(
                kinds,
                [
                    (kind, "user "),
                    (FontKind::Cjk, "田中太郎"),
                    (kind, " "),
                    (FontKind::Cjk, "김민준"),
                    (kind, " "),
                    (FontKind::Cjk, "さくら")
                ]
            );
            assert!(runs.iter().all(|r| !r.placeholder));
        }
        // Ideographs are about one em wide, not zero.
        let w = fonts.width(FontKind::Regular, "田中", 10.0);
        assert!((15.0..=22.0).contains(&w), "two ideographs at 10 pt measure {w}");
    }

    #[test]
    fn a_character_no_face_has_becomes_a_code_point_placeholder() {
        let fonts = Fonts::load().unwrap();
        let runs = fonts.runs(FontKind::Regular, "a\u{1F680}\u{1F980}b");
        let texts: Vec<(&str, bool)> = runs.iter().map(|r| (r.text.as_str(), r.placeholder)).collect();
        assert_eq!(texts, [("a", false), ("[U+1F680]", true), ("[U+1F980]", true), ("b", false)]);
        // Measured as the placeholder it is drawn as, so wrapping and alignment stay right.
        let pads = 2.0 * 2.0 * PLACEHOLDER_PAD * 10.0;
        let drawn: f32 = runs.iter().map(|r| fonts.width(r.kind, &r.text, 10.0)).sum::<f32>() + pads;
        let measured = fonts.width(FontKind::Regular, "a\u{1F680}\u{1F980}b", 10.0);
        assert!((drawn - measured).abs() < 0.001, "drawn {drawn} measured {measured}");
        assert_eq!(placeholder('\u{7}'), "[U+0007]");
    }

    #[test]
    fn invisible_characters_in_a_name_are_shown_as_placeholders() {
        let fonts = Fonts::load().unwrap();
        let runs = fonts.runs(FontKind::Regular, "adm\u{200B}in \u{202E}nimda");
        let texts: Vec<(&str, bool)> = runs.iter().map(|r| (r.text.as_str(), r.placeholder)).collect();
        assert_eq!(texts, [("adm", false), ("[U+200B]", true), ("in ", false), ("[U+202E]", true), ("nimda", false)]);
    }

    #[test]
    fn dejavu_has_the_hebrew_letters_and_arabic_forms_shaping_uses() {
        let fonts = Fonts::load().unwrap();
        for c in "אבגדהוזחטיכלמנסעפצקרשת\u{0645}\u{FEE3}\u{FEA4}\u{FEAA}\u{FEFB}\u{FEFC}".chars()
        {
            assert_eq!(fonts.drawn_by(FontKind::Regular, c), Some(FontKind::Regular), "regular lacks {c:?}");
        }
    }

    #[test]
    fn the_cjk_subset_is_small() {
        let fonts = Fonts::load().unwrap();
        let chars: BTreeSet<char> = "田中太郎次郎김민준".chars().collect();
        let face = fonts.face(FontKind::Cjk).expect("the embedded CJK face loads");
        let bytes = face.subset(CJK_NAME, &chars).unwrap();
        assert!(bytes.len() < 40_000, "subset is {} bytes", bytes.len());
    }

    #[test]
    fn a_subset_is_small_and_still_maps_its_characters() {
        let fonts = Fonts::load().unwrap();
        let chars: BTreeSet<char> = "José Müller".chars().collect();
        let bytes = fonts.regular.subset("DejaVuSans", &chars).unwrap();
        assert!(bytes.len() < REGULAR_TTF.len() / 10, "subset is {} bytes", bytes.len());
        let file = ReadScope::new(&bytes).read::<FontData<'_>>().unwrap();
        let provider = file.table_provider(0).unwrap();
        let cmap_data = provider.read_table_data(tag::CMAP).unwrap();
        let cmap = ReadScope::new(&cmap_data).read::<Cmap<'_>>().unwrap();
        let (_, sub) = allsorts::font::read_cmap_subtable(&cmap).unwrap().unwrap();
        let mut mapped = BTreeSet::new();
        sub.mappings_fn(|cp, _| {
            mapped.insert(cp);
        })
        .unwrap();
        for c in &chars {
            assert!(mapped.contains(&(*c as u32)), "subset cmap lacks {c:?}");
        }
    }
}
