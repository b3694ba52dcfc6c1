//! Reading a shop's list (CSV, with the `csv` crate) into invitations: which
//! column holds what (given, or found from the header's words), each row's
//! values checked by the customer catalog's own rules (`catalog::validate`,
//! `catalog::validate_free_text`), and why a row is left out, by its
//! spreadsheet row number and field, never with its values.
//!
//! A file that cannot be read as a list at all (not UTF-8, rows of
//! different lengths, no header where one is needed, a line too long, too
//! many rows) is refused whole: `ImportFileInvalid`.

use std::io::Read;

use serde::Serialize;

use super::table::Values;
use crate::catalog::{self, FieldSpec};
use crate::error::{Error, Result};

/// The longest line accepted, in bytes: a list's row is a few hundred at
/// most; a 2 GB "line" is a damaged file or not a list, and must not be
/// read into memory.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// The most rows one file may hold.
pub const MAX_ROWS: u64 = 1_000_000;
/// The longest note kept with an invitation, as for a customer's note.
const MAX_NOTE_CHARS: usize = 2000;
/// How many row problems a preview or a report lists (all are counted).
pub const LISTED_PROBLEMS: usize = 200;

/// A column of the file: by its header's text, or by its position (1 is
/// the first column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Named(String),
    Position(usize),
}

impl Column {
    /// A column as typed: a number is a position, anything else a header.
    pub fn parse(text: &str) -> Column {
        match text.trim().parse::<usize>() {
            Ok(n) => Column::Position(n),
            Err(_) => Column::Named(text.trim().to_owned()),
        }
    }
}

/// Whether the file's first row names its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderRow {
    /// A header if the first row has a known column title (or one the
    /// mapping names).
    #[default]
    Detect,
    Present,
    Absent,
}

/// Which column holds what. A field left `None` is found from the header
/// row's words (`name`, `e-mail`, `telèfon`, `nama`...), if there is one.
#[derive(Debug, Clone, Default)]
pub struct ColumnMapping {
    pub header: HeaderRow,
    pub name: Option<Column>,
    pub email: Option<Column>,
    pub phone: Option<Column>,
    pub notes: Option<Column>,
}

/// The columns a file was read with (1 is the first), and the header's
/// titles if it had one (column titles, not anyone's data).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedColumns {
    pub header: Option<Vec<String>>,
    pub name: usize,
    pub email: Option<usize>,
    pub phone: Option<usize>,
    pub notes: Option<usize>,
}

/// Why a row was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Problem {
    /// The name is empty (every invitation needs one).
    Missing,
    /// The value fails the customer catalog's check for its field.
    Invalid,
    /// It looks like a payment card number, which Steward never stores.
    CardNumber,
    /// A customer already has this e-mail address or phone number.
    AlreadyCustomer,
    /// A waiting invitation already has it.
    AlreadyInvited,
    /// An earlier row of the same file has it.
    RepeatedInFile,
}

/// One row left out: its spreadsheet row number (the header is row 1),
/// the field, and why, in words that hold none of its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    pub row: u64,
    pub field: &'static str,
    pub problem: Problem,
    /// The reason in English (the CLI's words; the UI words `problem`).
    pub reason: &'static str,
}

/// A file read and checked: the rows to store, and what was left out.
pub(crate) struct Examined {
    pub columns: ResolvedColumns,
    /// Spreadsheet row number and checked values.
    pub rows: Vec<(u64, Values)>,
    /// Data rows read (empty ones included).
    pub read: u64,
    pub empty: u64,
    /// Rows left out for a value that fails its check.
    pub invalid: u64,
    pub problems: Vec<RowProblem>,
}

/// The marker of a line stopped by [`LineLimit`].
#[derive(Debug)]
struct LineTooLong;

impl std::fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("line too long")
    }
}

impl std::error::Error for LineTooLong {}

/// Counts bytes since the last line break and stops a line longer than
/// [`MAX_LINE_BYTES`] before it is read into memory.
struct LineLimit<R> {
    inner: R,
    since_break: usize,
}

impl<R: Read> Read for LineLimit<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for b in &buf[..n] {
            if *b == b'\n' || *b == b'\r' {
                self.since_break = 0;
            } else {
                self.since_break += 1;
                if self.since_break > MAX_LINE_BYTES {
                    return Err(std::io::Error::other(LineTooLong));
                }
            }
        }
        Ok(n)
    }
}

fn is_line_too_long(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<LineTooLong>())
}

/// Header titles that name each field, folded (lower case, no accents,
/// letters and digits only), in the four languages Steward speaks.
const TITLES: &[(&str, &[&str])] = &[
    (
        "name",
        &[
            "name",
            "fullname",
            "customer",
            "customername",
            "client",
            "clientname",
            "nom",
            "nomcomplet",
            "nombre",
            "nombrecompleto",
            "cliente",
            "nama",
            "namalengkap",
            "pelanggan",
        ],
    ),
    (
        "email",
        &[
            "email",
            "emailaddress",
            "mail",
            "correu",
            "correuelectronic",
            "correo",
            "correoelectronico",
            "surel",
            "alamatemail",
        ],
    ),
    (
        "phone",
        &[
            "phone",
            "phonenumber",
            "telephone",
            "mobile",
            "mobilephone",
            "tel",
            "telefon",
            "telefono",
            "mobil",
            "movil",
            "telepon",
            "nomortelepon",
            "hp",
            "nohp",
            "whatsapp",
        ],
    ),
    (
        "notes",
        &[
            "notes",
            "note",
            "comments",
            "comment",
            "notas",
            "nota",
            "observacions",
            "observaciones",
            "comentaris",
            "comentarios",
            "catatan",
            "keterangan",
        ],
    ),
];

/// The field a header title names, if it is one of [`TITLES`].
fn field_of_title(text: &str) -> Option<&'static str> {
    let t = super::table::search_key(text).replace(' ', "");
    TITLES
        .iter()
        .find(|(_, titles)| titles.contains(&t.as_str()))
        .map(|(f, _)| *f)
}

/// The delimiter of the file: the one of `,`, `;` and tab that the first
/// line has most of (a spreadsheet saved in Spanish or Catalan uses `;`).
fn sniff_delimiter(first_line: &[u8]) -> u8 {
    let count = |d: u8| first_line.iter().filter(|b| **b == d).count();
    [b';', b'\t']
        .into_iter()
        .filter(|d| count(*d) > count(b','))
        .max_by_key(|d| count(*d))
        .unwrap_or(b',')
}

fn invalid(reason: &'static str, row: Option<u64>) -> Error {
    Error::ImportFileInvalid { reason, row }
}

/// What a CSV error means for the person who picked the file.
fn csv_error(e: csv::Error) -> Error {
    let row = e.position().map(|p| p.record() + 1);
    match e.into_kind() {
        csv::ErrorKind::Utf8 { .. } => invalid(
            "it is not UTF-8 text; save it from the spreadsheet as \"CSV UTF-8\"",
            row,
        ),
        csv::ErrorKind::UnequalLengths { .. } => invalid(
            "a row has a different number of columns than the first row (a quote left open, or a stray delimiter)",
            row,
        ),
        csv::ErrorKind::Io(io) if is_line_too_long(&io) => {
            invalid("a line is longer than 64 KiB, which no list's row is", None)
        }
        csv::ErrorKind::Io(io) => Error::io("read the file")(io),
        _ => invalid("it cannot be read as CSV", row),
    }
}

/// Reads and checks the file. `collected` is the fields the shop collects;
/// a mapped column for another is refused (`FieldDisabled`), one found
/// only from the header is left out (`skipped`).
pub(crate) fn examine(
    input: &mut dyn Read,
    mapping: &ColumnMapping,
    collected: &[&'static FieldSpec],
    skipped: &mut Vec<&'static str>,
) -> Result<Examined> {
    let mut input = LineLimit {
        inner: std::io::BufReader::with_capacity(64 * 1024, input),
        since_break: 0,
    };
    // The first line decides the delimiter; it is read (within the line
    // limit) and put back in front of the rest.
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte) {
            Ok(0) => break,
            Ok(_) => {
                first.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
            Err(e) if is_line_too_long(&e) => {
                return Err(invalid(
                    "a line is longer than 64 KiB, which no list's row is",
                    Some(1),
                ))
            }
            Err(e) => return Err(Error::io("read the file")(e)),
        }
    }
    // A spreadsheet's "CSV UTF-8" starts with a byte order mark.
    let start = if first.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let delimiter = sniff_delimiter(&first[start..]);
    let chained = Read::chain(&first[start..], &mut input);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(chained);
    let mut record = csv::StringRecord::new();
    if !reader.read_record(&mut record).map_err(csv_error)? {
        return Err(invalid("it is empty", None));
    }
    let first_cells: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
    let header = match mapping.header {
        HeaderRow::Present => true,
        HeaderRow::Absent => false,
        HeaderRow::Detect => {
            let titled = |c: &Column| matches!(c, Column::Named(n) if first_cells.iter().any(|h| h.eq_ignore_ascii_case(n)));
            [
                &mapping.name,
                &mapping.email,
                &mapping.phone,
                &mapping.notes,
            ]
            .into_iter()
            .flatten()
            .any(titled)
                || first_cells.iter().any(|h| field_of_title(h).is_some())
        }
    };
    let columns = resolve(mapping, &first_cells, header, collected, skipped)?;
    let mut examined = Examined {
        columns,
        rows: Vec::new(),
        read: 0,
        empty: 0,
        invalid: 0,
        problems: Vec::new(),
    };
    if !header {
        check_row(&mut examined, 1, &record);
    }
    let mut row: u64 = 1;
    while reader.read_record(&mut record).map_err(csv_error)? {
        row += 1;
        if row > MAX_ROWS + 1 {
            return Err(invalid(
                "it has more than a million rows; split it into smaller files",
                Some(row),
            ));
        }
        check_row(&mut examined, row, &record);
    }
    Ok(examined)
}

/// Which column holds each field (0 is the first), from the mapping and
/// the header's titles.
fn resolve(
    mapping: &ColumnMapping,
    first_cells: &[String],
    header: bool,
    collected: &[&'static FieldSpec],
    skipped: &mut Vec<&'static str>,
) -> Result<ResolvedColumns> {
    let width = first_cells.len();
    let find = |col: &Column| -> Result<usize> {
        match col {
            Column::Position(n) if (1..=width).contains(n) => Ok(n - 1),
            Column::Position(_) => Err(invalid(
                "a column given by position is not in the file (1 is the first column)",
                None,
            )),
            Column::Named(_) if !header => Err(invalid(
                "a column is given by its title, but the file has no header row; give its position instead (1 is the first column)",
                None,
            )),
            Column::Named(t) => first_cells
                .iter()
                .position(|h| h.eq_ignore_ascii_case(t))
                .ok_or(invalid(
                    "no column of the header row has the title given; check its spelling",
                    Some(1),
                )),
        }
    };
    let mut pick = |field: &'static str, given: &Option<Column>| -> Result<Option<usize>> {
        let given = given.as_ref().map(&find).transpose()?;
        let detected = match (given, header) {
            (None, true) => first_cells
                .iter()
                .position(|h| field_of_title(h) == Some(field)),
            _ => None,
        };
        let is_collected = field == "notes" || collected.iter().any(|f| f.key == field);
        if !is_collected {
            if given.is_some() {
                return Err(Error::FieldDisabled {
                    field: field.to_owned(),
                });
            }
            if detected.is_some() {
                skipped.push(field);
            }
            return Ok(None);
        }
        Ok(given.or(detected))
    };
    let name = pick("name", &mapping.name)?;
    let email = pick("email", &mapping.email)?;
    let phone = pick("phone", &mapping.phone)?;
    let notes = pick("notes", &mapping.notes)?;
    let Some(name) = name else {
        return Err(if header {
            invalid(
                "no column of the header row holds the name; say which one does",
                Some(1),
            )
        } else {
            invalid(
                "the first row is not a header row; add one (name, e-mail, phone, notes) or give the columns by position",
                Some(1),
            )
        });
    };
    let used: Vec<usize> = [Some(name), email, phone, notes]
        .into_iter()
        .flatten()
        .collect();
    if (1..used.len()).any(|i| used[..i].contains(&used[i])) {
        return Err(invalid("two fields are given the same column", None));
    }
    Ok(ResolvedColumns {
        header: header.then(|| first_cells.to_vec()),
        name: name + 1,
        email: email.map(|c| c + 1),
        phone: phone.map(|c| c + 1),
        notes: notes.map(|c| c + 1),
    })
}

/// Checks one row with the customer catalog's rules; a good one joins
/// `rows`, a bad one its problems.
fn check_row(examined: &mut Examined, row: u64, record: &csv::StringRecord) {
    examined.read += 1;
    if record.iter().all(|c| c.trim().is_empty()) {
        examined.empty += 1;
        return;
    }
    let columns = &examined.columns;
    let cell = |c: Option<usize>| {
        c.and_then(|c| record.get(c - 1))
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut check = |field: &'static str, raw: Option<&str>| -> Option<String> {
        let raw = raw?;
        let checked = match field {
            "notes" => catalog::validate_free_text("notes", raw, MAX_NOTE_CHARS, true),
            key => catalog::spec(key).and_then(|spec| catalog::validate(spec, raw)),
        };
        match checked {
            Ok(v) => Some(v),
            Err(e) => {
                let (problem, reason) = match e {
                    Error::CardNumberRefused { .. } => (
                        Problem::CardNumber,
                        "it looks like a payment card number, which Steward never stores",
                    ),
                    Error::InvalidInput { reason, .. } => (Problem::Invalid, reason),
                    _ => (Problem::Invalid, "it is not valid"),
                };
                problems.push(RowProblem {
                    row,
                    field,
                    problem,
                    reason,
                });
                None
            }
        }
    };
    let name_cell = cell(Some(columns.name));
    let name = check("name", name_cell);
    let email = check("email", cell(columns.email));
    let phone = check("phone", cell(columns.phone));
    let notes = check("notes", cell(columns.notes));
    if name_cell.is_none() {
        problems.insert(
            0,
            RowProblem {
                row,
                field: "name",
                problem: Problem::Missing,
                reason: "the name is empty; every invitation needs one",
            },
        );
    }
    match name {
        Some(name) if problems.is_empty() => examined.rows.push((
            row,
            Values {
                name,
                email,
                phone,
                notes,
            },
        )),
        _ => {
            examined.invalid += 1;
            examined.problems.extend(problems);
        }
    }
}
