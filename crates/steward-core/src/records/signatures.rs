//! The signatures customers gave on the on-screen forms (table
//! `consent_signature`), one per receipt: either a drawing, or the name the
//! customer typed with their confirmation that it is their signature. The
//! ledger and the receipt keep only the SHA-256 of the stored form.
//!
//! The stored form (column `strokes`, named when drawings were the only
//! kind) is text:
//! - a drawing: its strokes as a JSON array of arrays of `[x, y]` points,
//!   exactly as every signature stored before typed ones existed;
//! - a typed name: `{"kind":"typed","name":…,"confirmed":true,"salt":…}`.
//!   The random salt makes the SHA-256 on the receipt and in the ledger,
//!   which outlive an erasure, useless for checking guessed names once the
//!   row is gone.
//!
//! A typed name is personal data like the drawing: it goes with the
//! customer (`ON DELETE CASCADE`), is in their export, and is looked for
//! after an erasure (`typed_names`).

use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{Error, Result};

/// How a customer signed a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SignatureKind {
    /// Drawn on the signature pad.
    Drawn,
    /// Their name typed, and confirmed by them as their signature.
    Typed,
}

impl SignatureKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SignatureKind::Drawn => "drawn",
            SignatureKind::Typed => "typed",
        }
    }
}

/// The stored form of a typed signature, in this field order.
#[derive(Serialize, Deserialize)]
struct TypedForm {
    kind: String,
    name: String,
    confirmed: bool,
    salt: String,
}

/// The stored form of a typed `name` the customer confirmed, with a new
/// random salt (128 bits).
pub(crate) fn typed_form(name: &str) -> String {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let form = TypedForm {
        kind: SignatureKind::Typed.as_str().to_owned(),
        name: name.to_owned(),
        confirmed: true,
        salt: hex::encode(salt),
    };
    // Invariant: a struct of strings and a bool always serializes.
    serde_json::to_string(&form).unwrap_or_default()
}

/// A stored signature read back.
pub(crate) enum Stored {
    /// A drawing (its strokes are the stored form itself).
    Drawn,
    /// The name the customer typed (always confirmed: an unconfirmed one is
    /// never stored).
    Typed { name: String },
}

impl Stored {
    /// Reads a stored form: a JSON array is a drawing (every signature
    /// stored before typed ones existed is one), an object of kind `typed`
    /// a typed name. `None` for anything else, which Steward never wrote.
    pub(crate) fn parse(text: &str) -> Option<Stored> {
        match serde_json::from_str::<Value>(text).ok()? {
            Value::Array(_) => Some(Stored::Drawn),
            object @ Value::Object(_) => {
                let form: TypedForm = serde_json::from_value(object).ok()?;
                (form.kind == SignatureKind::Typed.as_str() && form.confirmed)
                    .then_some(Stored::Typed { name: form.name })
            }
            _ => None,
        }
    }

    pub(crate) fn kind(&self) -> SignatureKind {
        match self {
            Stored::Drawn => SignatureKind::Drawn,
            Stored::Typed { .. } => SignatureKind::Typed,
        }
    }
}

pub(crate) fn insert(
    conn: &Connection,
    receipt_id: &str,
    customer_id: i64,
    stored: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO consent_signature (receipt_id, customer_id, strokes) VALUES (?1, ?2, ?3)",
        params![receipt_id, customer_id, stored],
    )
    .map_err(Error::db("save the signature"))?;
    Ok(())
}

/// The signature stored with a receipt, if the shop still holds it (it goes
/// with the customer).
pub(crate) fn of_receipt(conn: &Connection, receipt_id: &str) -> Result<Option<Stored>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT strokes FROM consent_signature WHERE receipt_id = ?1",
            [receipt_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::db("read a signature"))?;
    Ok(text.as_deref().and_then(Stored::parse))
}

/// Every stored form of a customer's signatures, by receipt.
fn stored_of(conn: &Connection, customer_id: i64) -> Result<Vec<(String, String)>> {
    let err = Error::db("read a customer's signatures");
    let mut stmt = conn
        .prepare_cached(
            "SELECT receipt_id, strokes FROM consent_signature WHERE customer_id = ?1 ORDER BY receipt_id",
        )
        .map_err(err)?;
    let rows = stmt
        .query_map([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(Error::db("read a customer's signatures"))?;
    rows.collect::<rusqlite::Result<_>>()
        .map_err(Error::db("read a customer's signatures"))
}

/// The names a customer typed as their signatures: values an erasure must
/// leave nowhere in the vault.
pub(crate) fn typed_names(conn: &Connection, customer_id: i64) -> Result<Vec<String>> {
    Ok(stored_of(conn, customer_id)?
        .into_iter()
        .filter_map(|(_, text)| match Stored::parse(&text) {
            Some(Stored::Typed { name }) => Some(name),
            _ => None,
        })
        .collect())
}

/// Whether any customer's stored signature holds `text` (their typed name):
/// after an erasure such a match is theirs, not residue.
pub(crate) fn any_contains(conn: &Connection, text: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM consent_signature WHERE instr(strokes, ?1) > 0 LIMIT 1")
        .and_then(|mut s| s.exists([text]))
        .map_err(Error::db("look for a text in the records"))
}

/// A customer's signatures for their export: per receipt, how they signed,
/// the typed name or the strokes, and the exact stored form (whose SHA-256
/// the receipt's `signatureSha256` is).
pub(crate) fn export(conn: &Connection, customer_id: i64) -> Result<Vec<Value>> {
    Ok(stored_of(conn, customer_id)?
        .into_iter()
        .map(|(receipt_id, text)| {
            let parsed = Stored::parse(&text);
            let (typed_name, strokes) = match &parsed {
                Some(Stored::Typed { name }) => (Value::from(name.as_str()), Value::Null),
                Some(Stored::Drawn) => (Value::Null, Value::from(text.as_str())),
                None => (Value::Null, Value::Null),
            };
            json!({
                "receipt_id": receipt_id,
                "kind": parsed.as_ref().map(|s| s.kind().as_str()),
                "typed_name": typed_name,
                "confirmed_by_customer": matches!(parsed, Some(Stored::Typed { .. })),
                "strokes": strokes,
                "stored_form": text,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stroke_array_stored_before_typed_signatures_reads_as_a_drawing() {
        let legacy = "[[[0.1,0.5],[0.4,0.2],[0.8,0.6]],[[0.2,0.2],[0.3,0.3]]]";
        let stored = Stored::parse(legacy).expect("a legacy signature reads");
        assert_eq!(stored.kind(), SignatureKind::Drawn);
    }

    #[test]
    fn a_typed_signature_reads_back_with_its_name_and_a_new_salt_each_time() {
        let a = typed_form("Núria Puig");
        let b = typed_form("Núria Puig");
        assert_ne!(a, b, "each typed signature gets its own salt");
        let Some(Stored::Typed { name }) = Stored::parse(&a) else {
            panic!("a typed signature reads back as typed")
        };
        assert_eq!(name, "Núria Puig");
    }

    #[test]
    fn an_unconfirmed_or_unknown_stored_form_is_not_a_signature() {
        for text in [
            r#"{"kind":"typed","name":"A","confirmed":false,"salt":"00"}"#,
            r#"{"kind":"stamp","name":"A","confirmed":true,"salt":"00"}"#,
            "\"a name\"",
            "not json",
        ] {
            assert!(Stored::parse(text).is_none(), "{text}");
        }
    }
}
