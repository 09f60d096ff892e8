//! The report as a document model: what the PDF says, without how it is drawn. `compose` builds it
//! from the analysis; `pdf` draws it. Keeping the two apart lets the content be tested as plain data
//! and keeps the PDF crate inside one module.

/// A whole report. Everything the renderer needs is here: it reads no clock and no file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Document {
    /// PDF title (document information and the viewer's title bar).
    pub title: String,
    /// Printed in every page's footer, so a loose page can be traced to its report.
    pub report_id: String,
    /// PDF Author/Creator metadata.
    pub author: String,
    pub creator: String,
    /// The instant written as the PDF's creation and modification date: the as-of or
    /// `SOURCE_DATE_EPOCH`, never the wall clock, so the same inputs give the same bytes.
    pub created: chrono::DateTime<chrono::Utc>,
    pub cover: Cover,
    /// Each section starts on a new page and is a bookmark in the viewer's outline.
    pub sections: Vec<Section>,
}

/// Page 1.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cover {
    pub title: String,
    pub subtitle: String,
    /// Label–value lines: engagement, as-of, period, accounts, generator version, signer.
    pub facts: Vec<(String, String)>,
    /// A boxed line in plain sight, e.g. "UNSIGNED" in red, or the signer in green.
    pub banner: Option<Callout>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// A sub-heading inside a section; never left alone at the bottom of a page.
    Heading(String),
    /// Wrapped body text.
    Paragraph(String),
    /// Wrapped text in a tinted box.
    Callout(Callout),
    /// Label–value pairs, label column on the left.
    Facts(Vec<(String, String)>),
    Table(Table),
    /// Horizontal bars, each a share of its own total (MFA coverage).
    Bars(BarChart),
    /// Vertical bars over ordered bins (key-age histogram).
    Histogram(Histogram),
    /// Rows × columns of tinted cells (region × day coverage).
    HeatMap(HeatMap),
    /// Rows × a few labelled columns of tinted, captioned cells, with a legend of the tones
    /// (account and evidence kind × month: snapshot present or missing).
    Grid(Grid),
    /// One lane per resource along a day axis marked by month, with tinted bars (violations, no
    /// evidence).
    Swimlanes(Swimlanes),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tone {
    Neutral,
    /// Passed / covered.
    Good,
    /// Failed / gap.
    Bad,
    /// Needs attention but not a failure (medium severity, partially covered).
    Warn,
    /// Accepted risk.
    Excepted,
    /// Not assessed / out of scope.
    Muted,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Callout {
    pub tone: Tone,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Column {
    pub title: String,
    /// Share of the table width, relative to the other columns' weights.
    pub weight: f32,
    pub align: Align,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    pub text: String,
    /// Tints the cell background; `Neutral` leaves it white.
    pub tone: Tone,
}

impl Cell {
    pub(crate) fn plain(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), tone: Tone::Neutral }
    }

    pub(crate) fn toned(text: impl Into<String>, tone: Tone) -> Cell {
        Cell { text: text.into(), tone }
    }
}

/// A table whose rows wrap their text and break across pages, the header repeated on each page.
/// A row is never split across pages unless it alone is taller than a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub columns: Vec<Column>,
    /// Each row has one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Shown instead of an empty table.
    pub empty_text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    pub label: String,
    pub value: u64,
    pub total: u64,
    pub tone: Tone,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BarChart {
    pub title: String,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bin {
    pub label: String,
    pub count: u64,
    pub tone: Tone,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Histogram {
    pub title: String,
    /// Caption under the bins ("key age in days").
    pub x_label: String,
    pub bins: Vec<Bin>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeatCell {
    /// Outside the observation period or the region's scope: drawn blank.
    OutOfScope,
    /// In scope but no record: drawn as a marked gap.
    Gap,
    /// Records seen that day.
    Count(u64),
}

/// Rows (account/region) × columns (UTC days). Wide periods are drawn in several bands of columns,
/// one under the other, each with its own day labels, so a year of days stays legible.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeatMap {
    pub title: String,
    pub row_labels: Vec<String>,
    /// One label per column (YYYY-MM-DD); the renderer prints as many as fit.
    pub column_labels: Vec<String>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<HeatCell>>,
    /// Legend line under the map.
    pub legend: String,
}

/// Rows × columns of cells, each tinted by its tone with its text inside. Many columns are drawn in
/// bands, one under the other; many rows continue on the next page under a repeated header.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Grid {
    pub title: String,
    pub row_labels: Vec<String>,
    pub column_labels: Vec<String>,
    /// `cells[row][column]`; a missing cell is drawn blank.
    pub cells: Vec<Vec<Cell>>,
    /// What each tone means, drawn as swatches under the grid.
    pub legend: Vec<(Tone, String)>,
}

/// A bar on a lane: `[from, to)`, tinted by its tone.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LaneBar {
    pub from: chrono::DateTime<chrono::Utc>,
    pub to: chrono::DateTime<chrono::Utc>,
    pub tone: Tone,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lane {
    pub label: String,
    pub bars: Vec<LaneBar>,
}

/// Lanes over the days `from..=to`; bars outside the axis are clipped to it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Swimlanes {
    pub title: String,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub lanes: Vec<Lane>,
    pub legend: Vec<(Tone, String)>,
}
