//! The field catalog: every piece of customer data Steward can hold, what
//! kind of data it is, how it is checked, and whether the shop has switched
//! it on. Out of the box only a name and an e-mail address are collected;
//! the owner switches on more in settings. A field that is switched off is
//! never stored, and no field is stored unless a purpose the customer agreed
//! to needs it (checked in `consent`).
//!
//! This module validates values but never returns or logs one: errors name
//! the field only.

use serde::Serialize;

use crate::error::{Error, Result};

/// How sensitive a field is. `Sensitive` marks special-category data (health,
/// here) which receipts flag and later capabilities treat with extra care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    Normal,
    Sensitive,
}

/// How a field's value is checked, which also tells a form what to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines (an address).
    MultilineText,
    Email,
    /// International format: `+`, country code and number.
    Phone,
    /// `YYYY-MM-DD`, in the past.
    Date,
    /// A country code and a postal code in that country's format
    /// (`ES 08001`, `NL 1012 AB`).
    PostalCode,
}

/// One entry of the catalog.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSpec {
    /// The stable key, used in the database, the CLI and the UI.
    pub key: &'static str,
    pub kind: FieldKind,
    pub sensitivity: Sensitivity,
    /// Special-category code for receipts (Kantara `spiCat`), if sensitive.
    pub spi_category: Option<&'static str>,
    /// Collected out of the box.
    pub enabled_by_default: bool,
    /// The owner cannot switch it off (the membership record needs it).
    pub always_enabled: bool,
    /// Longest accepted value, in characters.
    pub max_chars: usize,
}

const fn field(key: &'static str, kind: FieldKind, max_chars: usize) -> FieldSpec {
    FieldSpec {
        key,
        kind,
        sensitivity: Sensitivity::Normal,
        spi_category: None,
        enabled_by_default: false,
        always_enabled: false,
        max_chars,
    }
}

/// The whole catalog, in the order forms show it.
pub const CATALOG: &[FieldSpec] = &[
    FieldSpec {
        enabled_by_default: true,
        always_enabled: true,
        ..field("name", FieldKind::Text, 200)
    },
    FieldSpec {
        enabled_by_default: true,
        ..field("email", FieldKind::Email, 254)
    },
    field("phone", FieldKind::Phone, 20),
    field("postal_address", FieldKind::MultilineText, 500),
    field("postal_code", FieldKind::PostalCode, 16),
    field("birth_date", FieldKind::Date, 10),
    field("preferences", FieldKind::Text, 500),
    field("sizes", FieldKind::Text, 100),
    FieldSpec {
        sensitivity: Sensitivity::Sensitive,
        spi_category: Some("health"),
        ..field("dietary_needs", FieldKind::Text, 300)
    },
];

/// The field that every customer record must have.
pub const NAME_FIELD: &str = "name";

/// Looks a field up by key.
pub fn spec(key: &str) -> Result<&'static FieldSpec> {
    CATALOG
        .iter()
        .find(|f| f.key == key)
        .ok_or(Error::InvalidInput {
            field: "field",
            reason: "there is no such field in the catalog",
        })
}

/// Checks and normalises a value for `spec` (trims, lowercases e-mail
/// domains, strips spaces from phone numbers). The error names the field,
/// never the value.
pub fn validate(spec: &FieldSpec, raw: &str) -> Result<String> {
    let invalid = |reason: &'static str| Error::InvalidInput {
        field: spec.key,
        reason,
    };
    let value = raw.trim();
    if value.is_empty() {
        return Err(invalid("it is empty"));
    }
    if value.chars().count() > spec.max_chars {
        return Err(invalid("it is too long"));
    }
    let allowed_control = |c: char| spec.kind == FieldKind::MultilineText && c == '\n';
    if value.chars().any(|c| c.is_control() && !allowed_control(c)) {
        return Err(invalid("it contains control characters"));
    }
    if has_direction_control(value) {
        return Err(invalid(DIRECTION_CONTROL_REASON));
    }
    if contains_card_number(value) {
        return Err(Error::CardNumberRefused { field: spec.key });
    }
    match spec.kind {
        FieldKind::Text | FieldKind::MultilineText => Ok(value.to_owned()),
        FieldKind::Email => validate_email(value).ok_or(invalid(
            "it is not an e-mail address (expected name@example.com)",
        )),
        FieldKind::Phone => validate_phone(value).ok_or(invalid(
            "it is not an international phone number (expected +, the country code and 6 to 14 digits)",
        )),
        FieldKind::Date => validate_past_date(value).ok_or(invalid(
            "it is not a date in the past (expected YYYY-MM-DD)",
        )),
        FieldKind::PostalCode => validate_postal_code(value).map_err(invalid),
    }
}

/// Postal code formats by country (ISO 3166 alpha-2): a pattern where `9`
/// is a digit and `A` a letter (other characters stand for themselves), and
/// the hint shown when a code does not fit.
const POSTAL_FORMATS: &[(&str, &[&str], &str)] = &[
    (
        "AD",
        &["AD999"],
        "it is not an Andorran postal code (expected AD and 3 digits, e.g. AD AD500)",
    ),
    (
        "AT",
        &["9999"],
        "it is not an Austrian postal code (expected 4 digits)",
    ),
    (
        "BE",
        &["9999"],
        "it is not a Belgian postal code (expected 4 digits)",
    ),
    (
        "CA",
        &["A9A 9A9"],
        "it is not a Canadian postal code (expected e.g. K1A 0B1)",
    ),
    (
        "CH",
        &["9999"],
        "it is not a Swiss postal code (expected 4 digits)",
    ),
    (
        "DE",
        &["99999"],
        "it is not a German postal code (expected 5 digits)",
    ),
    (
        "DK",
        &["9999"],
        "it is not a Danish postal code (expected 4 digits)",
    ),
    (
        "ES",
        &["99999"],
        "it is not a Spanish postal code (expected 5 digits, e.g. 08001)",
    ),
    (
        "FR",
        &["99999"],
        "it is not a French postal code (expected 5 digits)",
    ),
    (
        "ID",
        &["99999"],
        "it is not an Indonesian postal code (expected 5 digits, e.g. 10110)",
    ),
    (
        "IT",
        &["99999"],
        "it is not an Italian postal code (expected 5 digits)",
    ),
    (
        "MX",
        &["99999"],
        "it is not a Mexican postal code (expected 5 digits)",
    ),
    (
        "NL",
        &["9999 AA"],
        "it is not a Dutch postal code (expected 4 digits and 2 letters, e.g. 1012 AB)",
    ),
    (
        "PT",
        &["9999-999"],
        "it is not a Portuguese postal code (expected e.g. 1000-001)",
    ),
    (
        "US",
        &["99999", "99999-9999"],
        "it is not a US ZIP code (expected 5 digits, or 5+4)",
    ),
];

/// Checks `CC code` against the country's format; countries without a known
/// format accept 2 to 10 letters, digits, spaces and dashes.
fn validate_postal_code(value: &str) -> std::result::Result<String, &'static str> {
    const NO_COUNTRY: &str =
        "start with the two-letter country code, then the postal code (e.g. ES 08001)";
    let (country, code) = value.split_once(' ').ok_or(NO_COUNTRY)?;
    let country = country.to_ascii_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(NO_COUNTRY);
    }
    let code = code.trim().to_uppercase();
    match POSTAL_FORMATS.iter().find(|(c, _, _)| *c == country) {
        Some((_, patterns, hint)) => {
            if patterns.iter().any(|p| fits_pattern(&code, p)) {
                Ok(format!("{country} {code}"))
            } else {
                Err(hint)
            }
        }
        None => {
            let ok = (2..=10).contains(&code.chars().count())
                && code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
            if ok {
                Ok(format!("{country} {code}"))
            } else {
                Err("it is not a postal code (expected 2 to 10 letters, digits, spaces or dashes)")
            }
        }
    }
}

fn fits_pattern(code: &str, pattern: &str) -> bool {
    code.chars().count() == pattern.chars().count()
        && code.chars().zip(pattern.chars()).all(|(c, p)| match p {
            '9' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            other => c == other,
        })
}

fn validate_email(value: &str) -> Option<String> {
    let (local, domain) = value.rsplit_once('@')?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    let local_ok = !local.is_empty()
        && local.chars().count() <= 64
        && !local.chars().any(|c| c.is_whitespace() || c == '@');
    (domain_ok && local_ok).then(|| format!("{local}@{}", domain.to_lowercase()))
}

fn validate_phone(value: &str) -> Option<String> {
    let rest = value.strip_prefix('+')?;
    let compact: String = rest
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let digits_ok = compact.chars().all(|c| c.is_ascii_digit())
        && (7..=15).contains(&compact.len())
        && !compact.starts_with('0');
    digits_ok.then(|| format!("+{compact}"))
}

fn validate_past_date(value: &str) -> Option<String> {
    let date = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    let today = chrono::Utc::now().date_naive();
    let oldest = today.checked_sub_months(chrono::Months::new(12 * 130))?;
    (date < today && date > oldest).then(|| date.format("%Y-%m-%d").to_string())
}

/// Checks free text typed about a customer (a note, a task, a tag, a
/// purchase line): not empty, not too long, no control characters (new lines
/// only where `multiline`), and no payment card number. Returns it trimmed.
pub fn validate_free_text(
    field: &'static str,
    raw: &str,
    max_chars: usize,
    multiline: bool,
) -> Result<String> {
    let invalid = |reason: &'static str| Error::InvalidInput { field, reason };
    let value = raw.trim();
    if value.is_empty() {
        return Err(invalid("it is empty"));
    }
    if value.chars().count() > max_chars {
        return Err(invalid("it is too long"));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(multiline && c == '\n'))
    {
        return Err(invalid("it contains control characters"));
    }
    if has_direction_control(value) {
        return Err(invalid(DIRECTION_CONTROL_REASON));
    }
    if contains_card_number(value) {
        return Err(Error::CardNumberRefused { field });
    }
    Ok(value.to_owned())
}

/// Why text with a direction control is refused, for the error.
pub const DIRECTION_CONTROL_REASON: &str =
    "it contains invisible characters that change the direction of the text";

/// Whether the text holds an invisible bidirectional control (U+202A-U+202E,
/// U+2066-U+2069, U+200E, U+200F, U+061C). They can make stored text read
/// differently from what it is (an e-mail address, a name on a receipt),
/// and no customer's name needs them; Arabic or Hebrew text is laid out
/// without them.
pub fn has_direction_control(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    })
}

/// Whether the text holds something that looks like a payment card number:
/// 13 to 19 digits (spaces and dashes between them allowed) that pass the
/// Luhn check. Card numbers are never stored, whatever field they are typed in.
pub fn contains_card_number(text: &str) -> bool {
    let mut digits: Vec<u8> = Vec::new();
    let flush = |digits: &mut Vec<u8>| -> bool {
        let found = (13..=19).contains(&digits.len()) && luhn_ok(digits)
            || digits.len() > 19 && digits.windows(16).any(luhn_ok);
        digits.clear();
        found
    };
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if let Some(d) = c.to_digit(10) {
            digits.push(d as u8);
        } else {
            // A single space or dash between digit groups keeps the run going.
            let joins_groups = matches!(c, ' ' | '-')
                && !digits.is_empty()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if !joins_groups && flush(&mut digits) {
                return true;
            }
        }
    }
    flush(&mut digits)
}

fn luhn_ok(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(key: &str, raw: &str, expected: Option<&str>) {
        let got = validate(spec(key).unwrap(), raw).ok();
        assert_eq!(got.as_deref(), expected, "{key}: {raw:?}");
    }

    #[test]
    fn values_are_checked_and_normalised_per_kind() {
        check("name", "  Núria Puigdomènech ", Some("Núria Puigdomènech"));
        check("name", "", None);
        check("name", "a\u{7}b", None);
        check("email", "nuria@Example.CAT", Some("nuria@example.cat"));
        check("email", "nuria.example.cat", None);
        check("email", "nuria@localhost", None);
        check("phone", "+34 612 34 56 78", Some("+34612345678"));
        check("phone", "612345678", None);
        check("phone", "+34 61x", None);
        check("birth_date", "1990-02-28", Some("1990-02-28"));
        check("birth_date", "1990-02-30", None);
        check("birth_date", "2999-01-01", None);
        check(
            "postal_address",
            "Carrer Major 1\n08001 Barcelona",
            Some("Carrer Major 1\n08001 Barcelona"),
        );
        check("name", "Carrer\nMajor", None);
    }

    #[test]
    fn postal_codes_are_checked_by_country() {
        check("postal_code", "es 08001", Some("ES 08001"));
        check("postal_code", "NL 1012 ab", Some("NL 1012 AB"));
        check("postal_code", "PT 1000-001", Some("PT 1000-001"));
        check("postal_code", "US 12345-6789", Some("US 12345-6789"));
        check("postal_code", "ID 10110", Some("ID 10110"));
        check("postal_code", "JP 100-0001", Some("JP 100-0001"));
        check("postal_code", "ES 8001", None);
        check("postal_code", "ES 080011", None);
        check("postal_code", "NL 1012", None);
        check("postal_code", "08001", None);
        check("postal_code", "E 08001", None);
        check("postal_code", "JP 100_0001", None);
        let err = validate(spec("postal_code").unwrap(), "ES 0800").unwrap_err();
        assert!(err.to_string().contains("Spanish postal code"), "{err}");
    }

    #[test]
    fn free_text_refuses_card_numbers_and_control_characters() {
        assert_eq!(
            validate_free_text("note", " Likes rye\nand spelt ", 100, true).unwrap(),
            "Likes rye\nand spelt"
        );
        assert!(validate_free_text("title", "a\nb", 100, false).is_err());
        assert!(validate_free_text("note", &"x".repeat(101), 100, true).is_err());
        assert!(matches!(
            validate_free_text("note", "card 5555 5555 5555 4444 ok", 100, true),
            Err(Error::CardNumberRefused { field: "note" })
        ));
    }

    #[test]
    fn card_numbers_are_recognised_in_any_text() {
        // Test numbers published by card networks for integration testing.
        assert!(contains_card_number("4111 1111 1111 1111"));
        assert!(contains_card_number("card 5500-0000-0000-0004 exp 12/29"));
        assert!(contains_card_number("4111111111111111"));
        assert!(!contains_card_number("4111 1111 1111 1112"));
        assert!(!contains_card_number("+34 612 34 56 78"));
        assert!(!contains_card_number("Size 38, 40 and 42"));
        let err = validate(spec("preferences").unwrap(), "pay with 4111111111111111").unwrap_err();
        assert_eq!(err.code(), "card_number_refused");
        assert!(!err.to_string().contains("4111"));
    }
}
