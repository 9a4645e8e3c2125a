//! `stacktach user add|remove|list`: the users file of `serve --auth basic`. `add` reads the
//! password from standard input (a prompt without echo, asked twice, when that is a terminal),
//! hashes it with argon2id and sets the user's line; every change writes a new file (mode
//! 0600) next to the old one and renames it over, so a running `serve` never reads half a file
//! and picks the change up within a second. No password is ever printed.

use std::fs::OpenOptions;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::http::auth::{check_name, hash_password, user_names, with_user, without_user, Users};

/// `stacktach user …`.
#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub action: UserAction,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add a user, or set the password of one: read from standard input (one line), or
    /// prompted for without echo on a terminal.
    Add {
        name: String,
        #[command(flatten)]
        file: UsersFileArg,
        /// Read the password from standard input even when it is a terminal.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove a user.
    Remove {
        name: String,
        #[command(flatten)]
        file: UsersFileArg,
    },
    /// List the users' names.
    List {
        #[command(flatten)]
        file: UsersFileArg,
    },
}

/// Which users file.
#[derive(Debug, Args)]
pub struct UsersFileArg {
    /// The users file (`serve --auth basic --users-file FILE`) [env: STACKTACH_USERS_FILE]
    #[arg(long, value_name = "FILE")]
    pub users_file: Option<PathBuf>,
}

impl UsersFileArg {
    fn path(&self) -> anyhow::Result<PathBuf> {
        self.users_file
            .clone()
            .or_else(|| std::env::var_os("STACKTACH_USERS_FILE").map(PathBuf::from))
            .context("which users file? Give --users-file FILE or set STACKTACH_USERS_FILE")
    }
}

/// Runs `stacktach user …` (terminal and file work, off the async threads).
///
/// # Errors
/// A bad name, an empty or mismatched password, an unreadable or invalid users file, a failed
/// write.
pub async fn run(args: UserArgs) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || run_blocking(args)).await?
}

fn run_blocking(args: UserArgs) -> anyhow::Result<()> {
    match args.action {
        UserAction::Add {
            name,
            file,
            password_stdin,
        } => {
            let path = file.path()?;
            check_name(&name).map_err(|reason| anyhow::anyhow!("user name {name:?}: {reason}"))?;
            let old = read_or_empty(&path)?;
            let password = read_password(&name, password_stdin)?;
            let hash = hash_password(&password)
                .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
            let text = with_user(&old, &name, &hash);
            write(&path, &text)?;
            let verb = if user_names(&old).contains(&name.as_str()) {
                "Password changed for"
            } else {
                "Added"
            };
            println!("{verb} user {name} in {}.", path.display());
        }
        UserAction::Remove { name, file } => {
            let path = file.path()?;
            let old = read(&path)?;
            let text = without_user(&old, &name)
                .with_context(|| format!("no user {name:?} in {}", path.display()))?;
            write(&path, &text)?;
            println!("Removed user {name} from {}.", path.display());
        }
        UserAction::List { file } => {
            let path = file.path()?;
            let text = read(&path)?;
            Users::parse(&text, &path)?;
            for name in user_names(&text) {
                println!("{name}");
            }
        }
    }
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the users file {}", path.display()))
}

/// The file's text; empty when there is no file yet (the first `add` creates it).
fn read_or_empty(path: &Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        other => other.with_context(|| format!("cannot read the users file {}", path.display())),
    }
}

/// Writes `text` as the users file at `path`, after checking it parses: a new file (mode 0600)
/// in the same directory, flushed to disk, renamed over the old one.
fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    Users::parse(text, path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} names no file", path.display()))?;
    let temp = dir.join(format!(
        ".{}.{}-{:08x}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        rand::random::<u32>()
    ));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temp).and_then(|mut file| {
        keep_owner(&file, path)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = renamed {
        let _ = std::fs::remove_file(&temp);
        return Err(e).with_context(|| format!("cannot write the users file {}", path.display()));
    }
    // The rename itself reaches the disk with the directory.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The new password: one line of standard input, or on a terminal (without
/// `--password-stdin`) typed twice without echo.
fn read_password(name: &str, from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if from_stdin || !stdin.is_terminal() {
        let password = read_line()?.context("no password on standard input")?;
        anyhow::ensure!(!password.is_empty(), "the password is empty");
        return Ok(password);
    }
    let first = prompt(&format!("Password for {name}: "))?;
    anyhow::ensure!(!first.is_empty(), "the password is empty");
    let again = prompt("Again: ")?;
    anyhow::ensure!(first == again, "the two passwords differ; nothing changed");
    Ok(first)
}

/// One line of standard input without its line ending; `None` at end of input.
fn read_line() -> anyhow::Result<Option<String>> {
    let mut line = String::new();
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read standard input")?;
    if read == 0 {
        return Ok(None);
    }
    let trimmed = line.strip_suffix('\n').unwrap_or(&line);
    Ok(Some(
        trimmed.strip_suffix('\r').unwrap_or(trimmed).to_owned(),
    ))
}

/// Asks on stderr and reads a line with the terminal's echo off (`stty`), restoring it after.
fn prompt(question: &str) -> anyhow::Result<String> {
    let stty = |arg: &str| {
        Command::new("stty")
            .arg(arg)
            .stdin(Stdio::inherit())
            .status()
            .is_ok_and(|s| s.success())
    };
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    anyhow::ensure!(
        stty("-echo"),
        "cannot turn the terminal's echo off; pipe the password in (--password-stdin)"
    );
    let line = read_line();
    stty("echo");
    eprintln!();
    line?.context("no password typed")
}

/// Gives the new file the owner, group and mode of the one it replaces: an administrator running
/// `sudo stacktach user add` must not leave a root-owned file the `stacktach` service can no
/// longer read (it would keep serving the old users, a removed one included).
fn keep_owner(file: &std::fs::File, path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    if let Ok(old) = std::fs::metadata(path) {
        use std::os::unix::fs::MetadataExt;
        let new = file.metadata()?;
        if old.uid() != new.uid() || old.gid() != new.gid() {
            std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()))?;
        }
        // A group-readable 0640 (root:stacktach) stays so.
        file.set_permissions(old.permissions())?;
    }
    #[cfg(not(unix))]
    let _ = (file, path);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_the_file_with_a_private_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("users");
        let hash = hash_password("pw").unwrap();
        write(&path, &with_user("", "alice", &hash)).unwrap();
        let text = read(&path).unwrap();
        assert!(Users::parse(&text, &path).unwrap().verify("alice", "pw"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A text that would not load is never written.
        assert!(write(&path, "alice:plain\n").is_err());
        assert_eq!(read(&path).unwrap(), text);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let group_readable = std::fs::Permissions::from_mode(0o640);
            std::fs::set_permissions(&path, group_readable).unwrap();
            write(&path, &with_user(&text, "bob", &hash)).unwrap();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640, "a replaced file keeps its mode");
        }
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
        assert_eq!(read_or_empty(&dir.path().join("none")).unwrap(), "");
    }
}
