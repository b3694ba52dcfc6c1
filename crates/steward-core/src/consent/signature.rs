//! How a customer signs the on-screen form: by drawing on the signature
//! pad, or, for someone who cannot draw, by typing their name and
//! confirming that it is their signature. What the app sends, how it is
//! checked, and the form it is stored in (`records::signatures`).
//!
//! A typed name is personal data exactly like a drawing: it is stored with
//! the customer and goes with them, and it never reaches an error, a log,
//! the audit log, the ledger or the signed receipt (which keep only a
//! salted SHA-256 and the kind of signature). Its `Debug` prints no name.

use serde::de::Deserializer;
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::catalog;
use crate::error::{Error, Result};
use crate::records::signatures::{self, SignatureKind};

/// A customer's signature on a form.
///
/// On the wire (the app's forms, JSON): a drawing is its strokes, an array
/// of strokes of `[x, y]` points, each coordinate between 0 and 1 relative
/// to the pad (what the app has always sent); a typed signature is
/// `{"kind": "typed", "name": "…", "confirmed": true}`. A drawing may also
/// come as `{"kind": "drawn", "strokes": […]}`.
#[derive(Clone, PartialEq)]
pub enum Signature {
    /// Drawn on the pad: strokes of points in pad units (0..1), so it
    /// redraws at any size.
    Drawn(Vec<Vec<[f64; 2]>>),
    /// The customer's name as they typed it, and whether they confirmed
    /// that typing it is their signature (required).
    Typed(TypedSignature),
}

/// A name the customer typed as their signature.
#[derive(Clone, PartialEq)]
pub struct TypedSignature {
    pub name: String,
    /// The customer ticked "typing my name here is my signature".
    pub confirmed: bool,
}

impl Signature {
    /// A typed signature: `name` as the customer typed it, `confirmed` when
    /// they confirmed it is their signature.
    pub fn typed(name: impl Into<String>, confirmed: bool) -> Signature {
        Signature::Typed(TypedSignature {
            name: name.into(),
            confirmed,
        })
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the name or the strokes: a debug print may end up in a log.
        match self {
            Signature::Drawn(strokes) => write!(f, "Signature::Drawn({} strokes)", strokes.len()),
            Signature::Typed(t) => write!(
                f,
                "Signature::Typed {{ name: <redacted>, confirmed: {} }}",
                t.confirmed
            ),
        }
    }
}

/// A signature checked and in the form it is stored in.
pub(crate) struct Checked {
    pub kind: SignatureKind,
    /// The stored form (`records::signatures`); its SHA-256 goes into the
    /// ledger and the receipt.
    pub stored: String,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The stored form holds the strokes or the name: never printed.
        write!(f, "Checked({})", self.kind.as_str())
    }
}

/// The longest typed name accepted: the catalog's limit for a name.
pub const MAX_TYPED_NAME_CHARS: usize = 200;

const MAX_STROKES: usize = 200;
const MAX_POINTS: usize = 20_000;

/// Checks a drawing's shape and returns its stored form (coordinates
/// rounded to four decimals).
fn drawn_form(strokes: &[Vec<[f64; 2]>]) -> Result<String> {
    let invalid = |reason| Error::InvalidInput {
        field: "signature",
        reason,
    };
    let points: usize = strokes.iter().map(Vec::len).sum();
    if strokes.is_empty() || points < 2 {
        return Err(Error::SignatureRequired);
    }
    if strokes.len() > MAX_STROKES || points > MAX_POINTS {
        return Err(invalid("it has too many strokes or points"));
    }
    let in_pad = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
    if !strokes
        .iter()
        .flatten()
        .all(|[x, y]| in_pad(*x) && in_pad(*y))
    {
        return Err(invalid("a point lies outside the signature pad"));
    }
    let rounded: Vec<Vec<[f64; 2]>> = strokes
        .iter()
        .map(|s| {
            s.iter()
                .map(|[x, y]| [(x * 1e4).round() / 1e4, (y * 1e4).round() / 1e4])
                .collect()
        })
        .collect();
    serde_json::to_string(&rounded).map_err(|_| invalid("it cannot be encoded"))
}

impl TypedSignature {
    /// The name as it is kept: trimmed and in Unicode's composed form (NFC),
    /// so the same name typed on two keyboards is the same. Refused, with a
    /// reason that never quotes it, when empty, longer than
    /// [`MAX_TYPED_NAME_CHARS`], or holding control or direction characters.
    pub(crate) fn checked_name(&self) -> Result<String> {
        let name: String = self.name.trim().nfc().collect();
        match catalog::validate_free_text("typedName", &name, MAX_TYPED_NAME_CHARS, false) {
            Ok(name) => Ok(name),
            Err(Error::InvalidInput { reason, .. }) => Err(Error::TypedSignatureInvalid { reason }),
            Err(other) => Err(other),
        }
    }
}

impl Signature {
    pub(crate) fn kind(&self) -> SignatureKind {
        match self {
            Signature::Drawn(_) => SignatureKind::Drawn,
            Signature::Typed(_) => SignatureKind::Typed,
        }
    }

    /// Checks the signature and returns its stored form. A typed one needs
    /// a name (see [`TypedSignature::checked_name`]) and the customer's
    /// confirmation ([`Error::SignatureNotConfirmed`] otherwise); a drawn
    /// one at least two points, all on the pad.
    pub(crate) fn checked(&self) -> Result<Checked> {
        let stored = match self {
            Signature::Drawn(strokes) => drawn_form(strokes)?,
            Signature::Typed(typed) => {
                let name = typed.checked_name()?;
                if !typed.confirmed {
                    return Err(Error::SignatureNotConfirmed);
                }
                signatures::typed_form(&name)
            }
        };
        Ok(Checked {
            kind: self.kind(),
            stored,
        })
    }

    /// What a form's digest (`once`) says about its signature: a drawing's
    /// SHA-256, or only that a confirmed name was typed — the name itself is
    /// compared with the one stored, so no digest of it outlives an erasure.
    pub(crate) fn form_digest_part(&self) -> String {
        match self {
            Signature::Drawn(strokes) => match drawn_form(strokes) {
                Ok(stored) => hex::encode(Sha256::digest(stored.as_bytes())),
                Err(_) => "invalid".to_owned(),
            },
            Signature::Typed(t) => match (t.checked_name(), t.confirmed) {
                (Ok(_), true) => "typed".to_owned(),
                _ => "invalid".to_owned(),
            },
        }
    }
}

/// The wire forms, read.
#[derive(Deserialize)]
#[serde(untagged)]
enum Wire {
    Strokes(Vec<Vec<[f64; 2]>>),
    Tagged(Tagged),
}

#[derive(Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Tagged {
    Drawn {
        strokes: Vec<Vec<[f64; 2]>>,
    },
    Typed {
        name: String,
        /// Missing means not confirmed: refused when checked, with a
        /// sentence the form can show, rather than as a malformed request.
        #[serde(default)]
        confirmed: bool,
    },
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Signature, D::Error> {
        Ok(match Wire::deserialize(d)? {
            Wire::Strokes(strokes) | Wire::Tagged(Tagged::Drawn { strokes }) => {
                Signature::Drawn(strokes)
            }
            Wire::Tagged(Tagged::Typed { name, confirmed }) => {
                Signature::Typed(TypedSignature { name, confirmed })
            }
        })
    }
}

impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Signature::Drawn(strokes) => strokes.serialize(s),
            Signature::Typed(t) => Tagged::Typed {
                name: t.name.clone(),
                confirmed: t.confirmed,
            }
            .serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stroke_array_the_app_sends_is_a_drawing_and_an_object_a_typed_name() {
        let drawn: Signature = serde_json::from_str("[[[0.1,0.5],[0.4,0.2]]]").unwrap();
        assert_eq!(drawn, Signature::Drawn(vec![vec![[0.1, 0.5], [0.4, 0.2]]]));
        let tagged: Signature =
            serde_json::from_str(r#"{"kind":"drawn","strokes":[[[0.1,0.5],[0.4,0.2]]]}"#).unwrap();
        assert_eq!(tagged, drawn);
        let typed: Signature =
            serde_json::from_str(r#"{"kind":"typed","name":"Núria Puig","confirmed":true}"#)
                .unwrap();
        assert_eq!(typed, Signature::typed("Núria Puig", true));
        let unticked: Signature =
            serde_json::from_str(r#"{"kind":"typed","name":"Núria Puig"}"#).unwrap();
        assert_eq!(unticked, Signature::typed("Núria Puig", false));
        for s in [drawn, typed] {
            let again: Signature =
                serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            assert_eq!(again, s);
        }
    }

    #[test]
    fn a_typed_signature_needs_a_name_and_the_customers_confirmation() {
        let code = |s: Signature| s.checked().err().map(|e| e.code());
        assert_eq!(code(Signature::typed("  Núria Puig ", true)), None);
        assert_eq!(
            code(Signature::typed("Núria Puig", false)),
            Some("signature_not_confirmed")
        );
        for name in ["", "   ", "Núria\u{7}Puig", "Núria \u{202E}giuP"] {
            assert_eq!(
                code(Signature::typed(name, true)),
                Some("typed_signature_invalid"),
                "{name:?}"
            );
        }
        let long = "N".repeat(MAX_TYPED_NAME_CHARS + 1);
        assert_eq!(
            code(Signature::typed(long, true)),
            Some("typed_signature_invalid")
        );
        let longest = "Ñ".repeat(MAX_TYPED_NAME_CHARS);
        assert_eq!(code(Signature::typed(longest, true)), None);
    }

    #[test]
    fn neither_debug_nor_a_refusal_shows_the_typed_name() {
        let s = Signature::typed("Núria Puigdomènech", false);
        assert!(!format!("{s:?}").contains("Puigdom"));
        let err = s.checked().unwrap_err();
        assert!(!err.to_string().contains("Puigdom"));
        let too_long = Signature::typed("Puigdomènech ".repeat(30), true);
        assert!(!too_long
            .checked()
            .unwrap_err()
            .to_string()
            .contains("Puigdom"));
    }
}
