//! The embedded typeface: glyph lookup and advance widths for measuring text, and subsetting the
//! font program to the characters a report actually uses (printpdf without its layout engine
//! embeds whole fonts, ~1.4 MB for the two faces; a subset is a few tens of KB).

use std::collections::{BTreeMap, BTreeSet};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile};
use allsorts::tables::cmap::Cmap;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable};
use allsorts::tag;

use super::RenderError;

const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Drawn in place of a character the font has no glyph for, so text never silently loses a letter.
const REPLACEMENT: char = '?';

/// Latin-1 and Latin Extended-A/B get a direct table: nearly every character of a report is there.
const FAST_RANGE: usize = 0x250;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum FontKind {
    Regular,
    Bold,
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

    /// Advance of `c` at `size` points; a missing glyph measures as its replacement.
    pub(super) fn advance(&self, c: char, size: f32) -> f32 {
        let units = self.lookup(c).or_else(|| self.lookup(REPLACEMENT)).map_or(0, |(_, a)| a);
        f32::from(units) * size / self.units_per_em
    }

    pub(super) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c, size)).sum()
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

/// The report's two faces.
pub(super) struct Fonts {
    pub(super) regular: Face,
    pub(super) bold: Face,
}

impl Fonts {
    pub(super) fn load() -> Result<Fonts, RenderError> {
        Ok(Fonts { regular: Face::parse("DejaVuSans", REGULAR_TTF)?, bold: Face::parse("DejaVuSans-Bold", BOLD_TTF)? })
    }

    pub(super) fn face(&self, kind: FontKind) -> &Face {
        match kind {
            FontKind::Regular => &self.regular,
            FontKind::Bold => &self.bold,
        }
    }

    pub(super) fn width(&self, kind: FontKind, text: &str, size: f32) -> f32 {
        self.face(kind).width(text, size)
    }

    /// `text` made drawable: control characters become spaces (tabs and line ends are the caller's
    /// business before this), characters the face lacks become `?`.
    pub(super) fn clean(&self, kind: FontKind, text: &str) -> String {
        let face = self.face(kind);
        text.chars()
            .map(|c| {
                if c.is_control() {
                    ' '
                } else if face.has(c) {
                    c
                } else {
                    REPLACEMENT
                }
            })
            .collect()
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
    fn clean_replaces_what_the_font_cannot_draw() {
        let fonts = Fonts::load().unwrap();
        assert_eq!(fonts.clean(FontKind::Regular, "a\tb\u{0}c"), "a b c");
        // DejaVu Sans has no CJK ideographs.
        assert_eq!(fonts.clean(FontKind::Regular, "ok 中文"), "ok ??");
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
