//! The command-line options several subcommands share (where the deployments file and the
//! database are). Its own file so that every subcommand reads them without importing the
//! command line that dispatches to it. The database URL is a [`DatabaseUrl`], so neither these
//! structs' `Debug` nor `--help` (which hides `DATABASE_URL`'s value) shows its password.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::config::{self, DatabaseUrl};
use crate::notification::Redaction;
use crate::store::Store;

/// Where the database is.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// sqlite://FILE, postgres://… or mysql://… (MySQL or MariaDB); else v2's STACKTACH_DB_* variables; else sqlite://stacktach.db.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<DatabaseUrl>,
}

impl DatabaseArgs {
    /// The database URL: the option, else v2's variables, else the embedded default.
    ///
    /// # Errors
    /// Incomplete or unsupported v2 variables.
    pub fn url(&self) -> anyhow::Result<DatabaseUrl> {
        database_url(self)
    }
}

/// The database at `url`, connected and migrated, for the one-shot subcommands.
///
/// # Errors
/// An unreachable database or a failed migration, naming the URL without its password.
pub async fn open_migrated(url: &DatabaseUrl) -> anyhow::Result<Store> {
    let store = Store::connect(url.expose())
        .await
        .with_context(|| format!("cannot open the database {url}"))?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    // PostgreSQL: the coming days' raw_events partitions (an import's events land in them).
    if let Err(e) = store.ensure_partitions(app::model::now_micros()).await {
        tracing::warn!(error = %e, "Creating raw_events partitions failed.");
    }
    Ok(store)
}

/// Where the deployments file is.
#[derive(Debug, Args)]
pub struct DeploymentsArg {
    /// The v2 deployments JSON file [env: STACKTACH_DEPLOYMENTS_FILE] [default: etc/stacktach_worker_config.json]
    #[arg(long)]
    pub deployments: Option<PathBuf>,
}

impl DeploymentsArg {
    /// Loads the deployments file and logs its warnings.
    ///
    /// # Errors
    /// A missing or invalid file (one line naming file, key and reason).
    pub fn load(&self) -> anyhow::Result<config::DeploymentsFile> {
        let path = config::resolve_deployments_path(
            self.deployments.clone(),
            std::env::var("STACKTACH_DEPLOYMENTS_FILE").ok(),
        );
        let file = config::load(&path)?;
        file.log_warnings();
        Ok(file)
    }
}

/// Which deployments of the file a `worker` runs: `--deployment NAME`, repeatable; none given
/// means every enabled one. v2 ran one worker process per deployment, so that an
/// `exit_on_exception` failure ended that deployment's process alone and its supervisor
/// restarted it; `worker --deployment NAME` is that shape.
#[derive(Debug, Args)]
pub struct DeploymentSelection {
    /// Run only this deployment of the deployments file (repeatable; default: every enabled one)
    #[arg(long = "deployment", value_name = "NAME")]
    pub names: Vec<String>,
}

impl DeploymentSelection {
    /// `file` with only the named deployments, in file order (all of them when none is named).
    ///
    /// # Errors
    /// A name the file does not have, or one whose deployment is disabled (nothing would
    /// run): one line naming the file and the name.
    pub fn select(
        &self,
        mut file: config::DeploymentsFile,
    ) -> Result<config::DeploymentsFile, config::ConfigError> {
        if self.names.is_empty() {
            return Ok(file);
        }
        for name in &self.names {
            let reason = match file.get(name) {
                Some(d) if d.enabled => continue,
                Some(_) => format!("deployment {name:?} (--deployment) has \"enabled\": false"),
                None => {
                    let known = file.deployments.iter().map(|d| format!("{:?}", d.name));
                    let known = known.collect::<Vec<_>>().join(", ");
                    let known = if known.is_empty() {
                        "none".into()
                    } else {
                        known
                    };
                    format!("no deployment named {name:?} (--deployment); the file has {known}")
                }
            };
            let (path, key) = (file.path.clone(), "deployments".to_owned());
            return Err(config::ConfigError::Invalid { path, key, reason });
        }
        file.deployments.retain(|d| self.names.contains(&d.name));
        Ok(file)
    }
}

/// Where `verify` (and `serve --demo`) find the verifier config when neither an option nor
/// `STACKTACH_VERIFIER_CONFIG` says: the local sample, which points at this machine's broker.
pub const DEFAULT_VERIFIER_CONFIG: &str = "etc/stacktach_verifier_config.json";

/// Where the verifier config is, for `serve` and `worker`: when there is one, the usage
/// verifier runs inside the process.
#[derive(Debug, Args)]
pub struct VerifierConfigArg {
    /// v2's verifier config; when given, the usage verifier runs in this process [env: STACKTACH_VERIFIER_CONFIG]
    #[arg(long)]
    pub verifier_config: Option<PathBuf>,
}

impl VerifierConfigArg {
    /// The option, else `STACKTACH_VERIFIER_CONFIG`; `None`: no verifier in this process.
    pub fn path(&self) -> Option<PathBuf> {
        self.verifier_config
            .clone()
            .or_else(config::verifier::verifier_config_path_from_env)
    }

    /// [`Self::path`], and for `serve --demo` without one the local sample
    /// (`etc/stacktach_verifier_config.json`, the machine's own broker) when it is there, so
    /// the demo's billing day is verified and the Usage pages show both outcomes.
    pub fn path_or_demo(&self, demo: bool) -> Option<PathBuf> {
        let sample = PathBuf::from(DEFAULT_VERIFIER_CONFIG);
        self.path()
            .or_else(|| (demo && sample.is_file()).then_some(sample))
    }
}

/// Where `serve` gets the bearer token of the `/db` write endpoints: a file (never a flag
/// holding the token itself, which `ps` would show), else `STACKTACH_DB_API_TOKEN`.
#[derive(Debug, Args)]
pub struct DbApiTokenArg {
    /// A file holding the bearer token the /db write endpoints (confirm, repair, tenant) require; without one (nor STACKTACH_DB_API_TOKEN) they are refused
    #[arg(long, value_name = "FILE")]
    pub db_api_token_file: Option<PathBuf>,
}

impl DbApiTokenArg {
    /// The token: the file's content, else the variable's, trimmed; `None`: writes are off.
    ///
    /// # Errors
    /// An unreadable or empty token file, or an empty variable.
    pub fn token(&self) -> anyhow::Result<Option<config::Secret>> {
        db_api_token(
            self.db_api_token_file.as_deref(),
            std::env::var("STACKTACH_DB_API_TOKEN").ok(),
        )
    }
}

/// [`DbApiTokenArg::token`] with the variable's value given.
pub(crate) fn db_api_token(
    file: Option<&std::path::Path>,
    var: Option<String>,
) -> anyhow::Result<Option<config::Secret>> {
    let (text, source) = match (file, var) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!("cannot read the /db API token file {}: {e}", path.display())
            })?;
            (text, format!("the token file {}", path.display()))
        }
        (None, Some(value)) => (value, "STACKTACH_DB_API_TOKEN".to_string()),
        (None, None) => return Ok(None),
    };
    let token = text.trim();
    anyhow::ensure!(!token.is_empty(), "{source} is empty: no /db API token");
    Ok(Some(config::Secret::new(token)))
}

/// Which credential-like keys ingest blanks in a body before storing it (`serve`, `worker`,
/// `import`): by default [`crate::notification::DEFAULT_KEYS`].
#[derive(Debug, Args)]
pub struct RedactionArgs {
    /// The keys whose values are stored as "***" (comma-separated, exact names, any case, at any depth); replaces the default list
    #[arg(
        long,
        value_name = "KEYS",
        value_delimiter = ',',
        conflicts_with = "keep_credentials"
    )]
    pub redact_keys: Option<Vec<String>>,
    /// Store bodies as received, tokens and passwords included (for sites that must)
    #[arg(long)]
    pub keep_credentials: bool,
}

impl RedactionArgs {
    /// The redaction to ingest with.
    ///
    /// # Errors
    /// `--redact-keys` naming no key (`--keep-credentials` says that).
    pub fn redaction(&self) -> anyhow::Result<Redaction> {
        if self.keep_credentials {
            return Ok(Redaction::keep());
        }
        match &self.redact_keys {
            None => Ok(Redaction::default()),
            Some(keys) => {
                let redaction = Redaction::new(keys);
                anyhow::ensure!(
                    !redaction.is_keep(),
                    "--redact-keys names no key (use --keep-credentials to store credentials)"
                );
                Ok(redaction)
            }
        }
    }
}

/// Options every long-running subcommand reads.
#[derive(Debug, Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub deployments: DeploymentsArg,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

pub(crate) fn database_url(args: &DatabaseArgs) -> anyhow::Result<DatabaseUrl> {
    Ok(config::resolve_database_url(
        args.database_url.clone(),
        |k| std::env::var(k).ok(),
    )?)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cmd::Cli;

    /// `Debug` of the parsed command line (so of `DatabaseArgs`, `CommonArgs` and the bench
    /// options) never shows a database or broker password.
    #[test]
    fn debug_hides_passwords() {
        let parse = |args: &[&str]| {
            let cli = Cli::try_parse_from(args).expect("parses");
            format!("{cli:?}")
        };
        // Spelt without a literal `//`, which scripts/check-layout.py reads as a comment even
        // inside a string (and would then miscount this module's braces).
        let slashes = "/".repeat(2);
        let amqp = format!("amqp:{slashes}u:SECRET@h/");
        let urls = [
            format!("postgres:{slashes}u:SECRET@h/db"),
            format!("mysql:{slashes}u:SECRET@h:3306/db"),
        ];
        for url in &urls {
            let (url, amqp) = (url.as_str(), amqp.as_str());
            for args in [
                &["stacktach", "migrate", "--database-url", url][..],
                &["stacktach", "worker", "--database-url", url],
                &["stacktach", "serve", "--database-url", url],
                &["stacktach", "import", "--database-url", url, "f.jsonl"],
                &["stacktach", "bench", "--database-url", url, "--amqp", amqp],
                &["stacktach", "bench-queries", "--database-url", url],
                &["stacktach", "bench-verify", "--database-url", url],
                &["stacktach", "bench-reports", "--database-url", url],
            ] {
                let debug = parse(args);
                assert!(!debug.contains("SECRET"), "{debug}");
                assert!(debug.contains("u:***@h"), "{debug}");
            }
        }
    }

    /// The /db token: the file (trimmed) before the variable; empty is an error naming the
    /// source, never the token.
    #[test]
    fn db_api_token_from_file_or_variable() {
        use super::db_api_token;
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("token");
        std::fs::write(&file, "  s3cret\n").expect("write");
        let token = db_api_token(Some(&file), Some("other".into())).expect("reads");
        assert_eq!(
            token.map(|t| t.expose().to_string()).as_deref(),
            Some("s3cret")
        );
        let token = db_api_token(None, Some(" v ".into())).expect("reads");
        assert_eq!(token.map(|t| t.expose().to_string()).as_deref(), Some("v"));
        assert!(db_api_token(None, None).expect("none").is_none());
        std::fs::write(&file, "\n").expect("write");
        let err = db_api_token(Some(&file), None).unwrap_err().to_string();
        assert!(err.contains("is empty"), "{err}");
        let missing = dir.path().join("missing");
        assert!(db_api_token(Some(&missing), None).is_err());
        let cli = Cli::try_parse_from(["stacktach", "serve", "--db-api-token-file", "/t"]);
        assert!(format!("{:?}", cli.expect("parses")).contains("/t"));
    }

    /// `worker --deployment NAME` (repeatable) keeps the named deployments in file order; an
    /// unknown or disabled name is one line naming the file and the name.
    #[test]
    fn worker_deployment_selection() {
        use crate::cmd::Command;
        let file = crate::config::parse(
            std::path::Path::new("etc/d.json"),
            r#"{"deployments": [{"name": "east"}, {"name": "west"},
                                {"name": "north"}, {"name": "off", "enabled": false}]}"#,
        )
        .expect("parses");
        let select = |args: &[&str]| {
            let cli = Cli::try_parse_from([&["stacktach", "worker"][..], args].concat());
            match cli.expect("parses").command {
                Command::Worker(a) => a.only.select(file.clone()),
                _ => unreachable!("a worker"),
            }
        };
        let names = |args: &[&str]| -> Vec<String> {
            let selected = select(args).expect("selects");
            selected.deployments.into_iter().map(|d| d.name).collect()
        };
        assert_eq!(names(&[]), ["east", "west", "north", "off"]);
        assert_eq!(names(&["--deployment", "west"]), ["west"]);
        let two = [
            "--deployment",
            "north",
            "--deployment=east",
            "--deployment",
            "east",
        ];
        assert_eq!(names(&two), ["east", "north"]);
        let unknown = select(&["--deployment", "south"]).unwrap_err().to_string();
        assert_eq!(
            unknown,
            r#"etc/d.json: deployments: no deployment named "south" (--deployment); the file has "east", "west", "north", "off""#
        );
        let disabled = select(&["--deployment", "off"]).unwrap_err().to_string();
        assert!(
            disabled.starts_with("etc/d.json: deployments: "),
            "{disabled}"
        );
        assert!(
            disabled.contains(r#""off""#) && disabled.contains("false"),
            "{disabled}"
        );
    }

    /// `serve`, `worker` and `import` take `--redact-keys` (replacing the default list) or
    /// `--keep-credentials`, never both; a list naming no key is refused.
    #[test]
    fn redaction_options() {
        use crate::cmd::Command;
        use crate::notification::Redaction;
        let redaction = |args: &[&str]| {
            let cli = Cli::try_parse_from(args).expect("parses");
            match cli.command {
                Command::Serve(a) => a.redaction.redaction(),
                Command::Worker(a) => a.redaction.redaction(),
                Command::Import(a) => a.redaction.redaction(),
                _ => unreachable!("a command that ingests"),
            }
        };
        let serve = redaction(&["stacktach", "serve"]).expect("valid");
        assert_eq!(serve, Redaction::default());
        let worker = redaction(&["stacktach", "worker", "--redact-keys", "Token, x-api-key"]);
        let keys: Vec<String> = worker.expect("valid").keys().map(String::from).collect();
        assert_eq!(keys, ["token", "x-api-key"]);
        let import = redaction(&["stacktach", "import", "--keep-credentials", "f.jsonl"]);
        assert!(import.expect("valid").is_keep());
        let err = redaction(&["stacktach", "serve", "--redact-keys", ","]).unwrap_err();
        assert!(err.to_string().contains("--keep-credentials"), "{err}");
        let both = ["--keep-credentials", "--redact-keys=a"];
        let conflict = Cli::try_parse_from([["stacktach", "serve"], both].concat());
        assert!(conflict.is_err(), "the two options conflict");
    }
}
