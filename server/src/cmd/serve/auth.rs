//! `serve`'s authentication options ([`AuthArgs`]) and their variables, resolved into
//! [`AuthSettings`]: the option first, else the variable, else the default (mode `none`).
//! Tokens come from a file or a variable, never from an option (which `ps` would show).
//! [`authenticator`] applies them at startup.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;

use crate::config::auth::{
    parse_header_name, parse_networks, parse_tokens_file, parse_tokens_list, AuthMode,
    AuthSettings, Exposure, DEFAULT_PROXY_USER_HEADER,
};
use crate::config::Secret;
use crate::http::auth::Authenticator;

/// The web server's authenticator, after the startup rule: mode `none` serves a non-loopback
/// address only with `--insecure` (and warns then). `web_listen` is where the web server
/// listens, `None` without one: a worker's endpoints are not authenticated, so the rule is the
/// web server's only. `db_api_token` guards the `/db` writes.
///
/// # Errors
/// A mode without what it needs, a bad users file, or mode `none` on a non-loopback address
/// without `--insecure`.
pub(super) fn authenticator(
    auth: &AuthSettings,
    web_listen: Option<SocketAddr>,
    db_api_token: Option<&Secret>,
) -> anyhow::Result<Arc<Authenticator>> {
    if let Some(addr) = web_listen {
        auth.validate()?;
        if auth.check_listen(addr)? == Exposure::Insecure {
            tracing::warn!(%addr, "Serving without authentication on a non-loopback address (--insecure): everyone who reaches it can read everything.");
        }
        tracing::info!(mode = %auth.mode, "Authentication configured.");
    }
    let authenticator =
        Authenticator::new(auth, db_api_token).context("cannot set up authentication")?;
    Ok(Arc::new(authenticator))
}

/// How `serve` authenticates requests.
#[derive(Debug, Args)]
pub struct AuthArgs {
    /// none (loopback addresses only, unless --insecure), basic (users file; the browser's prompt) or proxy (a trusted proxy's user header) [env: STACKTACH_AUTH] [default: none]
    #[arg(long, value_name = "MODE")]
    pub auth: Option<String>,
    /// The users file of --auth basic, written by `stacktach user add` [env: STACKTACH_USERS_FILE]
    #[arg(long, value_name = "FILE")]
    pub users_file: Option<PathBuf>,
    /// A proxy address or network trusted to name the user (--auth proxy) and the client (X-Forwarded-For); repeatable or comma-separated [env: STACKTACH_TRUSTED_PROXIES]
    #[arg(long, value_name = "ADDR[/PREFIX]")]
    pub trusted_proxy: Vec<String>,
    /// The header the trusted proxy names the user in [env: STACKTACH_PROXY_USER_HEADER] [default: X-Forwarded-User]
    #[arg(long, value_name = "HEADER")]
    pub proxy_user_header: Option<String>,
    /// A file of bearer tokens, one per line, accepted on every surface in every mode, the /db writes included [env: STACKTACH_API_TOKENS_FILE, or STACKTACH_API_TOKENS holding the tokens]
    #[arg(long, value_name = "FILE")]
    pub api_tokens_file: Option<PathBuf>,
    /// Serve --auth none on a non-loopback address anyway: everyone who reaches it gets in [env: STACKTACH_INSECURE=1]
    #[arg(long)]
    pub insecure: bool,
}

impl AuthArgs {
    /// The settings of the options and the process's variables.
    ///
    /// # Errors
    /// A bad mode, address, header name or tokens file (naming the option, variable or file).
    pub fn settings(&self) -> anyhow::Result<AuthSettings> {
        auth_settings(self, |name| std::env::var(name).ok())
    }
}

/// [`AuthArgs::settings`] with the variables looked up by `env`.
pub(crate) fn auth_settings(
    args: &AuthArgs,
    env: impl Fn(&str) -> Option<String>,
) -> anyhow::Result<AuthSettings> {
    let mode = match (&args.auth, env("STACKTACH_AUTH")) {
        (Some(mode), _) => AuthMode::parse(mode, "--auth")?,
        (None, Some(mode)) => AuthMode::parse(&mode, "STACKTACH_AUTH")?,
        (None, None) => AuthMode::None,
    };
    let trusted_proxies = if args.trusted_proxy.is_empty() {
        let var = env("STACKTACH_TRUSTED_PROXIES").unwrap_or_default();
        parse_networks([var.as_str()], "STACKTACH_TRUSTED_PROXIES")?
    } else {
        parse_networks(
            args.trusted_proxy.iter().map(String::as_str),
            "--trusted-proxy",
        )?
    };
    let proxy_user_header = match (&args.proxy_user_header, env("STACKTACH_PROXY_USER_HEADER")) {
        (Some(name), _) => parse_header_name(name, "--proxy-user-header")?,
        (None, Some(name)) => parse_header_name(&name, "STACKTACH_PROXY_USER_HEADER")?,
        (None, None) => DEFAULT_PROXY_USER_HEADER.to_owned(),
    };
    let tokens_file = args
        .api_tokens_file
        .clone()
        .or_else(|| env("STACKTACH_API_TOKENS_FILE").map(PathBuf::from));
    let tokens = match (tokens_file, env("STACKTACH_API_TOKENS")) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                anyhow::anyhow!("cannot read the API tokens file {}: {e}", path.display())
            })?;
            parse_tokens_file(&text, &path.display().to_string())?
        }
        (None, Some(list)) => parse_tokens_list(&list, "STACKTACH_API_TOKENS")?,
        (None, None) => Vec::new(),
    };
    let insecure = args.insecure
        || env("STACKTACH_INSECURE").is_some_and(|v| {
            matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes")
        });
    Ok(AuthSettings {
        mode,
        users_file: args
            .users_file
            .clone()
            .or_else(|| env("STACKTACH_USERS_FILE").map(PathBuf::from)),
        trusted_proxies,
        proxy_user_header,
        tokens,
        insecure,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use clap::Parser;

    use super::*;
    use crate::cmd::{Cli, Command};

    fn resolve(args: &[&str], vars: &[(&str, &str)]) -> anyhow::Result<AuthSettings> {
        let cli = Cli::try_parse_from([&["stacktach", "serve"], args].concat()).expect("parses");
        let Command::Serve(serve) = cli.command else {
            unreachable!("serve")
        };
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        auth_settings(&serve.auth, |k| vars.get(k).cloned())
    }

    #[test]
    fn options_come_before_variables_and_default_to_none() {
        let s = resolve(&[], &[]).unwrap();
        assert_eq!(s.mode, AuthMode::None);
        assert_eq!(s.proxy_user_header, "X-Forwarded-User");
        assert!(s.tokens.is_empty() && !s.insecure && s.users_file.is_none());

        let vars = [
            ("STACKTACH_AUTH", "proxy"),
            ("STACKTACH_TRUSTED_PROXIES", "10.0.0.1,10.1.0.0/16"),
            ("STACKTACH_PROXY_USER_HEADER", "X-Remote-User"),
            ("STACKTACH_API_TOKENS", "t1 t2"),
            ("STACKTACH_INSECURE", "1"),
            ("STACKTACH_USERS_FILE", "/etc/st/users"),
        ];
        let s = resolve(&[], &vars).unwrap();
        assert_eq!(s.mode, AuthMode::Proxy);
        assert_eq!(s.trusted_proxies.len(), 2);
        assert_eq!(s.proxy_user_header, "X-Remote-User");
        assert_eq!(s.tokens.len(), 2);
        assert!(s.insecure);
        assert_eq!(s.users_file, Some(PathBuf::from("/etc/st/users")));

        let args = [
            "--auth",
            "basic",
            "--trusted-proxy",
            "::1",
            "--trusted-proxy=127.0.0.1,10.0.0.0/8",
            "--proxy-user-header",
            "X-User",
            "--users-file",
            "u",
        ];
        let s = resolve(&args, &vars).unwrap();
        assert_eq!(s.mode, AuthMode::Basic);
        assert_eq!(s.trusted_proxies.len(), 3);
        assert_eq!(s.proxy_user_header, "X-User");
        assert_eq!(s.users_file, Some(PathBuf::from("u")));
    }

    #[test]
    fn bad_values_are_named_by_where_they_came_from() {
        let err =
            |args: &[&str], vars: &[(&str, &str)]| resolve(args, vars).unwrap_err().to_string();
        assert!(err(&["--auth", "ldap"], &[]).starts_with("--auth: unknown authentication mode"));
        let e = err(&[], &[("STACKTACH_AUTH", "kerberos")]);
        assert!(e.starts_with("STACKTACH_AUTH: "), "{e}");
        let e = err(&["--trusted-proxy", "proxy.example"], &[]);
        assert!(e.starts_with("--trusted-proxy: \"proxy.example\""), "{e}");
        let e = err(&["--proxy-user-header", "X User"], &[]);
        assert!(e.starts_with("--proxy-user-header: "), "{e}");
        let e = err(&["--api-tokens-file", "/nonexistent/tokens"], &[]);
        assert!(
            e.starts_with("cannot read the API tokens file /nonexistent/tokens"),
            "{e}"
        );
    }

    #[test]
    fn tokens_come_from_a_file_and_never_show() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("tokens");
        std::fs::write(&file, "# prometheus\ns3cret-prom\nS3CRET-billing\n").unwrap();
        let path = file.display().to_string();
        let s = resolve(
            &["--api-tokens-file", &path],
            &[("STACKTACH_API_TOKENS", "ignored")],
        )
        .unwrap();
        let tokens: Vec<&str> = s.tokens.iter().map(|t| t.expose()).collect();
        assert_eq!(tokens, ["s3cret-prom", "S3CRET-billing"]);
        assert!(!format!("{s:?}").to_lowercase().contains("s3cret"));
        let s = resolve(&[], &[("STACKTACH_API_TOKENS_FILE", &path)]).unwrap();
        assert_eq!(s.tokens.len(), 2);
        std::fs::write(&file, "s3cret one\n").unwrap();
        let e = resolve(&["--api-tokens-file", &path], &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1") && !e.contains("s3cret"), "{e}");
    }
}
