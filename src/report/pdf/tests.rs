//! Renders representative documents and reads them back with poppler (pdftotext, pdfinfo,
//! pdftoppm) where installed; layout properties are checked on the laid-out pages directly.

use std::path::Path;
use std::process::Command;

use chrono::TimeZone;

use crate::report::document::*;

use super::fonts::Fonts;
use super::layout::{BOTTOM, LEFT, Layout, Page, Prim, RIGHT, TOP};
use super::{lay_out, render};

const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn col(title: &str, weight: f32, align: Align) -> Column {
    Column { title: title.to_string(), weight, align }
}

fn day_labels(days: usize) -> Vec<String> {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    (0..days).map(|d| (start + chrono::Days::new(d as u64)).format("%Y-%m-%d").to_string()).collect()
}

fn heat(rows: usize, days: usize) -> HeatMap {
    let regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1"];
    let row_labels =
        (0..rows).map(|r| format!("{} / {}", 210987654321u64 + (r as u64 / 6), regions[r % regions.len()])).collect();
    let cells = (0..rows)
        .map(|r| {
            (0..days)
                .map(|d| {
                    if r % 5 == 4 && d < 20 {
                        HeatCell::OutOfScope
                    } else if (d + 3 * r) % 23 == 0 || (r == 2 && (40..45).contains(&d)) {
                        HeatCell::Gap
                    } else {
                        HeatCell::Count(((d * 37 + r * 101) % 1000) as u64 * (r as u64 + 1))
                    }
                })
                .collect()
        })
        .collect();
    HeatMap {
        title: "CloudTrail records per region and day".into(),
        row_labels,
        column_labels: day_labels(days),
        cells,
        legend: "A gap is a day inside the observation period with no CloudTrail record for that region.".into(),
    }
}

fn people_table(rows: usize) -> Table {
    let names = ["José Müller", "Zoë Ørsted", "Jürgen Straße", "Ana Núñez", "François Lefèvre", "plain-ascii-user"];
    let tones = [Tone::Neutral, Tone::Good, Tone::Bad, Tone::Warn, Tone::Excepted, Tone::Muted];
    Table {
        columns: vec![
            col("User", 2.0, Align::Left),
            col("Account", 1.4, Align::Left),
            col("Last activity", 1.2, Align::Center),
            col("Days idle", 0.8, Align::Right),
            col("Status", 1.0, Align::Left),
        ],
        rows: (0..rows)
            .map(|i| {
                vec![
                    Cell::plain(format!("{} #{i}", names[i % names.len()])),
                    Cell::plain(format!("{}", 210987654321u64 + i as u64 % 7)),
                    Cell::plain("2024-03-14"),
                    Cell::plain(format!("{}", i * 3 % 400)),
                    Cell::toned(format!("{:?}", tones[i % tones.len()]), tones[i % tones.len()]),
                ]
            })
            .collect(),
        empty_text: "No stale accounts.".into(),
    }
}

/// Cover, summary with bars and callouts, a 300-row table, a histogram, a 12 × 90 heat map with
/// gaps, and a manifest with hashes and long paths.
pub(super) fn sample() -> Document {
    let long_path = "evidence/AWSLogs/210987654321/CloudTrail/eu-west-1/2024/03/14/210987654321_CloudTrail_eu-west-1_20240314T0000Z_AbCdEfGhIjKlMnOp.json.gz";
    Document {
        title: "SOC 2 gap analysis — Example Corp".into(),
        report_id: "GS-2024-0042-9f86d081".into(),
        author: "José Müller".into(),
        creator: "gapscope 0.1.0".into(),
        created: chrono::Utc.with_ymd_and_hms(2024, 6, 30, 12, 0, 0).unwrap(),
        cover: Cover {
            title: "SOC 2 gap analysis".into(),
            subtitle: "Example Corp — AWS accounts 210987654321, 123456789012".into(),
            facts: vec![
                ("Engagement".into(), "Example Corp SOC 2 Type II readiness".into()),
                ("As of".into(), "2024-06-30".into()),
                ("Observation period".into(), "2024-01-01 to 2024-03-30".into()),
                ("Accounts".into(), "210987654321, 123456789012".into()),
                ("Generator".into(), "gapscope 0.1.0".into()),
                ("Prepared by".into(), "Zoë Ørsted, Straße 5 GmbH".into()),
            ],
            banner: Some(Callout {
                tone: Tone::Bad,
                text: "UNSIGNED — this report carries no digital signature".into(),
            }),
        },
        sections: vec![
            Section {
                title: "Executive summary".into(),
                blocks: vec![
                    Block::Paragraph("This report sets out the results of an offline analysis of exported evidence against SOC 2 common criteria and the CIS AWS Foundations Benchmark. ".repeat(3)),
                    Block::Callout(Callout { tone: Tone::Warn, text: "3 high-severity findings need remediation before the audit window opens.".into() }),
                    Block::Heading("MFA coverage".into()),
                    Block::Bars(BarChart {
                        title: "Users with MFA".into(),
                        bars: vec![
                            Bar { label: "Console users".into(), value: 7, total: 10, tone: Tone::Warn },
                            Bar { label: "Root accounts".into(), value: 2, total: 2, tone: Tone::Good },
                            Bar { label: "Service accounts with a very long descriptive label that wraps".into(), value: 0, total: 4, tone: Tone::Bad },
                            Bar { label: "No users".into(), value: 0, total: 0, tone: Tone::Muted },
                        ],
                    }),
                    Block::Facts(vec![("Accepted risks".into(), "2 exceptions, approved by Zoë Ørsted".into())]),
                ],
            },
            Section {
                title: "Credentials".into(),
                blocks: vec![
                    Block::Heading("Access key age".into()),
                    Block::Histogram(Histogram {
                        title: "Active access keys by age".into(),
                        x_label: "key age in days".into(),
                        bins: vec![
                            Bin { label: "0–30".into(), count: 12, tone: Tone::Good },
                            Bin { label: "31–90".into(), count: 30, tone: Tone::Good },
                            Bin { label: "91–180".into(), count: 4, tone: Tone::Warn },
                            Bin { label: "181–365".into(), count: 0, tone: Tone::Bad },
                            Bin { label: "> 365".into(), count: 1, tone: Tone::Bad },
                        ],
                    }),
                    Block::Heading("Stale accounts".into()),
                    Block::Table(people_table(300)),
                ],
            },
            Section {
                title: "Logging coverage".into(),
                blocks: vec![Block::Heading("Region × day coverage".into()), Block::HeatMap(heat(12, 90))],
            },
            Section {
                title: "Evidence manifest".into(),
                blocks: vec![Block::Table(Table {
                    columns: vec![col("Path", 3.0, Align::Left), col("Size", 0.8, Align::Right), col("SHA-256", 2.2, Align::Left)],
                    rows: vec![
                        vec![Cell::plain(long_path), Cell::plain("18,230"), Cell::plain(HASH)],
                        vec![Cell::plain("evidence/iam/credential-report.csv"), Cell::plain("2,048"), Cell::plain(HASH)],
                    ],
                    empty_text: String::new(),
                })],
            },
        ],
    }
}

fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok();
    if !ok {
        eprintln!("skipping: {tool} (poppler-utils) is not installed");
    }
    ok
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).env("TZ", "UTC").output().unwrap();
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn write_pdf(dir: &Path, name: &str, doc: &Document) -> String {
    let path = dir.join(name);
    std::fs::write(&path, render(doc).unwrap()).unwrap();
    path.to_str().unwrap().to_string()
}

fn page_count(pdf: &str) -> usize {
    let info = run("pdfinfo", &[pdf]);
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    line["Pages:".len()..].trim().parse().unwrap()
}

fn texts(page: &Page) -> impl Iterator<Item = (&str, f32, f32)> {
    page.prims.iter().filter_map(|p| match p {
        Prim::Text { text, x, baseline, .. } => Some((text.as_str(), *x, *baseline)),
        Prim::Rect { .. } => None,
    })
}

#[test]
fn text_reads_back_with_every_title_heading_cell_and_footer() {
    if !have("pdftotext") || !have("pdfinfo") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let doc = sample();
    let pdf = write_pdf(dir.path(), "sample.pdf", &doc);
    let n = page_count(&pdf);
    assert!(n >= 8, "a 300-row table alone needs several pages, got {n}");
    let text = run("pdftotext", &[&pdf, "-"]);
    for section in &doc.sections {
        assert!(text.contains(&section.title), "missing section title {:?}", section.title);
        for block in &section.blocks {
            if let Block::Heading(h) = block {
                assert!(text.contains(h.as_str()), "missing heading {h:?}");
            }
        }
    }
    for needle in ["UNSIGNED", "Zoë Ørsted, Straße 5 GmbH", "José Müller #0", "Zoë Ørsted #1", "Jürgen Straße #2"]
    {
        assert!(text.contains(needle), "missing {needle:?}");
    }
    let Block::Table(table) = &doc.sections[1].blocks[3] else { panic!("sample changed") };
    for row in &table.rows {
        assert!(text.contains(&row[0].text), "missing cell {:?}", row[0].text);
    }
    assert!(text.contains("7/10 (70%)") && text.contains("0/0 (n/a)"));
    // Footers: every page numbered out of the real page count, with the report id.
    for k in 1..=n {
        assert!(text.contains(&format!("Page {k} of {n}")), "missing footer of page {k}");
    }
    assert_eq!(text.matches("GS-2024-0042-9f86d081").count(), n, "report id once per page footer");
    // The 64-hex hash is broken over lines in its narrow column; in content order the pieces rejoin.
    let raw = run("pdftotext", &["-raw", &pdf, "-"]);
    assert!(!raw.lines().any(|l| l.contains(HASH)), "hash should not fit one line of its column");
    let joined: String = raw.split_whitespace().collect();
    assert!(joined.contains(HASH), "hash pieces do not rejoin");
    // Metadata from the document, dated from `created`.
    let info = run("pdfinfo", &[&pdf]);
    assert!(info.contains("SOC 2 gap analysis — Example Corp"), "{info}");
    assert!(info.contains("José Müller"), "{info}");
    assert!(info.contains("gapscope 0.1.0"), "{info}");
    assert!(info.contains("Jun 30 12:00:00 2024"), "{info}");
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let doc = sample();
    let a = render(&doc).unwrap();
    let b = render(&doc).unwrap();
    assert!(a == b, "two renders differ");
    let mut other = doc.clone();
    other.report_id = "GS-2024-0043".into();
    assert!(render(&other).unwrap() != a, "a different report must not give the same bytes");
    // The outline and a deterministic document id are written.
    let has = |needle: &[u8]| a.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/Outlines"));
    assert!(has(b"/ID"));
    assert!(has(b"<xmp:CreateDate>2024-06-30T12:00:00Z</xmp:CreateDate>"));
}

#[test]
fn pages_render_non_blank_and_the_heat_map_shows_gaps_in_red() {
    if !have("pdftoppm") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let doc = sample();
    let pdf = write_pdf(dir.path(), "sample.pdf", &doc);
    let fonts = Fonts::load().unwrap();
    let layout = lay_out(&fonts, &doc);
    let heat_page = layout.outline.iter().find(|(t, _)| t == "Logging coverage").map(|(_, p)| p + 1).unwrap();
    let render_page = |page: usize, name: &str| -> (usize, usize, Vec<u8>) {
        let out = dir.path().join(name);
        let p = page.to_string();
        run("pdftoppm", &["-r", "40", "-f", &p, "-l", &p, "-singlefile", &pdf, out.to_str().unwrap()]);
        read_ppm(&dir.path().join(format!("{name}.ppm")))
    };
    let (w, h, cover) = render_page(1, "cover");
    let inked = cover.chunks(3).filter(|px| px.iter().any(|&v| v < 240)).count();
    assert!(inked > w * h / 200, "cover nearly blank: {inked} of {} pixels", w * h);
    // The UNSIGNED banner is boxed in red.
    let red = |px: &[u8]| px[0] > 150 && px[1] < 90 && px[2] < 90;
    assert!(cover.chunks(3).filter(|px| red(px)).count() > 50, "no red banner border on the cover");
    let (_, _, map) = render_page(heat_page, "heat");
    let green = map
        .chunks(3)
        .filter(|px| i32::from(px[1]) > i32::from(px[0]) + 30 && i32::from(px[1]) > i32::from(px[2]) + 30)
        .count();
    let reds = map.chunks(3).filter(|px| red(px)).count();
    assert!(green > 2000, "heat map page has {green} green pixels");
    assert!(reds > 30, "heat map page has {reds} red (gap) pixels");
}

/// Width, height and RGB bytes of a binary PPM (P6, maxval 255) as pdftoppm writes it.
fn read_ppm(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while !bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(String::from_utf8(bytes[start..pos].to_vec()).unwrap());
    }
    assert_eq!(fields[0], "P6");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let data = bytes[pos + 1..].to_vec();
    assert_eq!(data.len(), w * h * 3);
    (w, h, data)
}

#[test]
fn nothing_is_drawn_outside_the_margins() {
    let fonts = Fonts::load().unwrap();
    let mut doc = sample();
    doc.sections.push(Section {
        title: "A title long enough to wrap: ".repeat(6),
        blocks: vec![
            Block::Paragraph(format!("{} {HASH}{HASH}{HASH} end", "x".repeat(400))),
            Block::Callout(Callout { tone: Tone::Excepted, text: "word ".repeat(900) }),
            Block::Facts(vec![("k".repeat(300), "v ".repeat(2000))]),
        ],
    });
    let layout = lay_out(&fonts, &doc);
    assert_inside_the_margins(&fonts, &layout);
}

/// Every primitive of every page lies inside the margins; the footer sits below BOTTOM on purpose,
/// content must not reach it.
fn assert_inside_the_margins(fonts: &Fonts, layout: &Layout<'_>) {
    for (i, page) in layout.pages.iter().enumerate() {
        for prim in &page.prims {
            let (x, right, top, bottom) = match prim {
                Prim::Text { x, baseline, style, text } => {
                    (*x, x + fonts.width(style.font, text, style.size), baseline - style.size, *baseline)
                }
                Prim::Rect { x, top, w, h, .. } => (*x, x + w, *top, top + h),
            };
            assert!(x >= LEFT - 0.01 && right <= RIGHT + 0.01, "page {i}: {prim:?} runs off the side");
            let is_footer = top > BOTTOM + 4.0;
            assert!(top >= TOP - 0.01 && (bottom <= BOTTOM + 0.01 || is_footer), "page {i}: {prim:?} off the body");
        }
    }
}

#[test]
fn table_header_repeats_and_rows_stay_whole() {
    let fonts = Fonts::load().unwrap();
    // Each row's first cell wraps into three words on three lines of a narrow column.
    let table = Table {
        columns: vec![col("Who", 0.9, Align::Left), col("Notes", 4.0, Align::Left)],
        rows: (0..400)
            .map(|i| vec![Cell::plain(format!("a{i:03}aaaaa b{i:03}bbbbb c{i:03}ccccc")), Cell::plain("x")])
            .collect(),
        empty_text: String::new(),
    };
    let mut doc = sample();
    doc.sections = vec![Section { title: "T".into(), blocks: vec![Block::Table(table)] }];
    let layout = lay_out(&fonts, &doc);
    let body: Vec<&Page> = layout.pages.iter().skip(1).collect();
    assert!(body.len() >= 5, "400 three-line rows span several pages");
    for (n, page) in body.iter().enumerate() {
        assert!(texts(page).any(|(t, _, _)| t == "Who"), "page {n} lacks the header");
    }
    for i in 0..400 {
        let pieces = [format!("a{i:03}aaaaa"), format!("b{i:03}bbbbb"), format!("c{i:03}ccccc")];
        let pages: Vec<usize> =
            pieces.iter().map(|p| body.iter().position(|page| texts(page).any(|(t, _, _)| t == p)).unwrap()).collect();
        assert!(pages.iter().all(|&p| p == pages[0]), "row {i} split over pages {pages:?}");
    }
}

#[test]
fn headings_are_never_last_on_a_page() {
    let fonts = Fonts::load().unwrap();
    let mut blocks = Vec::new();
    for i in 0..60 {
        blocks.push(Block::Heading(format!("Heading {i}")));
        if i % 3 == 2 {
            blocks.push(Block::Histogram(Histogram {
                title: format!("chart {i}"),
                x_label: "days".into(),
                bins: vec![Bin { label: "0–30".into(), count: 3, tone: Tone::Good }],
            }));
        } else {
            blocks.push(Block::Paragraph("filler text ".repeat(10 + (i * 7) % 50)));
        }
    }
    let mut doc = sample();
    doc.sections = vec![Section { title: "Headings".into(), blocks }];
    let layout = lay_out(&fonts, &doc);
    for (n, page) in layout.pages.iter().enumerate() {
        let body: Vec<(&str, f32, f32)> = texts(page).filter(|(_, _, y)| *y < BOTTOM).collect();
        if let Some(pos) = body.iter().position(|(t, _, _)| t.starts_with("Heading ")) {
            let last_heading = body.iter().rposition(|(t, _, _)| t.starts_with("Heading ")).unwrap_or(pos);
            assert!(last_heading + 1 < body.len(), "page {n} ends with {:?}", body[last_heading].0);
        }
    }
}

#[test]
fn odd_documents_render_without_panicking() {
    let empty_table = Table { columns: vec![], rows: vec![], empty_text: String::new() };
    let ragged = Table {
        columns: vec![col("", f32::NAN, Align::Right), col("b", -1.0, Align::Center), col("c", 0.0, Align::Left)],
        rows: vec![vec![], vec![Cell::plain("")], vec![Cell::plain("1"); 5], vec![Cell::plain("\u{1F600}\t\r\n\0")]],
        empty_text: "none".into(),
    };
    let doc = Document {
        title: String::new(),
        report_id: String::new(),
        author: String::new(),
        creator: String::new(),
        created: chrono::DateTime::UNIX_EPOCH,
        cover: Cover { title: String::new(), subtitle: String::new(), facts: vec![], banner: None },
        sections: vec![
            Section { title: String::new(), blocks: vec![] },
            Section {
                title: "odd".into(),
                blocks: vec![
                    Block::Heading(String::new()),
                    Block::Paragraph(String::new()),
                    Block::Callout(Callout { tone: Tone::Neutral, text: String::new() }),
                    Block::Facts(vec![(String::new(), String::new())]),
                    Block::Table(empty_table),
                    Block::Table(ragged),
                    Block::Table(Table {
                        columns: vec![col("only", 1.0, Align::Left)],
                        rows: vec![],
                        empty_text: "No rows.".into(),
                    }),
                    Block::Bars(BarChart { title: String::new(), bars: vec![] }),
                    Block::Bars(BarChart {
                        title: "t".into(),
                        bars: vec![Bar { label: String::new(), value: 9, total: 3, tone: Tone::Good }],
                    }),
                    Block::Histogram(Histogram { title: String::new(), x_label: String::new(), bins: vec![] }),
                    Block::Histogram(Histogram {
                        title: "zeros".into(),
                        x_label: String::new(),
                        bins: (0..200)
                            .map(|i| Bin {
                                label: if i == 7 { "z".repeat(3000) } else { format!("bin {i}") },
                                count: 0,
                                tone: Tone::Neutral,
                            })
                            .collect(),
                    }),
                    Block::HeatMap(HeatMap {
                        title: String::new(),
                        row_labels: vec![],
                        column_labels: vec![],
                        cells: vec![],
                        legend: String::new(),
                    }),
                    Block::HeatMap(HeatMap {
                        title: "ragged".into(),
                        row_labels: vec!["a".repeat(5000)],
                        column_labels: vec!["x".into()],
                        cells: vec![vec![HeatCell::Count(0); 3], vec![HeatCell::Gap]],
                        legend: String::new(),
                    }),
                    Block::Paragraph("\u{10FFFF}".repeat(3000)),
                ],
            },
        ],
    };
    let bytes = render(&doc).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"));
    if let Ok(dir) = std::env::var("GAPSCOPE_PDF_SAMPLE_DIR") {
        std::fs::write(Path::new(&dir).join("odd.pdf"), &bytes).unwrap();
    }
    if have("pdfinfo") {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("odd.pdf");
        std::fs::write(&path, &bytes).unwrap();
        assert!(page_count(path.to_str().unwrap()) >= 3);
    }
}

#[test]
fn a_large_report_stays_small() {
    let mut doc = sample();
    doc.sections = vec![
        Section { title: "Findings".into(), blocks: vec![Block::Table(people_table(5000))] },
        Section { title: "Coverage".into(), blocks: vec![Block::HeatMap(heat(40, 365))] },
    ];
    let bytes = render(&doc).unwrap();
    assert!(bytes.len() < 4 * 1024 * 1024, "{} bytes", bytes.len());
    if let Ok(path) = std::env::var("GAPSCOPE_PDF_SAMPLE_DIR") {
        std::fs::write(Path::new(&path).join("large.pdf"), &bytes).unwrap();
        std::fs::write(Path::new(&path).join("sample.pdf"), render(&sample()).unwrap()).unwrap();
    }
}

const UPN_LOCAL: &str = "averyveryverylongserviceprincipalnamewithoutanyseparatorsatall";

/// 200+ characters with no space: the kind of UPN or ARN a cell must wrap.
fn long_upn() -> String {
    format!("{UPN_LOCAL}{UPN_LOCAL}{UPN_LOCAL}@tenant.onmicrosoft.com")
}

/// Names DejaVu Sans cannot draw alone: CJK that differ in one ideograph, Hangul, emoji DejaVu
/// lacks, Arabic and Hebrew, and one unbroken 200-character UPN.
fn names_document() -> Document {
    let mut doc = sample();
    let names =
        ["田中太郎", "田中次郎", "김민준", "rocket \u{1F680} user", "crab \u{1F980} user", "محمد علي", "דוד כהן"];
    let mut rows: Vec<Vec<Cell>> =
        names.iter().map(|n| vec![Cell::plain(*n), Cell::plain("210987654321"), Cell::plain("stale")]).collect();
    rows.push(vec![Cell::plain(long_upn()), Cell::plain("210987654321"), Cell::plain("stale")]);
    doc.sections = vec![Section {
        title: "Users 田中".into(),
        blocks: vec![Block::Table(Table {
            columns: vec![
                col("User", 1.0, Align::Left),
                col("Account", 1.0, Align::Left),
                col("Status", 1.0, Align::Left),
            ],
            rows,
            empty_text: String::new(),
        })],
    }];
    doc
}

#[test]
fn cjk_names_read_back_distinct_and_missing_glyphs_show_their_code_point() {
    if !have("pdftotext") || !have("pdffonts") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(dir.path(), "names.pdf", &names_document());
    let text = run("pdftotext", &[&pdf, "-"]);
    for needle in ["田中太郎", "田中次郎", "김민준", "Users 田中", "[U+1F680]", "[U+1F980]"] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains("??"), "a name came out as question marks:\n{text}");
    // Right-to-left names come back as the evidence spelled them: poppler puts them back into
    // logical order, and the joined Arabic forms map to their letters.
    for needle in ["דוד כהן", "محمد", "علي"] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // Three faces, each embedded as a subset.
    let fonts = run("pdffonts", &[&pdf]);
    for name in ["DejaVuSans", "DejaVuSans-Bold", "DroidSansFallback"] {
        assert!(fonts.lines().any(|l| l.contains(&format!("+{name} ")) && l.contains(" yes ")), "{name}:\n{fonts}");
    }
}

#[test]
fn a_report_without_cjk_does_not_embed_the_cjk_face() {
    let bytes = render(&sample()).unwrap();
    assert!(!bytes.windows(17).any(|w| w == b"DroidSansFallback"), "CJK face embedded for nothing");
    let with = render(&names_document()).unwrap();
    assert!(with.windows(17).any(|w| w == b"DroidSansFallback"));
    // Still deterministic with the third face, and small: the subset, not the 3.4 MB font.
    assert!(with == render(&names_document()).unwrap(), "two renders differ");
    assert!(with.len() < bytes.len() + 60_000, "{} vs {} bytes", with.len(), bytes.len());
}

#[test]
fn a_long_word_wraps_inside_its_table_cell() {
    let fonts = Fonts::load().unwrap();
    let upn = long_upn();
    assert!(upn.len() >= 200);
    let layout = lay_out(&fonts, &names_document());
    let cell_right = LEFT + (RIGHT - LEFT) / 3.0;
    let mut pieces = Vec::new();
    for page in &layout.pages {
        for prim in &page.prims {
            if let Prim::Text { x, style, text, .. } = prim
                && text.len() > 8
                && upn.contains(text.as_str())
            {
                let right = x + fonts.width(style.font, text, style.size);
                assert!(
                    *x >= LEFT && right <= cell_right - 3.0,
                    "{text:?} spans {x}..{right}, cell ends at {cell_right}"
                );
                pieces.push(text.clone());
            }
        }
    }
    assert!(pieces.len() >= 4, "{pieces:?}");
    assert_eq!(pieces.concat(), upn, "the pieces rejoin to the whole word");
}

#[test]
fn right_to_left_names_are_shaped_and_drawn_in_visual_order() {
    let fonts = Fonts::load().unwrap();
    let layout = lay_out(&fonts, &names_document());
    let drawn: Vec<&str> = layout.pages.iter().flat_map(texts).map(|(t, _, _)| t).collect();
    // محمد علي: each word joined (initial, medial, final forms), words and letters right to left.
    let arabic = "\u{FEF2}\u{FEE0}\u{FECB} \u{FEAA}\u{FEE4}\u{FEA4}\u{FEE3}";
    assert!(drawn.contains(&arabic), "{drawn:?}");
    assert!(drawn.contains(&"ןהכ דוד"), "{drawn:?}");
}

/// The observation period's pictures: a grid with a present, a missing and a not-expected month,
/// and one lane failing 2026-03-05..2026-05-02 over a 2026 axis.
fn period_document() -> Document {
    let at = |s: &str| crate::timefmt::parse_timestamp(s).unwrap();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let months: Vec<String> = (1..=12).map(|m| format!("M{m:02} 2026")).collect();
    let row: Vec<Cell> = (0..12)
        .map(|m| match m {
            6 | 7 => Cell::toned("0", Tone::Bad),
            5 => Cell::toned("0", Tone::Muted),
            _ => Cell::toned("1", Tone::Good),
        })
        .collect();
    let mut doc = sample();
    doc.sections = vec![Section {
        title: "Observation period".into(),
        blocks: vec![
            Block::Heading("Evidence coverage".into()),
            Block::Grid(Grid {
                title: "Snapshots per account, evidence kind and month".into(),
                row_labels: vec!["111111111111 · aws.ec2.describe_security_groups".into()],
                column_labels: months,
                cells: vec![row],
                legend: vec![(Tone::Good, "snapshot(s) dated in the month".into()), (Tone::Bad, "none".into())],
            }),
            Block::Heading("Resources that failed during the period".into()),
            Block::Swimlanes(Swimlanes {
                title: "P2 high · sg_open_admin_ports".into(),
                from: day("2026-01-01"),
                to: day("2026-12-31"),
                lanes: vec![Lane {
                    label: "sg-0123456789abcdef0".into(),
                    bars: vec![LaneBar {
                        from: at("2026-03-05T00:00:00Z"),
                        to: at("2026-05-02T00:00:00Z"),
                        tone: Tone::Bad,
                    }],
                }],
                legend: vec![(Tone::Bad, "failed".into())],
            }),
        ],
    }];
    doc
}

fn rects(page: &Page) -> impl Iterator<Item = (f32, f32, f32, f32, Option<super::layout::Rgb>)> + '_ {
    page.prims.iter().filter_map(|p| match p {
        Prim::Rect { x, top, w, h, fill, .. } => Some((*x, *top, *w, *h, *fill)),
        Prim::Text { .. } => None,
    })
}

#[test]
fn the_coverage_grid_fills_a_missing_month_apart_from_a_present_one() {
    let fonts = Fonts::load().unwrap();
    let layout = lay_out(&fonts, &period_document());
    let page = &layout.pages[1];
    // The twelve month cells: the rects on the row's line, left to right.
    let label_baseline = texts(page).find(|(t, _, _)| t.starts_with("111111111111")).map(|(_, _, y)| y).unwrap();
    let mut cells: Vec<_> =
        rects(page).filter(|(_, top, _, h, _)| *h == 10.0 && (top - label_baseline).abs() < 12.0).collect();
    cells.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(cells.len(), 12, "{cells:?}");
    let fill = |i: usize| cells[i].4.unwrap();
    assert_eq!(fill(0), super::layout::tone_strong(Tone::Good));
    assert_eq!(fill(6), super::layout::tone_strong(Tone::Bad), "a month in a gap is red");
    assert_ne!(fill(0), fill(6));
    assert_ne!(fill(5), fill(0), "a month without a snapshot inside the cadence is not drawn as present");
    assert_ne!(fill(5), fill(6), "…nor as a gap");
    assert_eq!(fill(7), fill(6));
    // Every column has its label.
    for m in 1..=12 {
        let words = [format!("M{m:02}")];
        assert!(
            texts(page).any(|(t, _, _)| words.iter().any(|w| t == w || t.starts_with(w.as_str()))),
            "no label M{m:02}"
        );
    }
}

#[test]
fn a_swimlane_bar_spans_its_share_of_the_period() {
    let fonts = Fonts::load().unwrap();
    let layout = lay_out(&fonts, &period_document());
    let page = &layout.pages[1];
    let red = super::layout::tone_strong(Tone::Bad);
    let lane_y = texts(page).find(|(t, _, _)| *t == "sg-0123456789abcdef0").map(|(_, _, y)| y).unwrap();
    let on_lane: Vec<_> = rects(page).filter(|(_, top, _, h, _)| *h == 7.0 && (top - lane_y).abs() < 10.0).collect();
    let track = on_lane.iter().find(|r| r.4 != Some(red)).expect("no track");
    let bar = on_lane.iter().find(|r| r.4 == Some(red)).expect("no red bar");
    // 2026-03-05 is day 63 of 365; the bar lasts 58 days.
    let (start, len) = ((bar.0 - track.0) / track.2, bar.2 / track.2);
    assert!((start - 63.0 / 365.0).abs() < 0.002, "bar starts at {start}");
    assert!((len - 58.0 / 365.0).abs() < 0.002, "bar is {len} of the axis");
    // A month axis under the lane: January with its year, later months alone.
    assert!(texts(page).any(|(t, _, _)| t == "Jan 2026"));
    assert!(texts(page).any(|(t, _, _)| t == "Jun"));
}

#[test]
fn the_period_pictures_read_back_and_stay_in_the_margins_when_long() {
    let fonts = Fonts::load().unwrap();
    let mut doc = period_document();
    // 300 rows over 10 years and 300 lanes: both continue over pages.
    let Block::Grid(grid) = &mut doc.sections[0].blocks[1] else { panic!("document changed") };
    grid.row_labels = (0..300).map(|i| format!("{} · kind {i}", 100000000000u64 + i)).collect();
    grid.column_labels = (0..120).map(|m| format!("M{m}")).collect();
    grid.cells = (0..300)
        .map(|r| (0..120).map(|c| Cell::toned("1", if (r + c) % 7 == 0 { Tone::Bad } else { Tone::Good })).collect())
        .collect();
    let Block::Swimlanes(lanes) = &mut doc.sections[0].blocks[3] else { panic!("document changed") };
    lanes.to = chrono::NaiveDate::from_ymd_opt(2035, 12, 31).unwrap();
    lanes.lanes = (0..300)
        .map(|i| Lane { label: format!("arn:aws:iam::111111111111:user/u{i}"), ..lanes.lanes[0].clone() })
        .collect();
    let layout = lay_out(&fonts, &doc);
    assert!(layout.pages.len() > 10, "{} pages", layout.pages.len());
    assert_inside_the_margins(&fonts, &layout);
    // Every row label and lane label is drawn once.
    let drawn: Vec<&str> = layout.pages.iter().flat_map(texts).map(|(t, _, _)| t).collect();
    for i in [0, 150, 299] {
        assert!(drawn.iter().any(|t| t.starts_with(&format!("{} ·", 100000000000u64 + i))), "row {i} missing");
        let user = format!("u{i}");
        assert!(drawn.iter().any(|t| t.ends_with(&user)), "lane {i} missing");
    }
    if have("pdftotext") {
        let dir = tempfile::tempdir().unwrap();
        let pdf = write_pdf(dir.path(), "period.pdf", &period_document());
        let text = run("pdftotext", &[&pdf, "-"]);
        for needle in
            ["Observation period", "Snapshots per account, evidence kind and month", "sg-0123456789abcdef0", "Jan 2026"]
        {
            assert!(text.contains(needle), "missing {needle:?}");
        }
    }
}

#[test]
fn odd_period_pictures_render_without_panicking() {
    let mut doc = period_document();
    let at = |s: &str| crate::timefmt::parse_timestamp(s).unwrap();
    doc.sections[0].blocks = vec![
        Block::Grid(Grid {
            title: String::new(),
            row_labels: vec![],
            column_labels: vec![],
            cells: vec![],
            legend: vec![],
        }),
        Block::Grid(Grid {
            title: "ragged".into(),
            row_labels: vec!["x".repeat(4000)],
            column_labels: vec![],
            cells: vec![vec![Cell::toned("a very long cell text", Tone::Warn); 3], vec![]],
            legend: vec![(Tone::Neutral, "l ".repeat(500))],
        }),
        Block::Swimlanes(Swimlanes {
            title: "backwards".into(),
            from: chrono::NaiveDate::MAX,
            to: chrono::NaiveDate::MIN,
            lanes: vec![],
            legend: vec![],
        }),
        Block::Swimlanes(Swimlanes {
            title: "whole calendar".into(),
            from: chrono::NaiveDate::MIN,
            to: chrono::NaiveDate::MAX,
            lanes: vec![Lane {
                label: String::new(),
                bars: vec![LaneBar {
                    from: at("2026-05-01T00:00:00Z"),
                    to: at("2026-01-01T00:00:00Z"),
                    tone: Tone::Bad,
                }],
            }],
            legend: vec![],
        }),
    ];
    let bytes = render(&doc).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    if let Ok(dir) = std::env::var("GAPSCOPE_PDF_SAMPLE_DIR") {
        std::fs::write(Path::new(&dir).join("period.pdf"), render(&period_document()).unwrap()).unwrap();
    }
}
