//! The command-line options several subcommands share (where the deployments file and the
//! database are), and [`redact`] for naming a database in messages. Its own file so that
//! every subcommand reads them without importing the command line that dispatches to it.

use std::path::PathBuf;

use clap::Args;

use crate::config;

/// Where the database is.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// sqlite://FILE or postgres://…; else v2's STACKTACH_DB_* variables; else sqlite://stacktach.db.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    /// The database URL: the option, else v2's variables, else the embedded default.
    ///
    /// # Errors
    /// Incomplete or unsupported v2 variables.
    pub fn url(&self) -> anyhow::Result<String> {
        database_url(self)
    }
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

/// Options every long-running subcommand reads.
#[derive(Debug, Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub deployments: DeploymentsArg,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

pub(crate) fn database_url(args: &DatabaseArgs) -> anyhow::Result<String> {
    Ok(config::resolve_database_url(
        args.database_url.clone(),
        |k| std::env::var(k).ok(),
    )?)
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://stacktach.db"), "sqlite://stacktach.db");
    }
}
