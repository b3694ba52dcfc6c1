//! What a forger can do with an Ed25519 key of their own (feature
//! `test-support` only): sign any receipt content, JSON or PDF, exactly as
//! the shop signs, with their own public key inside. Tests use it to show
//! that verification never takes such a receipt for the shop's.

use base64::Engine;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Map, Value};

use super::{canonical, render_pdf, signing_input, B64, JSON_DOMAIN, SIGNATURE_MEMBER};
use crate::error::Result;

/// A freshly generated key that is not the shop's.
pub struct ForeignKey(SigningKey);

impl ForeignKey {
    /// A new random key, as anyone can make one.
    pub fn generate() -> ForeignKey {
        ForeignKey(SigningKey::generate(&mut rand::rngs::OsRng))
    }

    /// Its fingerprint, as `receipt verify` prints it.
    pub fn fingerprint(&self) -> String {
        super::fingerprint(&self.0.verifying_key())
    }

    /// `receipt` (any content; its old signature is dropped) with this key's
    /// public half in `publicKey`, signed over the same canonical form the
    /// shop signs.
    pub fn sign_json(&self, receipt: &Value) -> String {
        let mut receipt = receipt.clone();
        let map = map_of(&mut receipt);
        map.remove(SIGNATURE_MEMBER);
        map.insert(
            "publicKey".into(),
            json!(B64.encode(self.0.verifying_key().as_bytes())),
        );
        let signature = self
            .0
            .sign(&signing_input(JSON_DOMAIN, &canonical(&receipt)));
        map_of(&mut receipt).insert(
            SIGNATURE_MEMBER.into(),
            json!({ "alg": "Ed25519", "value": B64.encode(signature.to_bytes()) }),
        );
        serde_json::to_string_pretty(&receipt).expect("a receipt serializes")
    }

    /// A PDF receipt for `receipt_json` (signed by this key, see
    /// [`ForeignKey::sign_json`]), laid out and sealed as the shop does.
    pub fn sign_pdf(&self, receipt_json: &str) -> Result<Vec<u8>> {
        render_pdf(&self.0, receipt_json, None)
    }
}

// Test support: a caller handing in something other than a receipt object
// is a broken test, which a panic reports.
fn map_of(v: &mut Value) -> &mut Map<String, Value> {
    v.as_object_mut().expect("a receipt is a JSON object")
}
