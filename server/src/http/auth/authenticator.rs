//! [`Authenticator`]: who a request is, or why it is refused, under the configured mode.
//! Bearer tokens work in every mode; mode `basic` checks Basic credentials against the users
//! file (remembered once verified, limited on failure); mode `proxy` believes the user header
//! only from the trusted proxies. The middleware answers and logs what this decides.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, HeaderName};

use super::basic::parse_basic;
use super::cache::CredentialCache;
use super::limiter::FailureLimiter;
use super::tokens::{bearer, BearerTokens};
use super::user_db::UserDb;
use super::users::UsersFileError;
use crate::config::auth::{AuthMode, AuthSettings, IpNetwork};
use crate::config::Secret;

/// Who a request was let in as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// Mode `none`: nobody was asked.
    Anonymous,
    /// A user of the users file, or named by the trusted proxy.
    User(Arc<str>),
    /// A configured bearer token.
    Token,
}

/// Why a request is refused; `user` is the name it claimed, if any (logged; no secret is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No credentials: the first request of a browser, not worth a warning.
    Missing,
    /// Credentials that do not fit this mode (a Basic header in proxy mode, …).
    Unsupported,
    /// A wrong password, an unknown user or a wrong token.
    Wrong { user: Option<Arc<str>> },
    /// The user header from a peer that is not a trusted proxy.
    Untrusted { user: Arc<str> },
    /// Too many failures from this client lately.
    Blocked { retry_after: Duration },
}

/// The decision and the client it was made for (a trusted proxy's `X-Forwarded-For` client,
/// else the TCP peer).
#[derive(Debug)]
pub struct Decision {
    pub client: Option<IpAddr>,
    pub outcome: Result<Identity, Refusal>,
}

/// Authentication state shared by every request.
pub struct Authenticator {
    mode: AuthMode,
    tokens: BearerTokens,
    users: Option<UserDb>,
    cache: CredentialCache,
    limiter: FailureLimiter,
    proxies: Vec<IpNetwork>,
    user_header: HeaderName,
    /// Password checks running at once. Argon2 takes ~19 MiB and tens of milliseconds of CPU
    /// each: unbounded, a flood of guesses would exhaust memory; and a client's failure count
    /// is re-read once its check may run, so parallel guesses cannot outrun the limiter.
    verifying: tokio::sync::Semaphore,
}

/// Password checks that may run at once (about the cores of a small web node).
const PARALLEL_CHECKS: usize = 2;

/// The address failures are counted under when the peer is unknown (no socket: in-process
/// calls).
const UNKNOWN_CLIENT: IpAddr = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

impl Authenticator {
    /// The authenticator of `settings`; `db_api_token` (`--db-api-token-file`) joins the
    /// bearer tokens. Reads the users file of mode `basic`.
    ///
    /// # Errors
    /// A users file that cannot be read or used, or a header name the HTTP library refuses.
    pub fn new(
        settings: &AuthSettings,
        db_api_token: Option<&Secret>,
    ) -> Result<Self, AuthSetupError> {
        let users = match (settings.mode, &settings.users_file) {
            (AuthMode::Basic, Some(path)) => Some(UserDb::open(path, Instant::now())?),
            (AuthMode::Basic, None) => return Err(AuthSetupError::NoUsersFile),
            _ => None,
        };
        let user_header = HeaderName::try_from(settings.proxy_user_header.as_str())
            .map_err(|_| AuthSetupError::Header(settings.proxy_user_header.clone()))?;
        let mut tokens = settings.tokens.clone();
        tokens.extend(db_api_token.cloned());
        Ok(Self {
            mode: settings.mode,
            tokens: BearerTokens::new(tokens),
            users,
            cache: CredentialCache::default(),
            limiter: FailureLimiter::default(),
            proxies: settings.trusted_proxies.clone(),
            user_header,
            verifying: tokio::sync::Semaphore::new(PARALLEL_CHECKS),
        })
    }

    /// The mode (the middleware picks the challenge by it).
    #[must_use]
    pub fn mode(&self) -> AuthMode {
        self.mode
    }

    /// The bearer tokens (the `/db` writes need one whatever the mode).
    #[must_use]
    pub fn tokens(&self) -> &BearerTokens {
        &self.tokens
    }

    /// Decides about a request from TCP peer `peer` (`None`: not over a socket).
    pub async fn decide(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Decision {
        let trusted_peer = peer.is_some_and(|p| self.trusts(p));
        let client = match peer {
            Some(p) if trusted_peer => forwarded_client(headers).or(Some(p)),
            other => other,
        };
        let outcome = self.outcome(client, trusted_peer, headers).await;
        Decision { client, outcome }
    }

    async fn outcome(
        &self,
        client: Option<IpAddr>,
        trusted_peer: bool,
        headers: &HeaderMap,
    ) -> Result<Identity, Refusal> {
        if self.mode == AuthMode::None {
            return Ok(Identity::Anonymous);
        }
        let now = Instant::now();
        let key = client.unwrap_or(UNKNOWN_CLIENT);
        let authorization = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
        if let Some(users) = &self.users {
            // A changed users file voids what was verified against the old one.
            if users.current(now).1 {
                self.cache.clear();
            }
        }
        if let Some(user) = authorization.and_then(|a| self.cache.get(a, now)) {
            return Ok(Identity::User(user));
        }
        let named = self.named_by_proxy(headers);
        if named.is_none() && authorization.is_none() {
            return Err(Refusal::Missing);
        }
        if let Err(blocked) = self.limiter.check(key, now) {
            return Err(Refusal::Blocked {
                retry_after: blocked.retry_after,
            });
        }
        let result = match named {
            Some(user) if trusted_peer => Ok(Identity::User(user)),
            Some(user) => Err(Refusal::Untrusted { user }),
            None => self.credentials(key, headers, now).await,
        };
        if let Err(Refusal::Wrong { .. } | Refusal::Untrusted { .. }) = &result {
            if self.limiter.record(key, now) {
                tracing::warn!(client = %key, "Too many failed attempts from this client; refusing it for a minute.");
            }
        }
        result
    }

    /// The user the proxy header names (mode `proxy`, a non-empty header). UTF-8, not only
    /// ASCII: directories name users `jörg`; from an untrusted peer any such header is refused.
    fn named_by_proxy(&self, headers: &HeaderMap) -> Option<Arc<str>> {
        if self.mode != AuthMode::Proxy {
            return None;
        }
        let value = String::from_utf8_lossy(headers.get(&self.user_header)?.as_bytes());
        let value = value.trim();
        (!value.is_empty()).then(|| Arc::from(value))
    }

    /// A bearer token (any mode) or Basic credentials (mode `basic`) of client `key`.
    async fn credentials(
        &self,
        key: IpAddr,
        headers: &HeaderMap,
        now: Instant,
    ) -> Result<Identity, Refusal> {
        if let Some(token) = bearer(headers) {
            return if self.tokens.matches(token) {
                Ok(Identity::Token)
            } else {
                Err(Refusal::Wrong { user: None })
            };
        }
        let (Some(users), Some(value)) = (&self.users, headers.get(header::AUTHORIZATION)) else {
            return Err(Refusal::Unsupported);
        };
        let Some(credentials) = parse_basic(value.as_bytes()) else {
            return Err(Refusal::Unsupported);
        };
        let user: Arc<str> = Arc::from(credentials.user.as_str());
        // The semaphore is never closed; a waiting request re-reads its client's failures.
        let Ok(_slot) = self.verifying.acquire().await else {
            return Err(Refusal::Unsupported);
        };
        if let Err(blocked) = self.limiter.check(key, Instant::now()) {
            return Err(Refusal::Blocked {
                retry_after: blocked.retry_after,
            });
        }
        let (known, _) = users.current(now);
        // Argon2 takes tens of milliseconds of CPU: not on the async threads.
        let verified = tokio::task::spawn_blocking(move || {
            known.verify(&credentials.user, &credentials.password)
        })
        .await
        .unwrap_or(false);
        if verified {
            self.cache.insert(value.as_bytes(), user.clone(), now);
            Ok(Identity::User(user))
        } else {
            Err(Refusal::Wrong { user: Some(user) })
        }
    }

    fn trusts(&self, peer: IpAddr) -> bool {
        self.proxies.iter().any(|n| n.contains(peer))
    }
}

/// The client a trusted proxy forwarded for: the last `X-Forwarded-For` entry (the one the
/// proxy itself added).
fn forwarded_client(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()?;
    last.trim().parse().ok()
}

/// Why the authenticator cannot be built (at start).
#[derive(Debug, thiserror::Error)]
pub enum AuthSetupError {
    #[error(transparent)]
    Users(#[from] UsersFileError),
    #[error("--auth basic needs a users file (--users-file FILE or STACKTACH_USERS_FILE)")]
    NoUsersFile,
    #[error("\"{0}\" is not an HTTP header name")]
    Header(String),
}
