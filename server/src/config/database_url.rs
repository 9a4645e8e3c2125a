//! Which database to use: the `--database-url` flag, `DATABASE_URL`, or StackTach v2's
//! `STACKTACH_DB_*` variables (Django's `DATABASES['default']`, turned into a URL), so a v2
//! deployment's environment keeps working unchanged. [`DatabaseUrl`] holds the result: a URL
//! that may carry a password, so it prints redacted everywhere and only the code that connects
//! sees it whole.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use super::defaults::{DEFAULT_DATABASE_URL, V2_DEFAULT_DB_ENGINE};
use super::error::ConfigError;
use super::message::quote;
use super::uri::{percent_encode, uri_host};

/// The database URL to use: `--database-url` (`cli`), else `DATABASE_URL`, else v2's variables
/// (`STACKTACH_DB_ENGINE`, `_NAME`, `_HOST`, `_PORT`, `_USERNAME`, `_PASSWORD`; used when any of
/// them is set, with v2's default engine MySQL), else [`DEFAULT_DATABASE_URL`]. `env` looks up an
/// environment variable, so tests need not touch the process environment. Empty values count
/// as unset. Engines: `django.db.backends.sqlite3` → `sqlite://NAME`, `…postgresql` and
/// `…postgresql_psycopg2` → `postgres://`, `…mysql` (MySQL and MariaDB) and Oracle's
/// `mysql.connector.django` → `mysql://`; user, password and database name are
/// percent-encoded. A `STACKTACH_DB_HOST` starting with `/` is a Unix socket, as in Django: the
/// socket directory for PostgreSQL (`?host=`), the socket file for MySQL (`?socket=`). Without
/// a host the URL names `localhost` over TCP, where Django's MySQL driver would take its
/// default socket: a server that listens only on a socket needs its path in `STACKTACH_DB_HOST`.
///
/// # Errors
/// [`ConfigError::Env`] for an unknown engine, a missing `STACKTACH_DB_NAME` or a port that is
/// not a number. None of them quotes the password.
pub fn resolve_database_url(
    cli: Option<DatabaseUrl>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<DatabaseUrl, ConfigError> {
    let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if let Some(url) = cli.filter(|v| !v.expose().trim().is_empty()) {
        return Ok(url);
    }
    if let Some(url) = var("DATABASE_URL") {
        return Ok(DatabaseUrl::from(url));
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
        return Ok(DatabaseUrl::from(DEFAULT_DATABASE_URL));
    }
    v2.url().map(DatabaseUrl::from)
}

/// A database URL, which may carry a password (`user:password@`, or `?password=` for
/// PostgreSQL). `Debug` and `Display` print it [redacted](Self::redacted), so a struct holding
/// one can be logged and a message can name the database; [`expose`](Self::expose) gives the
/// URL itself to the one place that connects. Parsing cannot fail: clap quotes the raw value
/// in the error of a parser that can, and whether the URL is valid is for the store to say.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL with its password: only for connecting, never for a message or a log.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with every password masked as `***` (see [`redact_url`]).
    #[must_use]
    pub fn redacted(&self) -> String {
        redact_url(&self.0)
    }

    /// The URL's scheme in lower case (`sqlite`, `postgres`, `mysql`, …), or `""` for text
    /// that does not start with `scheme://` (or `sqlite:`, whose file URLs may omit the
    /// slashes): which backend a command should expect, without reading the rest. So the
    /// `u` of `u:password@host` is no scheme.
    #[must_use]
    pub fn scheme(&self) -> String {
        let Some((scheme, rest)) = self.0.split_once(':') else {
            return String::new();
        };
        let scheme = scheme.to_ascii_lowercase();
        let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            && (rest.starts_with("//") || scheme == "sqlite");
        if valid {
            scheme
        } else {
            String::new()
        }
    }

    /// Whether [`redacted`](Self::redacted) hides anything.
    #[must_use]
    pub fn has_secret(&self) -> bool {
        self.redacted() != self.0
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> Self {
        Self(url)
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> Self {
        Self(url.to_owned())
    }
}

impl FromStr for DatabaseUrl {
    type Err = Infallible;

    fn from_str(url: &str) -> Result<Self, Infallible> {
        Ok(Self::from(url))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.redacted(), f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// `url` (a database or broker URL) with its passwords masked as `***`, for messages: the
/// password of `scheme://user:password@host…` (the userinfo ends at the last `@`, so a
/// password holding `@`, `/` or `?` is masked whole), the value of any query parameter whose
/// name ends in `password`, and, for text that is not `scheme://…` but has an `@`, all of it
/// before the last `@`. When in doubt it hides more, never less.
#[must_use]
pub fn redact_url(url: &str) -> String {
    let masked = match (url.find("://"), url.find('@'), url.rfind('@')) {
        (Some(scheme), Some(first), Some(last)) if first > scheme => {
            let start = scheme + 3;
            match url[start..last].split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..start], &url[last..]),
                None => url.to_owned(),
            }
        }
        (_, Some(_), Some(last)) => format!("***{}", &url[last..]),
        _ => url.to_owned(),
    };
    redact_query_passwords(&masked)
}

/// Masks the value of every `…password=` query parameter (`?password=`, `&sslpassword=`).
fn redact_query_passwords(url: &str) -> String {
    let Some(query_start) = url.find('?') else {
        return url.to_owned();
    };
    let (base, query) = url.split_at(query_start + 1);
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, _)) if name.to_ascii_lowercase().ends_with("password") => {
                format!("{name}=***")
            }
            _ => param.to_owned(),
        })
        .collect();
    format!("{base}{}", params.join("&"))
}

/// Oracle's Django backend for MySQL (MySQL Connector/Python), whose last dotted part is not
/// the database's name.
const MYSQL_CONNECTOR_ENGINE: &str = "mysql.connector.django";

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
        if engine == MYSQL_CONNECTOR_ENGINE {
            return Ok("mysql");
        }
        match engine.rsplit('.').next().unwrap_or(engine) {
            "sqlite3" | "sqlite" => Ok("sqlite"),
            "postgresql" | "postgresql_psycopg2" | "postgres" => Ok("postgres"),
            "mysql" => Ok("mysql"),
            _ => Err(env_error(
                "STACKTACH_DB_ENGINE",
                format!(
                    "unsupported engine {} (expected django.db.backends.sqlite3, \
                     postgresql, postgresql_psycopg2 or mysql, or {MYSQL_CONNECTOR_ENGINE})",
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
