//! The command-line options several subcommands share (where the deployments file and the
//! database are). Its own file so that every subcommand reads them without importing the
//! command line that dispatches to it. The database URL is a [`DatabaseUrl`], so neither these
//! structs' `Debug` nor `--help` (which hides `DATABASE_URL`'s value) shows its password.

use std::path::PathBuf;

use clap::Args;

use crate::config::{self, DatabaseUrl};

/// Where the database is.
#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// sqlite://FILE or postgres://…; else v2's STACKTACH_DB_* variables; else sqlite://stacktach.db.
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
        let url = "postgres://u:SECRET@h/db";
        for args in [
            &["stacktach", "migrate", "--database-url", url][..],
            &["stacktach", "worker", "--database-url", url],
            &["stacktach", "serve", "--database-url", url],
            &["stacktach", "import", "--database-url", url, "f.jsonl"],
            &[
                "stacktach",
                "bench",
                "--database-url",
                url,
                "--amqp",
                "amqp://u:SECRET@h/",
            ],
            &["stacktach", "bench-queries", "--database-url", url],
        ] {
            let debug = parse(args);
            assert!(!debug.contains("SECRET"), "{debug}");
            assert!(debug.contains("u:***@h"), "{debug}");
        }
    }
}
