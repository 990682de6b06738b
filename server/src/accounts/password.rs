//! Password hashing with argon2id (the `argon2` crate's defaults: OWASP's minimum
//! parameters), run off the async threads by the callers.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends about as long as a verification, so an unknown email is not told apart by time.
pub fn burn_time(password: &str) {
    let _ = hash(password);
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_and_differ() {
        let a = super::hash("kakehashi-demo").unwrap();
        let b = super::hash("kakehashi-demo").unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(super::verify("kakehashi-demo", &a));
        assert!(!super::verify("kakehashi-dem0", &a));
        assert!(!super::verify("anything", "not a hash"));
    }
}
