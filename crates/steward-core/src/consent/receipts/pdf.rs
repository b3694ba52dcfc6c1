//! Lays a printable receipt out as PDF — on A4 pages, or on the 80 mm roll
//! of a till printer ([`Paper`]) — with the fonts from
//! `assets/fonts` (DejaVu Sans: Latin with every accent Catalan, Spanish
//! and Indonesian need). krilla draws single lines; this module measures
//! words with the font's advances and wraps them itself, and shapes each
//! line into glyphs with rustybuzz (the shaper krilla itself uses).
//!
//! Receipts and the customer's export (`rights::export`) share these
//! building blocks through [`PdfDocument`]: a title, details, an optional
//! QR code, sections of items and closing notes.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::{Document, SerializeSettings};

use super::{PrintableReceipt, PrintableSection};
use crate::error::{Error, Result};
use crate::language::Lang;

const REGULAR: &[u8] = include_bytes!("../../../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../../../assets/fonts/DejaVuSans-Bold.ttf");

/// The paper a receipt is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    /// A4 sheets (210 × 297 mm), for an office printer.
    #[default]
    A4,
    /// The 80 mm roll of a till printer, cut into 297 mm lengths.
    Till80,
}

/// Where things go on a page of a paper (PDF points, 1/72 inch).
#[derive(Clone, Copy)]
struct Geometry {
    page_w: f32,
    page_h: f32,
    margin: f32,
    qr_size: f32,
    /// Text sizes are A4's times this.
    scale: f32,
    /// Whether the QR code sits beside the details (A4) or under them.
    qr_beside: bool,
}

impl Geometry {
    fn of(paper: Paper) -> Geometry {
        match paper {
            Paper::A4 => Geometry {
                page_w: 595.28,
                page_h: 841.89,
                margin: 56.0,
                qr_size: 110.0,
                scale: 1.0,
                qr_beside: true,
            },
            // 80 mm wide: a 72 mm print area on most till printers.
            Paper::Till80 => Geometry {
                page_w: 226.77,
                page_h: 841.89,
                margin: 11.34,
                qr_size: 120.0,
                scale: 0.8,
                qr_beside: false,
            },
        }
    }

    fn text_w(&self) -> f32 {
        self.page_w - 2.0 * self.margin
    }
}

/// One thing drawn on a page (top-left origin, y grows downwards; `y` is
/// the text baseline).
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rule {
        y: f32,
    },
    Qr {
        x: f32,
        y: f32,
    },
}

/// Measures text with a font's horizontal advances. Each character's
/// advance is looked up in the font once and then remembered: a long
/// export measures the same few dozen characters many thousand times.
struct Measure<'f> {
    face: ttf_parser::Face<'f>,
    advances: std::cell::RefCell<std::collections::HashMap<char, f32>>,
}

impl<'f> Measure<'f> {
    fn new(face: ttf_parser::Face<'f>) -> Measure<'f> {
        Measure {
            face,
            advances: Default::default(),
        }
    }

    /// One character's advance, in font units.
    fn advance(&self, c: char) -> f32 {
        if let Some(a) = self.advances.borrow().get(&c) {
            return *a;
        }
        let a = self
            .face
            .glyph_index(c)
            .and_then(|g| self.face.glyph_hor_advance(g))
            .map(f32::from)
            .unwrap_or(f32::from(self.face.units_per_em()) * 0.6);
        self.advances.borrow_mut().insert(c, a);
        a
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let units: f32 = text.chars().map(|c| self.advance(c)).sum();
        units * size / f32::from(self.face.units_per_em())
    }

    /// Splits `text` into lines no wider than `max`, at spaces (a single
    /// word wider than a line is cut by characters). Widths add up as the
    /// line grows, so each character is measured once.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in text.split_whitespace() {
            let word_w = self.width(word, size);
            let candidate_w = if line.is_empty() {
                word_w
            } else {
                line_w + space + word_w
            };
            if candidate_w <= max {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_w = candidate_w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let mut piece = String::new();
            let mut piece_w = 0.0;
            for c in word.chars() {
                let c_w = self.width(c.encode_utf8(&mut [0; 4]), size);
                if piece_w + c_w > max && !piece.is_empty() {
                    lines.push(std::mem::take(&mut piece));
                    piece_w = 0.0;
                }
                piece.push(c);
                piece_w += c_w;
            }
            line = piece;
            line_w = piece_w;
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// Turns lines of text into positioned glyphs for krilla, with the font
/// parsed once and one shaping plan per kind of text (direction and
/// script), kept for the whole document. krilla's `draw_text` parses the
/// font and builds a new plan for every line it draws, which was most of
/// the time a long export took; the glyphs, kerning and text behind them
/// come out the same. A line already shaped in this document is shaped
/// once: an export repeats the same words on most entries ("What: recorded
/// a purchase").
struct Shaper {
    face: rustybuzz::Face<'static>,
    plans: Vec<(
        (rustybuzz::Direction, Option<rustybuzz::Script>),
        rustybuzz::ShapePlan,
    )>,
    shaped: std::collections::HashMap<String, Vec<KrillaGlyph>>,
}

impl Shaper {
    fn new(data: &'static [u8]) -> Result<Shaper> {
        let face = rustybuzz::Face::from_slice(data, 0).ok_or(Error::VaultDamaged {
            reason: "the receipt font cannot be read",
        })?;
        Ok(Shaper {
            face,
            plans: Vec::new(),
            shaped: Default::default(),
        })
    }

    /// The glyphs of one line, shaped once per document.
    fn glyphs(&mut self, text: &str) -> &[KrillaGlyph] {
        if !self.shaped.contains_key(text) {
            let glyphs = self.shape(text);
            self.shaped.insert(text.to_owned(), glyphs);
        }
        self.shaped.get(text).map(Vec::as_slice).unwrap_or_default()
    }

    /// The glyphs of one line, left to right as drawn, each with the part
    /// of `text` it stands for (so that the PDF's text can be copied and
    /// searched).
    fn shape(&mut self, text: &str) -> Vec<KrillaGlyph> {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        // A line of digits and punctuation only has no script of its own.
        let script = Some(buffer.script()).filter(|s| *s != rustybuzz::script::UNKNOWN);
        let key = (buffer.direction(), script);
        let plan = match self.plans.iter().position(|(k, _)| *k == key) {
            Some(i) => &self.plans[i].1,
            None => {
                let plan = rustybuzz::ShapePlan::new(&self.face, key.0, key.1, None, &[]);
                self.plans.push((key, plan));
                // Invariant: the plan was pushed just above.
                &self.plans[self.plans.len() - 1].1
            }
        };
        let out = rustybuzz::shape_with_plan(&self.face, plan, buffer);
        let em = self.face.units_per_em() as f32;
        // A glyph stands for the text from its cluster's start up to the
        // next cluster's start (clusters are byte offsets into `text`).
        let mut starts: Vec<usize> = out
            .glyph_infos()
            .iter()
            .map(|i| i.cluster as usize)
            .collect();
        starts.sort_unstable();
        starts.dedup();
        out.glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(info, pos)| {
                let start = info.cluster as usize;
                let end = starts
                    .get(starts.partition_point(|s| *s <= start))
                    .copied()
                    .unwrap_or(text.len());
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    pos.x_advance as f32 / em,
                    pos.x_offset as f32 / em,
                    pos.y_offset as f32 / em,
                    pos.y_advance as f32 / em,
                    start..end,
                    None,
                )
            })
            .collect()
    }
}

/// Places everything on pages, moving to a new page when one is full.
struct Layout<'f> {
    regular: Measure<'f>,
    bold: Measure<'f>,
    pages: Vec<Vec<Op>>,
    y: f32,
    geo: Geometry,
}

impl Layout<'_> {
    fn ensure(&mut self, height: f32) {
        if self.y + height > self.geo.page_h - self.geo.margin {
            self.pages.push(Vec::new());
            self.y = self.geo.margin;
        }
    }

    fn push(&mut self, op: Op) {
        // Invariant: `pages` starts with one page and only grows.
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn paragraph(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        let width = self.geo.text_w() - indent;
        self.paragraph_in(text, size, bold, indent, width);
    }

    fn paragraph_in(&mut self, text: &str, size: f32, bold: bool, indent: f32, width: f32) {
        let size = size * self.geo.scale;
        let measure = if bold { &self.bold } else { &self.regular };
        let lines = measure.wrap(text, size, width);
        let leading = size * 1.35;
        for line in lines {
            self.ensure(leading);
            self.y += leading;
            let y = self.y;
            self.push(Op::Text {
                x: self.geo.margin + indent,
                y,
                size,
                bold,
                text: line,
            });
        }
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }
}

/// A document laid out like a receipt: what a receipt and the customer's
/// export report have in common.
pub(crate) struct PdfDocument<'a> {
    pub lang: Lang,
    pub title: &'a str,
    pub intro: &'a str,
    /// (label, value) lines under the title.
    pub details: &'a [(String, String)],
    /// A QR code's modules (row by row, true = dark) and its caption,
    /// beside the details.
    pub qr: Option<(&'a [Vec<bool>], &'a str)>,
    pub sections: &'a [PrintableSection],
    pub notes: &'a [String],
}

/// Lays out and renders `receipt` as PDF bytes (not yet sealed).
pub(crate) fn layout(receipt: &PrintableReceipt, paper: Paper) -> Result<Vec<u8>> {
    layout_on(
        paper,
        &PdfDocument {
            lang: receipt.lang,
            title: &receipt.title,
            intro: &receipt.intro,
            details: &receipt.details,
            qr: Some((&receipt.qr_modules, &receipt.qr_caption)),
            sections: &receipt.sections,
            notes: &receipt.notes,
        },
    )
}

/// Lays out and renders a document as PDF bytes, on A4.
pub(crate) fn layout_document(receipt: &PdfDocument<'_>) -> Result<Vec<u8>> {
    layout_on(Paper::A4, receipt)
}

fn layout_on(paper: Paper, receipt: &PdfDocument<'_>) -> Result<Vec<u8>> {
    let geo = Geometry::of(paper);
    let face = |data| {
        ttf_parser::Face::parse(data, 0).map_err(|_| Error::VaultDamaged {
            reason: "the receipt font cannot be read",
        })
    };
    let mut l = Layout {
        regular: Measure::new(face(REGULAR)?),
        bold: Measure::new(face(BOLD)?),
        pages: vec![Vec::new()],
        y: geo.margin,
        geo,
    };
    l.paragraph(receipt.title, 20.0, true, 0.0);
    l.gap(6.0);
    l.paragraph(receipt.intro, 10.5, false, 0.0);
    l.gap(10.0);
    // On A4 the details run down the left and the QR code and its caption
    // sit to their right, so a receipt usually fits on one page; on a till
    // roll the code comes under them.
    let details_top = l.y;
    let beside = receipt.qr.is_some() && geo.qr_beside;
    let details_w = if beside {
        geo.text_w() - geo.qr_size - 16.0
    } else {
        geo.text_w()
    };
    for (label, value) in receipt.details {
        l.paragraph_in(label, 8.5, true, 0.0, details_w);
        l.paragraph_in(value, 10.5, false, 0.0, details_w);
        l.gap(3.0);
    }
    if let Some((_, caption)) = receipt.qr {
        if beside {
            let details_bottom = l.y;
            let qr_x = geo.page_w - geo.margin - geo.qr_size;
            l.push(Op::Qr {
                x: qr_x,
                y: details_top,
            });
            l.y = details_top + geo.qr_size;
            l.paragraph_in(caption, 7.5, false, qr_x - geo.margin, geo.qr_size);
            l.y = l.y.max(details_bottom);
        } else {
            l.ensure(geo.qr_size + 30.0);
            let qr_x = (geo.page_w - geo.qr_size) / 2.0;
            l.push(Op::Qr { x: qr_x, y: l.y });
            l.y += geo.qr_size;
            l.paragraph(caption, 7.5, false, 0.0);
        }
    }
    for section in receipt.sections {
        l.gap(10.0);
        l.ensure(40.0);
        l.push(Op::Rule { y: l.y + 4.0 });
        l.gap(6.0);
        l.paragraph(&section.heading, 13.0, true, 0.0);
        for item in &section.items {
            l.gap(4.0);
            l.paragraph(&item.name, 11.0, true, 12.0);
            if !item.description.is_empty() {
                l.paragraph(&item.description, 10.0, false, 12.0);
            }
            for d in &item.details {
                l.paragraph(d, 9.0, false, 12.0);
            }
        }
    }
    l.gap(14.0);
    for note in receipt.notes {
        l.paragraph(note, 9.5, false, 0.0);
        l.gap(3.0);
    }
    render(l.pages, receipt, geo)
}

fn render(pages: Vec<Vec<Op>>, receipt: &PdfDocument<'_>, geo: Geometry) -> Result<Vec<u8>> {
    let font = |data: &'static [u8]| {
        Font::new(data.into(), 0).ok_or(Error::VaultDamaged {
            reason: "the receipt font cannot be read",
        })
    };
    let regular = font(REGULAR)?;
    let bold = font(BOLD)?;
    let mut regular_shaper = Shaper::new(REGULAR)?;
    let mut bold_shaper = Shaper::new(BOLD)?;
    let mut doc = Document::new_with(SerializeSettings::default());
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(receipt.title.to_owned())
            .language(receipt.lang.code().to_owned())
            .creator("Steward".to_owned()),
    );
    let total = pages.len();
    let settings = PageSettings::from_wh(geo.page_w, geo.page_h).ok_or(Error::InvalidInput {
        field: "page",
        reason: "invalid page size",
    })?;
    let black = Fill {
        paint: rgb::Color::new(20, 20, 20).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    };
    for (index, ops) in pages.into_iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        surface.set_fill(Some(black.clone()));
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: is_bold,
                    text,
                } => {
                    let (f, shaper) = if is_bold {
                        (bold.clone(), &mut bold_shaper)
                    } else {
                        (regular.clone(), &mut regular_shaper)
                    };
                    let glyphs = shaper.glyphs(&text);
                    surface.draw_glyphs(Point::from_xy(x, y), glyphs, f, &text, size, false);
                }
                Op::Rule { y } => {
                    let mut pb = PathBuilder::new();
                    let (left, right) = (geo.margin, geo.page_w - geo.margin);
                    pb.move_to(left, y);
                    pb.line_to(right, y);
                    pb.line_to(right, y + 0.8);
                    pb.line_to(left, y + 0.8);
                    pb.close();
                    if let Some(path) = pb.finish() {
                        surface.draw_path(&path);
                    }
                }
                Op::Qr { x, y } => {
                    let modules = receipt.qr.map(|(m, _)| m).unwrap_or_default();
                    let n = modules.len().max(1) as f32;
                    // A quiet zone of four modules on each side, as scanners expect.
                    let module = geo.qr_size / (n + 8.0);
                    let mut pb = PathBuilder::new();
                    for (r, row) in modules.iter().enumerate() {
                        for (c, dark) in row.iter().enumerate() {
                            if *dark {
                                let mx = x + (c as f32 + 4.0) * module;
                                let my = y + (r as f32 + 4.0) * module;
                                pb.move_to(mx, my);
                                pb.line_to(mx + module, my);
                                pb.line_to(mx + module, my + module);
                                pb.line_to(mx, my + module);
                                pb.close();
                            }
                        }
                    }
                    if let Some(path) = pb.finish() {
                        surface.draw_path(&path);
                    }
                }
            }
        }
        if total > 1 {
            let label = receipt.lang.pack().text(
                "receipt.page",
                &[
                    ("n", &(index + 1).to_string()),
                    ("total", &total.to_string()),
                ],
            );
            let glyphs = regular_shaper.glyphs(&label);
            surface.draw_glyphs(
                // A4's margin holds the end of "Page 1 of 2"; a roll's is too narrow.
                Point::from_xy(
                    geo.page_w - geo.margin - if geo.qr_beside { 30.0 } else { 60.0 },
                    geo.page_h - geo.margin / 2.0,
                ),
                glyphs,
                regular.clone(),
                &label,
                8.0,
                false,
            );
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|_| Error::InvalidInput {
        field: "receipt",
        reason: "the PDF could not be produced",
    })
}
