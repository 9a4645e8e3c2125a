//! [`CredentialCache`]: Basic headers already verified, so a page and each of its assets (a
//! browser repeats the header on every request) cost one argon2 verification, not one each.
//! Keyed by a SHA-256 of a per-process random salt and the header, so the plaintext is never
//! kept and the keys are useless outside this process. Entries expire after [`TTL`] and all
//! are dropped when the users file changes, so a removed user or a changed password stops
//! working soon.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// How long a verified header is believed without verifying it again.
pub const TTL: Duration = Duration::from_secs(300);
/// At most this many headers are remembered (a few per browser).
pub const CAPACITY: usize = 4096;

struct Entry {
    user: Arc<str>,
    expires: Instant,
}

/// Verified Basic headers → their user.
pub struct CredentialCache {
    salt: [u8; 32],
    entries: Mutex<HashMap<[u8; 32], Entry>>,
}

impl Default for CredentialCache {
    fn default() -> Self {
        Self {
            salt: rand::random(),
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl CredentialCache {
    fn key(&self, header: &[u8]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        hasher.update(header);
        hasher.finalize().into()
    }

    /// The user of a header verified less than [`TTL`] ago.
    pub fn get(&self, header: &[u8], now: Instant) -> Option<Arc<str>> {
        let key = self.key(header);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        match entries.get(&key) {
            Some(e) if e.expires > now => Some(e.user.clone()),
            Some(_) => {
                entries.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Remembers that `header` authenticated `user`. When full, expired entries go first,
    /// and everything if none had expired (each browser then verifies once more).
    pub fn insert(&self, header: &[u8], user: Arc<str>, now: Instant) {
        let key = self.key(header);
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.retain(|_, e| e.expires > now);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                user,
                expires: now + TTL,
            },
        );
    }

    /// Forgets every header (the users file changed).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// How many headers are remembered.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_remembered_until_they_expire() {
        let cache = CredentialCache::default();
        let now = Instant::now();
        assert!(cache.get(b"Basic YTpi", now).is_none());
        cache.insert(b"Basic YTpi", "a".into(), now);
        assert_eq!(
            cache.get(b"Basic YTpi", now + TTL / 2).as_deref(),
            Some("a")
        );
        assert!(cache.get(b"Basic YTpj", now).is_none(), "another password");
        assert!(cache.get(b"Basic YTpi", now + TTL).is_none(), "expired");
        assert_eq!(cache.len(), 0, "the expired entry is dropped");
        cache.insert(b"Basic YTpi", "a".into(), now);
        cache.clear();
        assert!(cache.get(b"Basic YTpi", now).is_none());
    }

    #[test]
    fn the_cache_stays_bounded_and_keeps_no_plaintext() {
        let cache = CredentialCache::default();
        let now = Instant::now();
        for i in 0..CAPACITY {
            cache.insert(format!("Basic {i}").as_bytes(), "u".into(), now);
        }
        assert_eq!(cache.len(), CAPACITY);
        cache.insert(b"Basic one-more", "u".into(), now + Duration::from_secs(1));
        assert_eq!(cache.len(), 1, "nothing had expired: all dropped");
        let keys = cache.entries.lock().unwrap();
        let plain = b"one-more";
        assert!(keys
            .keys()
            .all(|k| !k.windows(plain.len()).any(|w| w == plain)));
        // Two processes (two salts) key the same header differently.
        assert_ne!(
            CredentialCache::default().key(b"x"),
            CredentialCache::default().key(b"x")
        );
    }
}
