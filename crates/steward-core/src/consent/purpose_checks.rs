//! The checks a new purpose or a change to one passes before anything is
//! written: ids, texts, retention, fields, and what membership must keep.
//! `purposes` saves what passes; the owner's preview of a change
//! (`oversight::purposes`) runs the same checks, so it refuses what saving
//! would refuse. No SQL here.

use std::collections::BTreeMap;

use super::purposes::{LegalBasis, NewPurpose, Purpose, PurposeChange, PurposeText};
use crate::catalog::{self, NAME_FIELD};
use crate::error::{Error, Result};
use crate::language::Lang;

/// A new purpose that passed every check, a text in every language.
#[derive(Debug, Clone)]
pub(crate) struct CheckedNew {
    pub id: String,
    pub legal_basis: LegalBasis,
    pub retention_days: u32,
    pub fields: Vec<String>,
    pub marketing: bool,
    pub texts: BTreeMap<Lang, PurposeText>,
}

/// A change to a purpose that passed every check.
#[derive(Debug, Clone)]
pub(crate) struct CheckedChange {
    pub retention_days: Option<u32>,
    pub retention_clock: Option<super::clock::RetentionClock>,
    pub fields: Option<Vec<String>>,
    pub active: Option<bool>,
    pub marketing: Option<bool>,
    pub texts: Vec<(Lang, PurposeText)>,
}

/// Checks a new purpose; texts for languages left out are copied from the
/// first given, so every language has one (the owner then translates them).
pub(crate) fn check_new(new: &NewPurpose) -> Result<CheckedNew> {
    let id = validate_purpose_id(&new.id)?;
    let retention_days = validate_retention(new.retention_days)?;
    let fields = validate_fields(&new.fields)?;
    let Some(first) = new.texts.values().next() else {
        return Err(Error::InvalidInput {
            field: "purpose name",
            reason: "give a name and description in at least one language",
        });
    };
    let first = validate_text(first)?;
    let mut texts = BTreeMap::new();
    for lang in Lang::ALL {
        let t = match new.texts.get(&lang) {
            Some(t) => validate_text(t)?,
            None => first.clone(),
        };
        texts.insert(lang, t);
    }
    Ok(CheckedNew {
        id,
        legal_basis: new.legal_basis,
        retention_days,
        fields,
        marketing: new.marketing,
        texts,
    })
}

/// Checks a change to `current`. Membership stays required, active, not
/// marketing, and keeps the name.
pub(crate) fn check_change(current: &Purpose, change: &PurposeChange) -> Result<CheckedChange> {
    if current.required && change.marketing == Some(true) {
        return Err(Error::InvalidInput {
            field: "marketing",
            reason: "membership is not a marketing purpose",
        });
    }
    if current.required && change.active == Some(false) {
        return Err(Error::InvalidInput {
            field: "active",
            reason: "membership cannot be switched off: every customer record depends on it",
        });
    }
    let retention_days = change.retention_days.map(validate_retention).transpose()?;
    let fields = change.fields.as_deref().map(validate_fields).transpose()?;
    if current.required
        && fields
            .as_ref()
            .is_some_and(|f| !f.iter().any(|k| k == NAME_FIELD))
    {
        return Err(Error::InvalidInput {
            field: "fields",
            reason: "membership must keep the name field",
        });
    }
    let texts = change
        .texts
        .iter()
        .map(|(l, t)| validate_text(t).map(|t| (*l, t)))
        .collect::<Result<Vec<_>>>()?;
    Ok(CheckedChange {
        retention_days,
        retention_clock: change.retention_clock,
        fields,
        active: change.active,
        marketing: change.marketing,
        texts,
    })
}

fn validate_purpose_id(id: &str) -> Result<String> {
    let ok = !id.is_empty()
        && id.len() <= 40
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(id.to_owned())
    } else {
        Err(Error::InvalidInput {
            field: "purpose id",
            reason: "use lowercase letters, digits and dashes, starting with a letter (at most 40)",
        })
    }
}

fn validate_text(text: &PurposeText) -> Result<PurposeText> {
    let check = |field: &'static str, v: &str, max: usize| -> Result<String> {
        let v = v.trim();
        if v.is_empty() {
            return Err(Error::InvalidInput {
                field,
                reason: "it is empty",
            });
        }
        if v.chars().count() > max || v.chars().any(char::is_control) {
            return Err(Error::InvalidInput {
                field,
                reason: "it is too long or contains control characters",
            });
        }
        if catalog::has_direction_control(v) {
            return Err(Error::InvalidInput {
                field,
                reason: catalog::DIRECTION_CONTROL_REASON,
            });
        }
        Ok(v.to_owned())
    };
    Ok(PurposeText {
        name: check("purpose name", &text.name, 80)?,
        description: check("purpose description", &text.description, 600)?,
    })
}

fn validate_retention(days: u32) -> Result<u32> {
    if (1..=36500).contains(&days) {
        Ok(days)
    } else {
        Err(Error::InvalidInput {
            field: "retention",
            reason: "it must be between 1 day and 100 years",
        })
    }
}

fn validate_fields(fields: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for f in fields {
        let spec = catalog::spec(f)?;
        if !out.iter().any(|k| k == spec.key) {
            out.push(spec.key.to_owned());
        }
    }
    Ok(out)
}
