//! Passwords (ASVS V6.2): 12 to 128 characters, no composition rules, no truncation, common and
//! guessable passwords refused (zxcvbn, which ships the common-password lists). Hashing is argon2id
//! with the crate defaults (m=19456 KiB, t=2, p=1), on the blocking pool, a few at a time.

use std::sync::{Arc, LazyLock};

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

use crate::error::AppError;

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

/// Checks a new password; `context` holds what the person typed elsewhere (email, name), which
/// makes a password guessable.
pub fn check_policy(password: &str, context: &[&str]) -> Result<(), String> {
    let len = password.chars().count();
    if len < MIN_LEN {
        return Err(format!(
            "use at least {MIN_LEN} characters (a few words make a good one)"
        ));
    }
    if len > MAX_LEN {
        return Err(format!("use at most {MAX_LEN} characters"));
    }
    let estimate = zxcvbn::zxcvbn(password, context);
    if (estimate.score() as u8) < 3 {
        return Err("this password is too common or too easy to guess".to_owned());
    }
    Ok(())
}

/// Bounds how many hashes run at once, so a login burst cannot starve the other requests.
#[derive(Clone)]
pub struct Hasher {
    slots: Arc<Semaphore>,
    computed: Arc<std::sync::atomic::AtomicU64>,
}

/// A hash of nothing anyone knows, verified for unknown emails so that every login costs the same.
static DUMMY: LazyLock<String> =
    LazyLock::new(|| hash_now("quai-dummy-password-for-timing").unwrap_or_default());

pub fn hash_now(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// What a verification found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    No,
    Yes,
    /// Correct, and the stored hash uses older parameters: here is a new one.
    YesRehashed(String),
}

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        // Made now, so that the first unknown address does not cost two hashes.
        LazyLock::force(&DUMMY);
        Self {
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
            computed: Arc::default(),
        }
    }

    /// A hashing slot; past 10 s of waiting the server is saturated: 503, try again later.
    async fn slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        match tokio::time::timeout(std::time::Duration::from_secs(10), self.slots.acquire()).await {
            Ok(permit) => permit.map_err(AppError::internal),
            Err(_) => Err(AppError::Unavailable(
                "every password-hashing slot stayed busy for 10 s".into(),
            )),
        }
    }

    /// Hashes computed or verified by this process (exported as a metric).
    pub fn computed(&self) -> u64 {
        self.computed.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn count(&self) {
        self.computed
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        let _slot = self.slot().await?;
        self.count();
        actix_web::web::block(move || hash_now(&password))
            .await?
            .map_err(AppError::internal)
    }

    /// Verifies against `stored`, or against the dummy hash when there is no account.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
    ) -> Result<Verified, AppError> {
        let _slot = self.slot().await?;
        self.count();
        actix_web::web::block(move || {
            // No account, or a hash nobody can match (an erased account): the dummy, so that
            // every answer costs one hash.
            let parsed_stored = stored.as_deref().and_then(|s| PasswordHash::new(s).ok());
            let real = parsed_stored.is_some();
            let parsed = match parsed_stored {
                Some(p) => p,
                None => PasswordHash::new(&DUMMY).map_err(|e| e.to_string())?,
            };
            let argon = Argon2::default();
            if argon.verify_password(password.as_bytes(), &parsed).is_err() || !real {
                return Ok(Verified::No);
            }
            if needs_rehash(&parsed) {
                return hash_now(&password).map(Verified::YesRehashed);
            }
            Ok(Verified::Yes)
        })
        .await?
        .map_err(AppError::internal)
    }
}

/// Whether a hash was made with other parameters than today's defaults.
fn needs_rehash(hash: &PasswordHash) -> bool {
    let current = argon2::Params::default();
    let param = |name: &str| hash.params.get_decimal(name);
    hash.algorithm.as_str() != "argon2id"
        || param("m") != Some(current.m_cost())
        || param("t") != Some(current.t_cost())
        || param("p") != Some(current.p_cost())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(check_policy("short", &[]).is_err());
        assert!(check_policy(&"x".repeat(129), &[]).is_err());
        assert!(check_policy("passwordpassword", &[]).is_err(), "common");
        assert!(check_policy("123456789012", &[]).is_err());
        assert!(check_policy("lea.martin@startup.fr", &["lea.martin@startup.fr"]).is_err());
        assert!(check_policy("hortillonnages cathédrale vélo", &[]).is_ok());
        assert!(check_policy("correct horse battery staple", &[]).is_ok());
        // No truncation: a long passphrase stays whole.
        assert!(check_policy(&"mot de passe très long et unique ".repeat(3), &[]).is_ok());
    }

    #[test]
    fn current_hashes_need_no_rehash_and_old_ones_do() {
        let fresh = hash_now("hortillonnages cathédrale vélo").unwrap();
        assert!(!needs_rehash(&PasswordHash::new(&fresh).unwrap()));
        let weak = Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(8192, 1, 1, None).unwrap(),
        )
        .hash_password(b"x")
        .unwrap()
        .to_string();
        assert!(needs_rehash(&PasswordHash::new(&weak).unwrap()));
    }
}
