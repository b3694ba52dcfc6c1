//! A receipt as the signed PDF a customer takes home: laid out on A4 or a
//! till printer's 80 mm roll (`pdf`), then sealed with the receipt and the
//! shop's signature over the whole file (`seal_pdf`), so that `receipt
//! verify` can check the paper's file as well as the JSON.

use ed25519_dalek::SigningKey;

use super::pdf::{self, Paper};
use super::{printable_with, seal_pdf};
use crate::consent::signing_key::load_signing_key;
use crate::error::Result;
use crate::people::Session;
use crate::store::Vault;

/// The receipt as a signed PDF on A4, in the customer's language, with the
/// name they typed to sign it if given (`printable_with`).
pub(crate) fn render_pdf(
    key: &SigningKey,
    receipt_json: &str,
    typed_name: Option<&str>,
) -> Result<Vec<u8>> {
    render_pdf_on(key, receipt_json, typed_name, Paper::A4)
}

/// The receipt as a signed PDF on `paper`, in the customer's language.
fn render_pdf_on(
    key: &SigningKey,
    receipt_json: &str,
    typed_name: Option<&str>,
    paper: Paper,
) -> Result<Vec<u8>> {
    let printable = printable_with(receipt_json, typed_name)?;
    let pdf = pdf::layout(&printable, paper)?;
    Ok(seal_pdf(key, pdf, receipt_json))
}

impl Vault {
    /// A stored receipt as a signed PDF on A4.
    pub fn receipt_pdf(&mut self, session: &mut Session, receipt_id: &str) -> Result<Vec<u8>> {
        self.receipt_pdf_on(session, receipt_id, Paper::A4)
    }

    /// A stored receipt as a signed PDF on `paper` (A4, or a till printer's
    /// 80 mm roll).
    pub fn receipt_pdf_on(
        &mut self,
        session: &mut Session,
        receipt_id: &str,
        paper: Paper,
    ) -> Result<Vec<u8>> {
        let (receipt, typed_name) = self.receipt_to_word(session, receipt_id, true)?;
        let key = load_signing_key(&self.conn)?;
        render_pdf_on(&key, &receipt.json, typed_name.as_deref(), paper)
    }
}
