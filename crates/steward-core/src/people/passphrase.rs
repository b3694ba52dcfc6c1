//! Passphrases: held in memory as [`Passphrase`], which wipes itself and
//! never prints, and stored only as Argon2id hashes (OWASP parameters).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Shortest passphrase accepted.
pub const MIN_PASSPHRASE_CHARS: usize = 10;
const MAX_PASSPHRASE_CHARS: usize = 1024;

/// A passphrase in memory: wiped on drop, never printed.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(text: String) -> Passphrase {
        Passphrase(Zeroizing::new(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The minimum every new passphrase must meet.
    pub fn check_strength(&self) -> Result<()> {
        let n = self.0.chars().count();
        if n < MIN_PASSPHRASE_CHARS {
            return Err(Error::WeakPassphrase("use at least 10 characters"));
        }
        if n > MAX_PASSPHRASE_CHARS {
            return Err(Error::WeakPassphrase("use at most 1024 characters"));
        }
        if self.0.trim().chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::WeakPassphrase(
                "use at least 10 characters besides spaces",
            ));
        }
        Ok(())
    }

    /// An Argon2id PHC string of this passphrase with a fresh salt.
    pub(crate) fn hash(&self) -> Result<String> {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        hasher()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| Error::WeakPassphrase("it cannot be hashed"))
    }

    /// The stored (PHC) form, for tests that write an account the way an
    /// older release did (feature `test-support`).
    #[cfg(feature = "test-support")]
    pub fn phc_hash_for_tests(&self) -> Result<String> {
        self.hash()
    }

    pub(crate) fn verify(&self, phc: &str) -> bool {
        PasswordHash::new(phc)
            .map(|h| hasher().verify_password(self.0.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// Argon2id with OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    // Invariant: constant parameters within Argon2's limits.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// A hash verified against when the username is unknown, so that a wrong
/// username takes as long as a wrong passphrase.
pub(crate) fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        Passphrase::new("steward decoy passphrase".into())
            .hash()
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_debug_hides_the_secret() {
        let p = Passphrase::new("correct horse battery".into());
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(Passphrase::new("short".into()).check_strength().is_err());
        assert!(Passphrase::new("          x".into())
            .check_strength()
            .is_err());
        assert!(Passphrase::new("long enough phrase".into())
            .check_strength()
            .is_ok());
    }
}
