//! Right-to-left text for a PDF writer that places characters left to right: Arabic letters turned
//! into their joined (isolated, initial, medial, final) presentation forms and the lam-alef
//! ligatures, in logical order, before measuring; and each drawn line put into visual order by the
//! Unicode bidirectional algorithm (`unicode-bidi`), in a left-to-right paragraph, the report's own
//! direction.
//!
//! Presentation forms are what DejaVu Sans maps (Arabic Presentation Forms-A/B), so this needs no
//! glyph-level shaping engine; it does not position marks (harakat sit where the font puts them)
//! nor mirror brackets inside right-to-left runs.

use unicode_bidi::{BidiInfo, Level};

const LAM: char = '\u{0644}';
const TATWEEL: char = '\u{0640}';
const ZWJ: char = '\u{200D}';

/// (letter, isolated, final, initial, medial) presentation forms; `'\0'` where the letter has no such
/// form (it joins only to the letter before it). Generated from UnicodeData.txt's <isolated>, <final>,
/// <initial> and <medial> decompositions of U+FB50..U+FEFF.
const FORMS: &[(char, char, char, char, char)] = &[
    ('\u{0622}', '\u{FE81}', '\u{FE82}', '\0', '\0'), // alef with madda above
    ('\u{0623}', '\u{FE83}', '\u{FE84}', '\0', '\0'), // alef with hamza above
    ('\u{0624}', '\u{FE85}', '\u{FE86}', '\0', '\0'), // waw with hamza above
    ('\u{0625}', '\u{FE87}', '\u{FE88}', '\0', '\0'), // alef with hamza below
    ('\u{0626}', '\u{FE89}', '\u{FE8A}', '\u{FE8B}', '\u{FE8C}'), // yeh with hamza above
    ('\u{0627}', '\u{FE8D}', '\u{FE8E}', '\0', '\0'), // alef
    ('\u{0628}', '\u{FE8F}', '\u{FE90}', '\u{FE91}', '\u{FE92}'), // beh
    ('\u{0629}', '\u{FE93}', '\u{FE94}', '\0', '\0'), // teh marbuta
    ('\u{062A}', '\u{FE95}', '\u{FE96}', '\u{FE97}', '\u{FE98}'), // teh
    ('\u{062B}', '\u{FE99}', '\u{FE9A}', '\u{FE9B}', '\u{FE9C}'), // theh
    ('\u{062C}', '\u{FE9D}', '\u{FE9E}', '\u{FE9F}', '\u{FEA0}'), // jeem
    ('\u{062D}', '\u{FEA1}', '\u{FEA2}', '\u{FEA3}', '\u{FEA4}'), // hah
    ('\u{062E}', '\u{FEA5}', '\u{FEA6}', '\u{FEA7}', '\u{FEA8}'), // khah
    ('\u{062F}', '\u{FEA9}', '\u{FEAA}', '\0', '\0'), // dal
    ('\u{0630}', '\u{FEAB}', '\u{FEAC}', '\0', '\0'), // thal
    ('\u{0631}', '\u{FEAD}', '\u{FEAE}', '\0', '\0'), // reh
    ('\u{0632}', '\u{FEAF}', '\u{FEB0}', '\0', '\0'), // zain
    ('\u{0633}', '\u{FEB1}', '\u{FEB2}', '\u{FEB3}', '\u{FEB4}'), // seen
    ('\u{0634}', '\u{FEB5}', '\u{FEB6}', '\u{FEB7}', '\u{FEB8}'), // sheen
    ('\u{0635}', '\u{FEB9}', '\u{FEBA}', '\u{FEBB}', '\u{FEBC}'), // sad
    ('\u{0636}', '\u{FEBD}', '\u{FEBE}', '\u{FEBF}', '\u{FEC0}'), // dad
    ('\u{0637}', '\u{FEC1}', '\u{FEC2}', '\u{FEC3}', '\u{FEC4}'), // tah
    ('\u{0638}', '\u{FEC5}', '\u{FEC6}', '\u{FEC7}', '\u{FEC8}'), // zah
    ('\u{0639}', '\u{FEC9}', '\u{FECA}', '\u{FECB}', '\u{FECC}'), // ain
    ('\u{063A}', '\u{FECD}', '\u{FECE}', '\u{FECF}', '\u{FED0}'), // ghain
    ('\u{0641}', '\u{FED1}', '\u{FED2}', '\u{FED3}', '\u{FED4}'), // feh
    ('\u{0642}', '\u{FED5}', '\u{FED6}', '\u{FED7}', '\u{FED8}'), // qaf
    ('\u{0643}', '\u{FED9}', '\u{FEDA}', '\u{FEDB}', '\u{FEDC}'), // kaf
    ('\u{0644}', '\u{FEDD}', '\u{FEDE}', '\u{FEDF}', '\u{FEE0}'), // lam
    ('\u{0645}', '\u{FEE1}', '\u{FEE2}', '\u{FEE3}', '\u{FEE4}'), // meem
    ('\u{0646}', '\u{FEE5}', '\u{FEE6}', '\u{FEE7}', '\u{FEE8}'), // noon
    ('\u{0647}', '\u{FEE9}', '\u{FEEA}', '\u{FEEB}', '\u{FEEC}'), // heh
    ('\u{0648}', '\u{FEED}', '\u{FEEE}', '\0', '\0'), // waw
    ('\u{0649}', '\u{FEEF}', '\u{FEF0}', '\u{FBE8}', '\u{FBE9}'), // alef maksura
    ('\u{064A}', '\u{FEF1}', '\u{FEF2}', '\u{FEF3}', '\u{FEF4}'), // yeh
    ('\u{0671}', '\u{FB50}', '\u{FB51}', '\0', '\0'), // alef wasla
    ('\u{0679}', '\u{FB66}', '\u{FB67}', '\u{FB68}', '\u{FB69}'), // tteh
    ('\u{067A}', '\u{FB5E}', '\u{FB5F}', '\u{FB60}', '\u{FB61}'), // tteheh
    ('\u{067B}', '\u{FB52}', '\u{FB53}', '\u{FB54}', '\u{FB55}'), // beeh
    ('\u{067E}', '\u{FB56}', '\u{FB57}', '\u{FB58}', '\u{FB59}'), // peh
    ('\u{067F}', '\u{FB62}', '\u{FB63}', '\u{FB64}', '\u{FB65}'), // teheh
    ('\u{0680}', '\u{FB5A}', '\u{FB5B}', '\u{FB5C}', '\u{FB5D}'), // beheh
    ('\u{0683}', '\u{FB76}', '\u{FB77}', '\u{FB78}', '\u{FB79}'), // nyeh
    ('\u{0684}', '\u{FB72}', '\u{FB73}', '\u{FB74}', '\u{FB75}'), // dyeh
    ('\u{0686}', '\u{FB7A}', '\u{FB7B}', '\u{FB7C}', '\u{FB7D}'), // tcheh
    ('\u{0687}', '\u{FB7E}', '\u{FB7F}', '\u{FB80}', '\u{FB81}'), // tcheheh
    ('\u{0688}', '\u{FB88}', '\u{FB89}', '\0', '\0'), // ddal
    ('\u{068C}', '\u{FB84}', '\u{FB85}', '\0', '\0'), // dahal
    ('\u{068D}', '\u{FB82}', '\u{FB83}', '\0', '\0'), // ddahal
    ('\u{068E}', '\u{FB86}', '\u{FB87}', '\0', '\0'), // dul
    ('\u{0691}', '\u{FB8C}', '\u{FB8D}', '\0', '\0'), // rreh
    ('\u{0698}', '\u{FB8A}', '\u{FB8B}', '\0', '\0'), // jeh
    ('\u{06A4}', '\u{FB6A}', '\u{FB6B}', '\u{FB6C}', '\u{FB6D}'), // veh
    ('\u{06A6}', '\u{FB6E}', '\u{FB6F}', '\u{FB70}', '\u{FB71}'), // peheh
    ('\u{06A9}', '\u{FB8E}', '\u{FB8F}', '\u{FB90}', '\u{FB91}'), // keheh
    ('\u{06AD}', '\u{FBD3}', '\u{FBD4}', '\u{FBD5}', '\u{FBD6}'), // ng
    ('\u{06AF}', '\u{FB92}', '\u{FB93}', '\u{FB94}', '\u{FB95}'), // gaf
    ('\u{06B1}', '\u{FB9A}', '\u{FB9B}', '\u{FB9C}', '\u{FB9D}'), // ngoeh
    ('\u{06B3}', '\u{FB96}', '\u{FB97}', '\u{FB98}', '\u{FB99}'), // gueh
    ('\u{06BA}', '\u{FB9E}', '\u{FB9F}', '\0', '\0'), // noon ghunna
    ('\u{06BB}', '\u{FBA0}', '\u{FBA1}', '\u{FBA2}', '\u{FBA3}'), // rnoon
    ('\u{06BE}', '\u{FBAA}', '\u{FBAB}', '\u{FBAC}', '\u{FBAD}'), // heh doachashmee
    ('\u{06C0}', '\u{FBA4}', '\u{FBA5}', '\0', '\0'), // heh with yeh above
    ('\u{06C1}', '\u{FBA6}', '\u{FBA7}', '\u{FBA8}', '\u{FBA9}'), // heh goal
    ('\u{06C5}', '\u{FBE0}', '\u{FBE1}', '\0', '\0'), // kirghiz oe
    ('\u{06C6}', '\u{FBD9}', '\u{FBDA}', '\0', '\0'), // oe
    ('\u{06C7}', '\u{FBD7}', '\u{FBD8}', '\0', '\0'), // u
    ('\u{06C8}', '\u{FBDB}', '\u{FBDC}', '\0', '\0'), // yu
    ('\u{06C9}', '\u{FBE2}', '\u{FBE3}', '\0', '\0'), // kirghiz yu
    ('\u{06CB}', '\u{FBDE}', '\u{FBDF}', '\0', '\0'), // ve
    ('\u{06CC}', '\u{FBFC}', '\u{FBFD}', '\u{FBFE}', '\u{FBFF}'), // farsi yeh
    ('\u{06D0}', '\u{FBE4}', '\u{FBE5}', '\u{FBE6}', '\u{FBE7}'), // e
    ('\u{06D2}', '\u{FBAE}', '\u{FBAF}', '\0', '\0'), // yeh barree
    ('\u{06D3}', '\u{FBB0}', '\u{FBB1}', '\0', '\0'), // yeh barree with hamza above
];

/// Lam followed by an alef: (alef, isolated ligature, final ligature).
const LAM_ALEF: &[(char, char, char)] = &[
    ('\u{0622}', '\u{FEF5}', '\u{FEF6}'),
    ('\u{0623}', '\u{FEF7}', '\u{FEF8}'),
    ('\u{0625}', '\u{FEF9}', '\u{FEFA}'),
    ('\u{0627}', '\u{FEFB}', '\u{FEFC}'),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Joining {
    /// Joins on both sides (has initial and medial forms).
    Dual,
    /// Joins only to the letter before it.
    Right,
    /// Tatweel and ZWJ: neighbours join to it.
    Causing,
    /// Combining marks: skipped when looking for neighbours.
    Transparent,
    None,
}

fn forms(c: char) -> Option<&'static (char, char, char, char, char)> {
    FORMS.binary_search_by(|row| row.0.cmp(&c)).ok().and_then(|i| FORMS.get(i))
}

fn joining(c: char) -> Joining {
    match c {
        TATWEEL | ZWJ => Joining::Causing,
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}' => Joining::Transparent,
        _ => match forms(c) {
            Some(&(_, _, _, initial, _)) if initial != '\0' => Joining::Dual,
            Some(_) => Joining::Right,
            None => Joining::None,
        },
    }
}

/// Whether `text` has anything for [`shape_arabic`] to do: Arabic letters, and no presentation
/// forms, which say it was shaped already (by us, before wrapping, or by whoever wrote it), so
/// shaping twice changes nothing.
fn needs_shaping(text: &str) -> bool {
    let presentation = |c: char| matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}');
    text.chars().any(|c| forms(c).is_some()) && !text.chars().any(presentation)
}

/// `text` with each Arabic letter replaced by the form its neighbours call for, and lam-alef pairs
/// by their ligature, where `drawable` says the face has the form (else the letter stays as it
/// is). Logical order is kept. Text without Arabic letters comes back unchanged.
pub(super) fn shape_arabic(text: &str, drawable: impl Fn(char) -> bool) -> String {
    if !needs_shaping(text) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let neighbour = |range: &mut dyn Iterator<Item = usize>| {
        range.map(|j| joining(chars[j])).find(|&t| t != Joining::Transparent).unwrap_or(Joining::None)
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        let Some(&(_, isolated, fin, initial, medial)) = forms(c) else {
            out.push(c);
            continue;
        };
        let before = neighbour(&mut (0..i - 1).rev());
        let joins_before = matches!(before, Joining::Dual | Joining::Causing);
        if c == LAM
            && let Some(&(_, iso_lig, fin_lig)) = chars.get(i).and_then(|&next| LAM_ALEF.iter().find(|l| l.0 == next))
        {
            let lig = if joins_before { fin_lig } else { iso_lig };
            if drawable(lig) {
                out.push(lig);
                i += 1;
                continue;
            }
        }
        let after = neighbour(&mut (i..chars.len()));
        let joins_after =
            joining(c) == Joining::Dual && matches!(after, Joining::Dual | Joining::Right | Joining::Causing);
        let form = match (joins_before, joins_after) {
            (false, false) => isolated,
            (true, false) => fin,
            (false, true) => initial,
            (true, true) => medial,
        };
        out.push(if form != '\0' && drawable(form) { form } else { c });
    }
    out
}

/// The letters a presentation form produced by [`shape_arabic`] stands for (a lam-alef ligature:
/// two), so the PDF's text maps back to what the evidence said and searching for a name finds it.
/// `None` for every other character.
pub(super) fn letters_of(c: char) -> Option<String> {
    if !matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}') {
        return None;
    }
    if let Some(&(alef, _, _)) = LAM_ALEF.iter().find(|l| l.1 == c || l.2 == c) {
        return Some([LAM, alef].iter().collect());
    }
    let &(letter, ..) = FORMS.iter().find(|f| f.0 != c && [f.1, f.2, f.3, f.4].contains(&c))?;
    Some(letter.to_string())
}

/// Whether a line needs reordering: it holds a right-to-left character (Hebrew, Arabic, Syriac,
/// Thaana, N'Ko and their presentation forms) or an explicit direction mark.
fn has_rtl(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
            | '\u{200F}' | '\u{202B}' | '\u{202E}' | '\u{2067}' | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
    })
}

/// The explicit direction controls: embeddings, overrides, isolates and marks. Evidence must not
/// steer the layout with them (a right-to-left override turns "nimda" into what reads as
/// "admin"), so [`visual`] ignores them and the fonts draw them as placeholders.
pub(super) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// One line (no line breaks) in the order its characters are placed left to right, by the
/// implicit rules only: explicit direction controls count as neutral characters. Left-to-right
/// text comes back unchanged.
pub(super) fn visual(line: &str) -> String {
    if !has_rtl(line) {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    // U+FFFC (an Other Neutral) stands in for each control, so levels are per character of `line`.
    let neutral: String = chars.iter().map(|&c| if is_bidi_control(c) { '\u{FFFC}' } else { c }).collect();
    let info = BidiInfo::new(&neutral, Some(Level::ltr()));
    let mut out = String::with_capacity(line.len());
    for para in &info.paragraphs {
        let per_char = info.reordered_levels_per_char(para, para.range.clone());
        let start = neutral[..para.range.start].chars().count();
        for i in BidiInfo::reorder_visual(&per_char) {
            if let Some(&c) = chars.get(start + i) {
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_table_is_sorted_for_binary_search() {
        assert!(FORMS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn arabic_letters_take_their_joined_forms() {
        // محمد: meem initial, hah medial, meem medial, dal final.
        let shaped = shape_arabic("\u{0645}\u{062D}\u{0645}\u{062F}", |_| true);
        assert_eq!(shaped, "\u{FEE3}\u{FEA4}\u{FEE4}\u{FEAA}");
        // A right-joining letter (dal) breaks the chain: the next letter starts afresh.
        let shaped = shape_arabic("\u{062F}\u{0628}\u{0628}", |_| true);
        assert_eq!(shaped, "\u{FEA9}\u{FE91}\u{FE90}");
        // Marks are transparent: beh + fatha + beh still join.
        let shaped = shape_arabic("\u{0628}\u{064E}\u{0628}", |_| true);
        assert_eq!(shaped, "\u{FE91}\u{064E}\u{FE90}");
    }

    #[test]
    fn lam_alef_becomes_one_ligature() {
        // سلام: seen initial, lam-alef final ligature, meem isolated.
        assert_eq!(shape_arabic("\u{0633}\u{0644}\u{0627}\u{0645}", |_| true), "\u{FEB3}\u{FEFC}\u{FEE1}");
    }

    #[test]
    fn forms_the_face_lacks_leave_the_letter_alone() {
        assert_eq!(shape_arabic("\u{0645}\u{062D}", |_| false), "\u{0645}\u{062D}");
        assert_eq!(shape_arabic("plain text", |_| true), "plain text");
    }

    #[test]
    fn presentation_forms_map_back_to_their_letters() {
        let shaped = shape_arabic("\u{0633}\u{0644}\u{0627}\u{0645}", |_| true);
        let back: String = shaped.chars().map(|c| letters_of(c).unwrap_or_else(|| c.to_string())).collect();
        assert_eq!(back, "\u{0633}\u{0644}\u{0627}\u{0645}");
        assert_eq!(letters_of('a'), None);
        assert_eq!(letters_of('\u{0645}'), None);
    }

    #[test]
    fn shaping_twice_changes_nothing() {
        let once = shape_arabic("\u{0633}\u{0644}\u{0627}\u{0645} \u{0645}\u{062D}", |_| true);
        assert_eq!(shape_arabic(&once, |_| true), once);
    }

    #[test]
    fn bidi_override_characters_cannot_reorder_a_name() {
        // RLO + "nimda" is shown as "admin" by a bidi-honouring renderer; here the control is inert.
        assert_eq!(visual("\u{202E}nimda \u{05D0}"), "\u{202E}nimda \u{05D0}");
        assert_eq!(visual("\u{05D0}\u{202E}\u{05D1}"), "\u{05D1}\u{202E}\u{05D0}");
    }

    #[test]
    fn right_to_left_runs_are_reversed_inside_left_to_right_lines() {
        assert_eq!(visual("user \u{05D0}\u{05D1}\u{05D2} ok"), "user \u{05D2}\u{05D1}\u{05D0} ok");
        // Digits inside a right-to-left run keep their own order.
        assert_eq!(visual("\u{05D0} 12 \u{05D1}"), "\u{05D1} 12 \u{05D0}");
        assert_eq!(visual("arn:aws:iam::1:user/x"), "arn:aws:iam::1:user/x");
    }
}
