//! The residue check anyone allowed can run (`steward residue-scan`): reads
//! every page of the vault decrypted, free pages included, every frame
//! still in its journal and its shared memory, and says where a text
//! occurs, as typed, in lower case, or folded as the search index keeps
//! it (lower case, accents dropped). The index keeps words one by one, so
//! a name is checked there word by word: scan each word of it. The text is never logged or stored; that a scan ran, by whom,
//! and whether it found anything, is.
//!
//! Also the destruction records, for the owner and the auditor.

use serde::Serialize;

use crate::audit::{AuditEvent, Outcome};
use crate::error::{Error, Result};
use crate::people::Session;
use crate::permissions::Action;
use crate::records::erasure::{self, DestructionRecord};
use crate::rights::stored_forms;
use crate::store::pages::{self, PagesRead, Place};
use crate::store::Vault;

/// Shorter texts match by chance.
const MIN_TEXT_CHARS: usize = 4;

/// What each of [`stored_forms`] is, in the same order.
fn stored_form_names(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let mut names = vec!["as given"];
    if lower != text {
        names.push("lower case");
    }
    if stored_forms(text).len() > names.len() {
        names.push("folded like the search index");
    }
    names
}

/// What a residue scan found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResidueScan {
    pub found: bool,
    pub places: Vec<Place>,
    /// The forms looked for, in order (`Place::form` counts from 0): as
    /// given, lower case, folded. Described, not repeated: the text itself
    /// is not echoed back.
    pub forms: Vec<&'static str>,
    pub read: PagesRead,
}

impl Vault {
    /// Looks for `text` in every decrypted page of the vault and its
    /// journal (see the module's description). Owner and auditor.
    pub fn residue_scan(&mut self, session: &mut Session, text: &str) -> Result<ResidueScan> {
        self.authorize(session, Action::ScanForResidue)?;
        let text = text.trim();
        if text.chars().count() < MIN_TEXT_CHARS {
            return Err(Error::InvalidInput {
                field: "text",
                reason: "give at least 4 characters to look for",
            });
        }
        let needles = stored_forms(text);
        let forms = stored_form_names(text);
        let (places, read) = pages::scan(self.path(), self.db_key(), &needles)?;
        let found = !places.is_empty();
        self.log_standalone(
            AuditEvent::new("vault.residue_scan", Outcome::Ok)
                .by(session.user_id(), session.role())
                .because(if found { "found" } else { "not found" }),
        )?;
        Ok(ResidueScan {
            found,
            places,
            forms,
            read,
        })
    }

    /// Every destruction record, newest first. Owner and auditor.
    pub fn destruction_records(&mut self, session: &mut Session) -> Result<Vec<DestructionRecord>> {
        self.authorize(session, Action::ViewDestructionRecords)?;
        erasure::all(&self.conn)
    }
}
