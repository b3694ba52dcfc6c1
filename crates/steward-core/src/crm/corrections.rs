//! Corrections (accuracy): a customer's recorded data and their tags,
//! changed by the owner or a manager, each value checked and allowed only
//! under a consent that covers it, and never while it is restricted.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::{consented_fields, granted_states, require_purpose};
use crate::audit::{AuditEvent, Outcome, Subject};
use crate::catalog::{self, validate_free_text, FieldSpec, NAME_FIELD};
use crate::consent::purposes::{enabled_fields, load_purposes};
use crate::error::{Error, Result};
use crate::people::Session;
use crate::permissions::Action;
use crate::purpose_id;
use crate::records::restriction::ensure_not_restricted;
use crate::records::{self, customer, fields, recipients, tags};
use crate::store::Vault;

const MAX_TAGS: usize = 20;

fn check_tag(raw: &str) -> Result<String> {
    let tag = validate_free_text("tags", raw, 30, false)?;
    if !tag
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(Error::InvalidInput {
            field: "tags",
            reason: "a tag holds letters, digits, spaces and dashes only",
        });
    }
    Ok(tag.to_lowercase())
}

/// One correction to a customer's recorded data: a new value, or `None` to
/// remove the value.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub value: Option<String>,
}

impl Vault {
    /// Corrects a customer's recorded data (accuracy): every value is
    /// checked first and nothing is stored if one fails. A value may be
    /// set only if the field is switched on and a purpose the customer
    /// agreed to covers it (`ConsentMissing` names the purpose to ask for);
    /// removing a value is always allowed, except the name. Returns the
    /// fields changed. The old values leave the file and its WAL.
    pub fn correct_customer(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        changes: &[FieldChange],
    ) -> Result<Vec<&'static str>> {
        self.authorize(session, Action::EditCustomer)?;
        if changes.is_empty() {
            return Err(Error::InvalidInput {
                field: "fields",
                reason: "name at least one field to correct",
            });
        }
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        ensure_not_restricted(self, session, customer_id, "customer.correct")?;
        let lang = customer::lang(&self.conn, customer_id)?;
        let granted = granted_states(&self.conn, &customer_ref)?;
        let covered = consented_fields(&self.conn, lang, &granted)?;
        let enabled = enabled_fields(&self.conn)?;
        let all_purposes = load_purposes(&self.conn)?;
        let mut checked: Vec<(&'static FieldSpec, Option<String>)> = Vec::new();
        for change in changes {
            let spec = catalog::spec(&change.field)?;
            if checked.iter().any(|(s, _)| s.key == spec.key) {
                return Err(Error::InvalidInput {
                    field: spec.key,
                    reason: "it is named twice",
                });
            }
            let value = match change.value.as_deref() {
                None => {
                    if spec.key == NAME_FIELD {
                        return Err(Error::InvalidInput {
                            field: NAME_FIELD,
                            reason: "a customer record needs the customer's name",
                        });
                    }
                    None
                }
                Some(raw) => {
                    if !enabled.iter().any(|f| f.key == spec.key) {
                        return Err(Error::FieldDisabled {
                            field: spec.key.to_owned(),
                        });
                    }
                    let value = catalog::validate(spec, raw)?;
                    if !covered.iter().any(|(_, f)| f.contains(spec.key)) {
                        let asked = all_purposes
                            .iter()
                            .find(|p| p.active && p.fields.iter().any(|f| f == spec.key));
                        return Err(match asked {
                            Some(p) => Error::ConsentMissing {
                                purpose: p.id.clone(),
                            },
                            None => Error::FieldNotConsented {
                                field: spec.key.to_owned(),
                            },
                        });
                    }
                    Some(value)
                }
            };
            checked.push((spec, value));
        }
        let (user_id, role) = (session.user_id(), session.role());
        let changed = self.transact("correct a customer's data", |tx| {
            let conn = tx.conn();
            for (spec, value) in &checked {
                match value {
                    Some(v) => fields::put(conn, customer_id, spec.key, v, tx.now)?,
                    None => fields::remove(conn, customer_id, spec.key)?,
                }
            }
            records::sync_search(conn, customer_id)?;
            let keys: Vec<&'static str> = checked.iter().map(|(s, _)| s.key).collect();
            // Recipients that received a corrected field must be told (Art. 19).
            recipients::queue_notices(conn, customer_id, "corrected", Some(&keys), tx.now)?;
            tx.audit(
                AuditEvent::new("customer.correct", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because("correction")
                    .touching(keys.clone()),
            )?;
            Ok(keys)
        })?;
        self.checkpoint_wal("correct a customer's data")?;
        Ok(changed)
    }

    /// Replaces a customer's tags (short labels: letters, digits, spaces
    /// and dashes). Returns them as stored (lower case, sorted).
    pub fn set_tags(
        &mut self,
        session: &mut Session,
        customer_id: i64,
        tags: &[String],
    ) -> Result<Vec<String>> {
        self.authorize(session, Action::EditCustomer)?;
        let customer_ref = customer::public_id(&self.conn, customer_id)?;
        ensure_not_restricted(self, session, customer_id, "customer.tags")?;
        require_purpose(
            &granted_states(&self.conn, &customer_ref)?,
            purpose_id::of_record("tags"),
        )?;
        if tags.len() > MAX_TAGS {
            return Err(Error::InvalidInput {
                field: "tags",
                reason: "a customer has 20 tags at most",
            });
        }
        let tags: BTreeSet<String> = tags.iter().map(|t| check_tag(t)).collect::<Result<_>>()?;
        let (user_id, role) = (session.user_id(), session.role());
        self.transact("tag a customer", |tx| {
            tags::replace(tx.conn(), customer_id, &tags)?;
            tx.audit(
                AuditEvent::new("customer.tags", Outcome::Ok)
                    .by(user_id, role)
                    .on(Subject::Customer(customer_id))
                    .because(purpose_id::of_record("tags"))
                    .touching(["tags"]),
            )
        })?;
        Ok(tags.into_iter().collect())
    }
}
