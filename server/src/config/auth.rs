//! The authentication settings of `serve` ([`AuthSettings`]): the mode (`none`, `basic`,
//! `proxy`), the users file, the proxies trusted to name the user and the header they name it
//! in, the bearer tokens, and `--insecure`; and the startup rule that mode `none` may only
//! listen on loopback. Pure: the command line reads files and variables and hands the texts
//! here, so every parse is tested without I/O. Errors name the option, variable or file and
//! the reason, never a token.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;

use super::Secret;

/// The header oauth2-proxy and Apache/NGINX auth modules name the user in by default.
pub const DEFAULT_PROXY_USER_HEADER: &str = "X-Forwarded-User";

/// How requests are authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// Nobody is asked (v2's developer setting): only on a loopback address, or with
    /// `--insecure`.
    #[default]
    None,
    /// HTTP Basic against the users file (the browser's own prompt).
    Basic,
    /// A trusted header set by an authenticating reverse proxy, accepted only from the
    /// allow-listed proxy addresses.
    Proxy,
}

impl AuthMode {
    /// The name the option takes.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Basic => "basic",
            Self::Proxy => "proxy",
        }
    }

    /// The mode named by `value`, which came from `source` (an option or a variable).
    ///
    /// # Errors
    /// Anything but `none`, `basic` or `proxy` (in any case).
    pub fn parse(value: &str, source: &str) -> Result<Self, AuthConfigError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Self::None),
            "basic" => Ok(Self::Basic),
            "proxy" => Ok(Self::Proxy),
            _ => Err(AuthConfigError::Mode {
                origin: source.to_owned(),
                value: value.to_owned(),
            }),
        }
    }
}

impl fmt::Display for AuthMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An address or a network of them (`10.0.0.7`, `10.0.0.0/8`, `::1`, `fd00::/8`): which TCP
/// peers may name the user in proxy mode (and whose `X-Forwarded-For` is believed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNetwork {
    /// The network address, host bits cleared.
    addr: IpAddr,
    prefix: u8,
}

impl IpNetwork {
    /// Whether `ip` lies in the network; an IPv4 address mapped into IPv6 (`::ffff:a.b.c.d`,
    /// what a dual-stack socket reports) counts as the IPv4 address.
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                mask(u128::from(u32::from(ip)), self.prefix, 32) == u128::from(u32::from(net))
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                mask(u128::from(ip), self.prefix, 128) == u128::from(net)
            }
            _ => false,
        }
    }
}

/// `bits` (a `width`-bit address) with all but the first `prefix` bits cleared.
fn mask(bits: u128, prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        return 0;
    }
    let keep = u128::MAX << (128 - u32::from(prefix));
    bits & (keep >> (128 - u32::from(width)))
}

impl FromStr for IpNetwork {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| "not an IP address".to_owned())?;
        let width: u8 = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("the prefix length must be 0-{width}"))?,
        };
        // An IPv4 network written as mapped IPv6 (`::ffff:10.0.0.0/104`) is that IPv4 network.
        let (addr, prefix) = match addr {
            IpAddr::V6(v6) if prefix >= 96 => match v6.to_ipv4_mapped() {
                Some(v4) => (IpAddr::V4(v4), prefix - 96),
                None => (addr, prefix),
            },
            other => (other, prefix),
        };
        let addr = match addr {
            IpAddr::V4(v4) => {
                IpAddr::V4((mask(u128::from(u32::from(v4)), prefix, 32) as u32).into())
            }
            IpAddr::V6(v6) => IpAddr::V6(mask(u128::from(v6), prefix, 128).into()),
        };
        Ok(Self { addr, prefix })
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Why the authentication settings cannot be used. No variant holds a token or a password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthConfigError {
    #[error("{origin}: unknown authentication mode \"{value}\" (expected none, basic or proxy)")]
    Mode { origin: String, value: String },
    #[error("{origin}: \"{value}\" is not an address or network (ADDR or ADDR/PREFIX): {reason}")]
    Network {
        origin: String,
        value: String,
        reason: String,
    },
    #[error("{origin}: \"{value}\" is not an HTTP header name")]
    Header { origin: String, value: String },
    #[error(
        "--auth basic needs a users file (--users-file FILE or STACKTACH_USERS_FILE); \
         make one with `stacktach user add NAME --users-file FILE`"
    )]
    NoUsersFile,
    #[error(
        "--auth proxy needs the proxy's address (--trusted-proxy ADDR[/PREFIX] or \
         STACKTACH_TRUSTED_PROXIES): only requests from it may name the user"
    )]
    NoTrustedProxy,
    #[error("{origin}: line {line}: {reason}")]
    Token {
        origin: String,
        line: usize,
        reason: &'static str,
    },
    #[error("{origin} holds no token")]
    NoToken { origin: String },
    #[error(
        "refusing to serve {addr} without authentication: give --auth basic or --auth proxy, \
         or --insecure to let everyone who reaches {addr} in (loopback addresses need neither)"
    )]
    Unprotected { addr: SocketAddr },
}

/// What `serve` authenticates with. `Debug` prints the tokens as `***`.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub mode: AuthMode,
    /// The users file of mode `basic` (`user:$argon2id$…` lines).
    pub users_file: Option<PathBuf>,
    /// The peers whose user header is believed (mode `proxy`); their `X-Forwarded-For` names
    /// the client in logs and for the failure limit in every mode.
    pub trusted_proxies: Vec<IpNetwork>,
    /// The header the proxy names the user in.
    pub proxy_user_header: String,
    /// Bearer tokens accepted on every surface in every mode (scripts, Prometheus, the billing
    /// feed); the `/db` writes need one of them whatever the mode.
    pub tokens: Vec<Secret>,
    /// Serve mode `none` on a non-loopback address anyway (logged as a warning).
    pub insecure: bool,
}

impl Default for AuthSettings {
    /// Mode `none`, no tokens: what the tests and a developer's `serve` on loopback run.
    fn default() -> Self {
        Self {
            mode: AuthMode::None,
            users_file: None,
            trusted_proxies: Vec::new(),
            proxy_user_header: DEFAULT_PROXY_USER_HEADER.to_owned(),
            tokens: Vec::new(),
            insecure: false,
        }
    }
}

/// How exposed a listening address is, once [`AuthSettings::check_listen`] allowed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Authentication is on.
    Protected,
    /// Mode `none` on a loopback address: only this machine reaches it.
    Loopback,
    /// Mode `none` elsewhere, allowed by `--insecure` (the caller warns).
    Insecure,
}

impl AuthSettings {
    /// Whether the mode has what it needs: a users file for `basic`, a trusted proxy for
    /// `proxy`.
    ///
    /// # Errors
    /// The missing setting, naming the option and variable that give it.
    pub fn validate(&self) -> Result<(), AuthConfigError> {
        match self.mode {
            AuthMode::Basic if self.users_file.is_none() => Err(AuthConfigError::NoUsersFile),
            AuthMode::Proxy if self.trusted_proxies.is_empty() => {
                Err(AuthConfigError::NoTrustedProxy)
            }
            _ => Ok(()),
        }
    }

    /// The startup rule: mode `none` serves only loopback addresses (127.0.0.0/8, `::1`)
    /// unless `--insecure`.
    ///
    /// # Errors
    /// Mode `none` on another address without `--insecure`.
    pub fn check_listen(&self, addr: SocketAddr) -> Result<Exposure, AuthConfigError> {
        if self.mode != AuthMode::None {
            Ok(Exposure::Protected)
        } else if addr.ip().to_canonical().is_loopback() {
            Ok(Exposure::Loopback)
        } else if self.insecure {
            Ok(Exposure::Insecure)
        } else {
            Err(AuthConfigError::Unprotected { addr })
        }
    }
}

/// The networks of a comma-separated list (`--trusted-proxy` items may be lists too).
///
/// # Errors
/// An item that is not `ADDR` or `ADDR/PREFIX`, named with `source`.
pub fn parse_networks<'a>(
    items: impl IntoIterator<Item = &'a str>,
    source: &str,
) -> Result<Vec<IpNetwork>, AuthConfigError> {
    let mut networks = Vec::new();
    for item in items.into_iter().flat_map(|i| i.split(',')) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let network = item.parse().map_err(|reason| AuthConfigError::Network {
            origin: source.to_owned(),
            value: item.to_owned(),
            reason,
        })?;
        networks.push(network);
    }
    Ok(networks)
}

/// `value` as a header name (RFC 9110 token characters), trimmed.
///
/// # Errors
/// An empty name or one with other characters.
pub fn parse_header_name(value: &str, source: &str) -> Result<String, AuthConfigError> {
    let name = value.trim();
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(AuthConfigError::Header {
            origin: source.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(name.to_owned())
}

/// The tokens of a tokens file: one per line, surrounding whitespace ignored, blank lines and
/// `#` comments skipped.
///
/// # Errors
/// A line holding two words (a token has no spaces; the line is named, the token never), or
/// a file without any token.
pub fn parse_tokens_file(text: &str, source: &str) -> Result<Vec<Secret>, AuthConfigError> {
    let mut tokens = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.split_whitespace().nth(1).is_some() {
            return Err(AuthConfigError::Token {
                origin: source.to_owned(),
                line: index + 1,
                reason: "a token holds no whitespace (one token per line)",
            });
        }
        tokens.push(Secret::new(line));
    }
    if tokens.is_empty() {
        return Err(AuthConfigError::NoToken {
            origin: source.to_owned(),
        });
    }
    Ok(tokens)
}

/// The tokens of a variable: separated by commas or whitespace.
///
/// # Errors
/// A variable without any token.
pub fn parse_tokens_list(text: &str, source: &str) -> Result<Vec<Secret>, AuthConfigError> {
    let tokens: Vec<Secret> = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(Secret::new)
        .collect();
    if tokens.is_empty() {
        return Err(AuthConfigError::NoToken {
            origin: source.to_owned(),
        });
    }
    Ok(tokens)
}

#[cfg(test)]
#[path = "auth_tests.rs"]
mod tests;
