//! [`UserDb`]: the users file as `serve` holds it. Read at start (a bad file stops the start),
//! then looked at again at most once a [`RECHECK`] and re-read when it changed, so `stacktach
//! user add` and `user remove` take effect without a restart. A file that turns bad while
//! serving is logged and the users read before are kept.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use super::users::{Users, UsersFileError};

/// How often the file's metadata is looked at (one `stat`, on a request that needs it).
pub const RECHECK: Duration = Duration::from_secs(1);

/// What tells one version of the file from the next (`user` replaces it by renaming).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    #[cfg(unix)]
    inode: u64,
}

impl Stamp {
    fn of(path: &Path) -> std::io::Result<Self> {
        let meta = std::fs::metadata(path)?;
        Ok(Self {
            modified: meta.modified().ok(),
            len: meta.len(),
            #[cfg(unix)]
            inode: std::os::unix::fs::MetadataExt::ino(&meta),
        })
    }
}

struct Loaded {
    users: Arc<Users>,
    stamp: Option<Stamp>,
    checked: Instant,
}

/// The users of a users file, re-read when the file changes.
pub struct UserDb {
    path: PathBuf,
    loaded: Mutex<Loaded>,
}

impl UserDb {
    /// Reads the users file at `path`.
    ///
    /// # Errors
    /// An unreadable or invalid file (naming it and the line).
    pub fn open(path: &Path, now: Instant) -> Result<Self, UsersFileError> {
        let stamp = Stamp::of(path).ok();
        let users = read(path)?;
        if users.is_empty() {
            tracing::warn!(file = %path.display(), "The users file has no users: nobody can log in (add one with `stacktach user add NAME`).");
        }
        warn_if_readable_by_others(path);
        Ok(Self {
            path: path.to_owned(),
            loaded: Mutex::new(Loaded {
                users: Arc::new(users),
                stamp,
                checked: now,
            }),
        })
    }

    /// The users now, after re-reading the file if it changed (looked at once a
    /// [`RECHECK`] at most); `true` with them when they were replaced, so cached
    /// verifications can be dropped.
    pub fn current(&self, now: Instant) -> (Arc<Users>, bool) {
        let mut loaded = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if now.saturating_duration_since(loaded.checked) < RECHECK {
            return (loaded.users.clone(), false);
        }
        loaded.checked = now;
        let stamp = Stamp::of(&self.path).ok();
        if stamp == loaded.stamp {
            return (loaded.users.clone(), false);
        }
        loaded.stamp = stamp;
        match read(&self.path) {
            Ok(users) => {
                tracing::info!(file = %self.path.display(), users = users.len(), "Users file re-read.");
                loaded.users = Arc::new(users);
                (loaded.users.clone(), true)
            }
            Err(e) => {
                tracing::error!(error = %e, "The users file changed and cannot be used; keeping the users read before.");
                (loaded.users.clone(), false)
            }
        }
    }
}

fn read(path: &Path) -> Result<Users, UsersFileError> {
    let text = std::fs::read_to_string(path).map_err(|error| UsersFileError::Read {
        path: path.display().to_string(),
        error,
    })?;
    Users::parse(&text, path)
}

/// Hashes are not passwords, but a file others can read invites offline guessing.
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(file = %path.display(), "The users file is readable by other users; chmod 600 it.");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::users::{hash_password, with_user};
    use super::*;

    #[test]
    fn changes_are_picked_up_after_the_recheck_interval() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users");
        let alice = hash_password("a-pw").unwrap();
        std::fs::write(&path, with_user("", "alice", &alice)).unwrap();
        let start = Instant::now();
        let db = UserDb::open(&path, start).unwrap();
        assert!(db.current(start).0.verify("alice", "a-pw"));

        // Replaced the way `stacktach user` does it: a new file renamed over the old one.
        let bob = hash_password("b-pw").unwrap();
        let next = dir.path().join("users.new");
        std::fs::write(&next, with_user("", "bob", &bob)).unwrap();
        std::fs::rename(&next, &path).unwrap();
        let (users, changed) = db.current(start + RECHECK / 2);
        assert!(
            !changed && users.verify("alice", "a-pw"),
            "not looked at yet"
        );
        let (users, changed) = db.current(start + RECHECK);
        assert!(changed);
        assert!(users.verify("bob", "b-pw") && !users.verify("alice", "a-pw"));
        let (_, changed) = db.current(start + RECHECK * 2);
        assert!(!changed, "unchanged since");

        // A broken file keeps the users read before.
        std::fs::write(&path, "bob\n").unwrap();
        let (users, changed) = db.current(start + RECHECK * 3);
        assert!(!changed && users.verify("bob", "b-pw"));
    }

    #[test]
    fn a_bad_file_stops_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let err = UserDb::open(&missing, Instant::now()).err().unwrap();
        assert!(
            err.to_string().starts_with("cannot read the users file "),
            "{err}"
        );
        let bad = dir.path().join("bad");
        std::fs::write(&bad, "alice:plaintext\n").unwrap();
        let err = UserDb::open(&bad, Instant::now()).err().unwrap();
        assert!(err.to_string().contains("line 1: user \"alice\""), "{err}");
    }
}
