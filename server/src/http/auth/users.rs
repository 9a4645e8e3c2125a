//! The users file of mode `basic`, in the shape of an htpasswd file: one `NAME:HASH` line per
//! user, the hash an argon2 PHC string (`alice:$argon2id$v=19$m=19456,t=2,p=1$…`), blank lines
//! and `#` comments allowed. Parsing, checking a password, and the edits `stacktach user`
//! makes (which keep every other line as it was). Never holds or prints a password.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::SaltString;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

/// Why a users file cannot be used; names the file and line, never a hash or a password.
#[derive(Debug, thiserror::Error)]
pub enum UsersFileError {
    #[error("cannot read the users file {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("{path}: line {line}: {reason}")]
    Line {
        path: String,
        line: usize,
        reason: String,
    },
}

/// The users of a users file: name → PHC hash string.
#[derive(Default)]
pub struct Users {
    hashes: HashMap<String, String>,
}

/// Names only: a hash is a secret an offline attack could start from.
impl std::fmt::Debug for Users {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&str> = self.hashes.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Users").field("names", &names).finish()
    }
}

impl Users {
    /// Parses the text of the users file at `path` (named in errors).
    ///
    /// # Errors
    /// A line that is not `NAME:HASH`, a bad name, a hash that is not argon2, a repeated user.
    pub fn parse(text: &str, path: &Path) -> Result<Self, UsersFileError> {
        let mut hashes = HashMap::new();
        let mut first_line = HashMap::new();
        for (index, line) in text.lines().enumerate() {
            let fail = |reason: String| UsersFileError::Line {
                path: path.display().to_string(),
                line: index + 1,
                reason,
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, hash)) = line.split_once(':') else {
                return Err(fail("expected NAME:HASH".into()));
            };
            check_name(name).map_err(|reason| fail(reason.into()))?;
            if !is_argon2(hash) {
                return Err(fail(format!(
                    "user \"{name}\": the hash is not an argon2 PHC string ($argon2id$v=19$…); \
                     set it with `stacktach user add {name}`"
                )));
            }
            if let Some(first) = first_line.insert(name.to_owned(), index + 1) {
                return Err(fail(format!(
                    "user \"{name}\" again (first on line {first})"
                )));
            }
            hashes.insert(name.to_owned(), hash.to_owned());
        }
        Ok(Self { hashes })
    }

    /// How many users there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// No users: nobody can log in.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Whether `password` is `user`'s. Takes an argon2 verification (tens of milliseconds,
    /// run it off the async threads) even for an unknown user, so the time does not tell which
    /// names exist.
    #[must_use]
    pub fn verify(&self, user: &str, password: &str) -> bool {
        match self.hashes.get(user) {
            Some(hash) => verify_hash(hash, password),
            None => {
                let _ = verify_hash(decoy(), password);
                false
            }
        }
    }
}

/// Whether `password` matches the PHC string `hash`.
fn verify_hash(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash no password is known for, verified against for unknown users.
fn decoy() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| {
        let random = SaltString::generate(&mut OsRng);
        hash_password(random.as_str()).unwrap_or_default()
    })
}

/// Whether `hash` is a PHC string of one of the argon2 variants.
fn is_argon2(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        matches!(h.algorithm.as_str(), "argon2id" | "argon2i" | "argon2d") && h.hash.is_some()
    })
}

/// A user name fits a users file and a Basic header: not empty, no `:`, no whitespace, no
/// control characters, at most 256 bytes.
///
/// # Errors
/// What is wrong with it.
pub fn check_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 256 {
        return Err("a user name is 1-256 bytes");
    }
    if name
        .chars()
        .any(|c| c == ':' || c.is_whitespace() || c.is_control())
    {
        return Err("a user name holds no ':', whitespace or control characters");
    }
    Ok(())
}

/// The argon2id hash of `password` with a fresh random salt and the crate's default (OWASP)
/// parameters, as a PHC string.
///
/// # Errors
/// The hasher's own failure (a password over argon2's 4 GiB limit).
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// `text` with `user`'s line set to `user:hash`: replaced in place when the user is there,
/// else appended; every other line is kept as it was.
#[must_use]
pub fn with_user(text: &str, user: &str, hash: &str) -> String {
    let entry = format!("{user}:{hash}");
    let mut replaced = false;
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines() {
        if names(line) == Some(user) {
            if !replaced {
                lines.push(&entry);
                replaced = true;
            }
        } else {
            lines.push(line);
        }
    }
    if !replaced {
        lines.push(&entry);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// `text` without `user`'s line; `None` when the user is not there.
#[must_use]
pub fn without_user(text: &str, user: &str) -> Option<String> {
    let kept: Vec<&str> = text.lines().filter(|l| names(l) != Some(user)).collect();
    if kept.len() == text.lines().count() {
        return None;
    }
    let mut out = kept.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    Some(out)
}

/// The user names of a users file's text, in file order (for `stacktach user list`).
#[must_use]
pub fn user_names(text: &str) -> Vec<&str> {
    text.lines().filter_map(names).collect()
}

/// The user a line is for; `None` for blank lines and comments.
fn names(line: &str) -> Option<&str> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    line.split_once(':').map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Users, UsersFileError> {
        Users::parse(text, Path::new("/etc/st/users"))
    }

    #[test]
    fn passwords_verify_against_their_hash_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
        let users = parse(&format!("# admins\n\nalice:{hash}\n")).unwrap();
        assert_eq!(users.len(), 1);
        assert!(users.verify("alice", "correct horse"));
        assert!(!users.verify("alice", "correct horse "));
        assert!(!users.verify("alice", ""));
        assert!(!users.verify("bob", "correct horse"));
        assert!(!format!("{:?}", Users::default()).contains("argon2"));
    }

    #[test]
    fn bad_lines_are_named_without_their_hash() {
        let hash = hash_password("pw").unwrap();
        let err = |text: &str| parse(text).unwrap_err().to_string();
        assert_eq!(err("alice\n"), "/etc/st/users: line 1: expected NAME:HASH");
        let bcrypt = "$2y$05$abcdefghijklmnopqrstuuQG0QpGSSLk0Y6fzo8vJhHCbE5F1QTe.";
        let text = err(&format!("# c\nbob:{bcrypt}\n"));
        assert!(
            text.starts_with("/etc/st/users: line 2: user \"bob\": the hash is not an argon2"),
            "{text}"
        );
        assert!(!text.contains(bcrypt), "{text}");
        let text = err(&format!("a:{hash}\n\na:{hash}\n"));
        assert_eq!(
            text,
            "/etc/st/users: line 3: user \"a\" again (first on line 1)"
        );
        let text = err(&format!(" b c:{hash}\n"));
        assert!(text.contains("line 1: a user name holds no"), "{text}");
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn edits_keep_the_other_lines() {
        let text = "# StackTach users\nalice:$argon2id$old\n\nbob:$argon2id$b\n";
        let added = with_user(text, "carol", "$argon2id$c");
        assert_eq!(added, format!("{text}carol:$argon2id$c\n"));
        let replaced = with_user(text, "alice", "$argon2id$new");
        assert_eq!(
            replaced,
            "# StackTach users\nalice:$argon2id$new\n\nbob:$argon2id$b\n"
        );
        assert_eq!(with_user("", "a", "h"), "a:h\n");
        assert_eq!(
            without_user(text, "alice").as_deref(),
            Some("# StackTach users\n\nbob:$argon2id$b\n")
        );
        assert_eq!(without_user(text, "zed"), None);
        assert_eq!(user_names(text), ["alice", "bob"]);
    }

    #[test]
    fn names_fit_a_basic_header() {
        assert!(check_name("alice@example.com").is_ok());
        for bad in ["", "a:b", "a b", "a\tb", "a\u{7}"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
