//! Evidence text on its way out to places that interpret it: spreadsheet cells (a cell that starts
//! like a formula is run by Excel, LibreOffice and Sheets) and terminals (escape sequences in a file
//! name clear the screen, retitle the window or hide text; bidi overrides reorder it). JSON outputs
//! need neither: serde_json escapes control characters and keeps the exact text.

use std::borrow::Cow;
use std::fmt::Write as _;

/// What a spreadsheet takes as the start of a formula (OWASP "CSV Injection"), with the full-width
/// forms some locales' spreadsheets read the same way.
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}'];

/// A CSV cell a spreadsheet shows as text, never evaluates: a cell that starts with a formula
/// character, or has one after leading whitespace, control or invisible characters (a spreadsheet
/// trims some of them), or starts with tab, CR or LF, gets a leading `'` (OWASP's advice: the
/// spreadsheet hides it and shows the rest as text). Other cells are unchanged. For text cells
/// only: gapscope's own numeric columns are written as they are.
pub(crate) fn spreadsheet_cell(cell: &str) -> Cow<'_, str> {
    let Some(first) = cell.chars().next() else { return Cow::Borrowed(cell) };
    let rest = cell.trim_start_matches(|c: char| c.is_whitespace() || c.is_control() || invisible(c));
    if rest.starts_with(FORMULA_STARTS) || matches!(first, '\t' | '\r' | '\n') {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `text` safe to print to a terminal: control characters (C0, DEL, C1), bidi controls and line
/// separators are written as Rust-style escapes (`\u{1b}`, `\n`), so a file name can neither send
/// escape sequences nor start a line of its own. Everything else, non-ASCII included, is kept.
pub(crate) fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_terminal_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_terminal_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A multi-line message (an error chain whose last cause quotes a config file over several lines)
/// safe to print: each line escaped as [`terminal`], continuation lines indented so that no text
/// from a file can begin a line that looks like gapscope's own.
pub fn terminal_lines(text: &str) -> String {
    let lines: Vec<Cow<'_, str>> = text.lines().map(terminal).collect();
    lines.join("\n    ")
}

fn needs_terminal_escape(c: char) -> bool {
    c.is_control() || bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Marks and overrides that change the order text is shown in (Unicode TR9; CVE-2021-42574).
fn bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show as nothing, so a cell starting with them looks like the text after them.
fn invisible(c: char) -> bool {
    bidi_control(c) || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_a_formula_are_prefixed_with_a_quote() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=3+3", " =1", "\u{200B}=1", "\u{FF1D}1"] {
            assert_eq!(spreadsheet_cell(cell), format!("'{cell}"), "{cell:?}");
        }
        // Tab, CR and LF lead a cell out of OWASP's caution even before plain text.
        for cell in ["\tplain", "\rplain", "\nplain"] {
            assert_eq!(spreadsheet_cell(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn ordinary_cells_are_written_as_they_are() {
        for cell in ["", "arn:aws:iam::123456789012:root", "210987654321/eu-west-1", "a=b", "x-1", " plain", "'quoted"]
        {
            assert!(matches!(spreadsheet_cell(cell), Cow::Borrowed(_)), "{cell:?}");
        }
    }

    #[test]
    fn terminal_escape_sequences_in_file_names_are_shown_escaped() {
        let name = "\u{1b}[2J\u{1b}]0;pwned\u{7}.csv";
        assert_eq!(terminal(name), "\\u{1b}[2J\\u{1b}]0;pwned\\u{7}.csv");
        assert_eq!(terminal("a\nb\tc\r\u{7f}\u{9b}"), "a\\nb\\tc\\r\\u{7f}\\u{9b}");
        assert_eq!(terminal("invoice\u{202E}fdp.exe"), "invoice\\u{202e}fdp.exe");
        assert_eq!(terminal("\u{2066}x\u{2069}\u{2028}"), "\\u{2066}x\\u{2069}\\u{2028}");
    }

    #[test]
    fn printable_text_reaches_the_terminal_unchanged() {
        for text in ["samples/plain/210987654321_credential_report.csv", "Zürich 東京 ✓", "C:\\evidence\\a.json"] {
            assert!(matches!(terminal(text), Cow::Borrowed(_)), "{text:?}");
        }
    }

    #[test]
    fn continuation_lines_of_an_error_are_indented_and_escaped() {
        assert_eq!(terminal_lines("cannot read x\n1 | \u{1b}[31mred"), "cannot read x\n    1 | \\u{1b}[31mred");
        assert_eq!(terminal_lines("one line"), "one line");
    }
}
