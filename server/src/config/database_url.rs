//! Which database to use: the `--database-url` flag, `DATABASE_URL`, or StackTach v2's
//! `STACKTACH_DB_*` variables (Django's `DATABASES['default']`, turned into a URL), so a v2
//! deployment's environment keeps working unchanged.

use super::defaults::{DEFAULT_DATABASE_URL, V2_DEFAULT_DB_ENGINE};
use super::error::ConfigError;
use super::message::quote;
use super::uri::{percent_encode, uri_host};

/// The database URL to use: `--database-url` (`cli`), else `DATABASE_URL`, else v2's variables
/// (`STACKTACH_DB_ENGINE`, `_NAME`, `_HOST`, `_PORT`, `_USERNAME`, `_PASSWORD`; used when any of
/// them is set, with v2's default engine MySQL), else [`DEFAULT_DATABASE_URL`]. `env` looks up an
/// environment variable, so tests need not touch the process environment. Empty values count
/// as unset. Engines: `django.db.backends.sqlite3` → `sqlite://NAME`, `…postgresql` and
/// `…postgresql_psycopg2` → `postgres://`, `…mysql` → `mysql://`; user, password and database
/// name are percent-encoded.
///
/// # Errors
/// [`ConfigError::Env`] for an unknown engine, a missing `STACKTACH_DB_NAME` or a port that is
/// not a number.
pub fn resolve_database_url(
    cli: Option<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if let Some(url) = cli.filter(|v| !v.trim().is_empty()) {
        return Ok(url);
    }
    if let Some(url) = var("DATABASE_URL") {
        return Ok(url);
    }
    let v2 = V2Database {
        engine: var("STACKTACH_DB_ENGINE"),
        name: var("STACKTACH_DB_NAME"),
        host: var("STACKTACH_DB_HOST"),
        port: var("STACKTACH_DB_PORT"),
        username: var("STACKTACH_DB_USERNAME"),
        password: var("STACKTACH_DB_PASSWORD"),
    };
    if v2.is_unset() {
        return Ok(DEFAULT_DATABASE_URL.to_owned());
    }
    v2.url()
}

/// v2's `STACKTACH_DB_*` settings (Django `DATABASES['default']`).
struct V2Database {
    engine: Option<String>,
    name: Option<String>,
    host: Option<String>,
    port: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

impl V2Database {
    fn is_unset(&self) -> bool {
        [
            &self.engine,
            &self.name,
            &self.host,
            &self.port,
            &self.username,
            &self.password,
        ]
        .iter()
        .all(|v| v.is_none())
    }

    fn url(&self) -> Result<String, ConfigError> {
        let scheme = self.scheme()?;
        let name = self.name.as_deref().ok_or_else(|| {
            env_error(
                "STACKTACH_DB_NAME",
                "required when other STACKTACH_DB_* variables are set",
            )
        })?;
        if scheme == "sqlite" {
            return Ok(format!("sqlite://{name}"));
        }
        // Django treats a host starting with "/" as a Unix socket directory.
        let socket = self.host.as_deref().filter(|h| h.starts_with('/'));
        let host = match (&self.host, socket) {
            (Some(host), None) => uri_host(host),
            _ => "localhost".to_owned(),
        };
        let port = match &self.port {
            Some(port) => format!(":{}", parse_port(port)?),
            None => String::new(),
        };
        let query = match socket {
            Some(socket) if scheme == "postgres" => format!("?host={}", percent_encode(socket)),
            Some(socket) => format!("?socket={}", percent_encode(socket)),
            None => String::new(),
        };
        let url = format!(
            "{scheme}://{}{host}{port}/{}{query}",
            self.userinfo(),
            percent_encode(name)
        );
        Ok(url)
    }

    fn scheme(&self) -> Result<&'static str, ConfigError> {
        let engine = self.engine.as_deref().unwrap_or(V2_DEFAULT_DB_ENGINE);
        match engine.rsplit('.').next().unwrap_or(engine) {
            "sqlite3" | "sqlite" => Ok("sqlite"),
            "postgresql" | "postgresql_psycopg2" | "postgres" => Ok("postgres"),
            "mysql" => Ok("mysql"),
            _ => Err(env_error(
                "STACKTACH_DB_ENGINE",
                format!(
                    "unsupported engine {} (expected django.db.backends.sqlite3, \
                     postgresql, postgresql_psycopg2 or mysql)",
                    quote(engine)
                ),
            )),
        }
    }

    /// `user:password@`, percent-encoded, or nothing when neither is set.
    fn userinfo(&self) -> String {
        if self.username.is_none() && self.password.is_none() {
            return String::new();
        }
        let user = percent_encode(self.username.as_deref().unwrap_or(""));
        match &self.password {
            Some(password) => format!("{user}:{}@", percent_encode(password)),
            None => format!("{user}@"),
        }
    }
}

fn parse_port(port: &str) -> Result<u16, ConfigError> {
    port.trim().parse().map_err(|_| {
        env_error(
            "STACKTACH_DB_PORT",
            format!("expected an integer 0-65535, found {}", quote(port)),
        )
    })
}

fn env_error(var: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Env {
        var: var.to_owned(),
        reason: reason.into(),
    }
}
