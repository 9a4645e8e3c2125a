//! The authenticator's decisions, without a socket: every mode, tokens, the failure limit,
//! the trusted proxy and the client it forwards for.

use std::net::IpAddr;
use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderName, HeaderValue};

use super::limiter::MAX_FAILURES;
use super::users::{hash_password, with_user};
use super::{Authenticator, Identity, Refusal};
use crate::config::auth::{parse_networks, AuthMode, AuthSettings};
use crate::config::Secret;

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            HeaderName::try_from(*name).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    map
}

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().unwrap())
}

/// "alice:wonderland" and "alice:wrong".
const RIGHT: &str = "Basic YWxpY2U6d29uZGVybGFuZA==";
const WRONG: &str = "Basic YWxpY2U6d3Jvbmc=";

fn basic(dir: &tempfile::TempDir) -> Authenticator {
    let path = dir.path().join("users");
    let text = with_user("", "alice", &hash_password("wonderland").unwrap());
    std::fs::write(&path, text).unwrap();
    let settings = AuthSettings {
        mode: AuthMode::Basic,
        users_file: Some(path),
        tokens: vec![Secret::new("script-token")],
        ..AuthSettings::default()
    };
    Authenticator::new(&settings, Some(&Secret::new("db-token"))).unwrap()
}

#[tokio::test]
async fn mode_none_asks_nobody() {
    let auth = Authenticator::new(&AuthSettings::default(), None).unwrap();
    let d = auth.decide(ip("192.0.2.1"), &HeaderMap::new()).await;
    assert_eq!(d.outcome, Ok(Identity::Anonymous));
    assert!(auth.tokens().is_empty());
}

#[tokio::test]
async fn basic_mode_takes_users_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let auth = basic(&dir);
    let peer = ip("192.0.2.1");
    let decide = |pairs: &'static [(&'static str, &'static str)]| {
        let auth = &auth;
        async move { auth.decide(peer, &headers(pairs)).await.outcome }
    };
    assert_eq!(decide(&[]).await, Err(Refusal::Missing));
    let alice = Ok(Identity::User(Arc::from("alice")));
    assert_eq!(decide(&[("authorization", RIGHT)]).await, alice);
    assert_eq!(decide(&[("authorization", RIGHT)]).await, alice, "cached");
    assert_eq!(
        decide(&[("authorization", WRONG)]).await,
        Err(Refusal::Wrong {
            user: Some(Arc::from("alice"))
        })
    );
    for token in ["Bearer script-token", "Bearer db-token"] {
        let d = auth
            .decide(peer, &headers(&[("authorization", token)]))
            .await;
        assert_eq!(d.outcome, Ok(Identity::Token), "{token}");
    }
    let d = decide(&[("authorization", "Bearer nope")]).await;
    assert_eq!(d, Err(Refusal::Wrong { user: None }));
    assert_eq!(
        decide(&[("authorization", "Digest x")]).await,
        Err(Refusal::Unsupported)
    );
    // Basic mode does not read a proxy header.
    assert_eq!(
        decide(&[("x-forwarded-user", "alice")]).await,
        Err(Refusal::Missing)
    );
}

#[tokio::test]
async fn too_many_failures_block_even_the_right_password() {
    let dir = tempfile::tempdir().unwrap();
    let auth = basic(&dir);
    let (attacker, other) = (ip("198.51.100.9"), ip("198.51.100.10"));
    let wrong = headers(&[(header::AUTHORIZATION.as_str(), "Bearer guess")]);
    for _ in 0..MAX_FAILURES {
        let d = auth.decide(attacker, &wrong).await;
        assert_eq!(d.outcome, Err(Refusal::Wrong { user: None }));
    }
    let right = headers(&[("authorization", RIGHT)]);
    match auth.decide(attacker, &right).await.outcome {
        Err(Refusal::Blocked { retry_after }) => assert!(retry_after.as_secs() >= 1),
        other => panic!("{other:?}"),
    }
    let d = auth.decide(other, &right).await;
    assert_eq!(d.outcome, Ok(Identity::User(Arc::from("alice"))));
}

#[tokio::test]
async fn the_proxy_header_counts_only_from_trusted_proxies() {
    let settings = AuthSettings {
        mode: AuthMode::Proxy,
        trusted_proxies: parse_networks(["10.0.0.0/24"], "test").unwrap(),
        proxy_user_header: "X-Remote-User".into(),
        tokens: vec![Secret::new("t0k")],
        ..AuthSettings::default()
    };
    let auth = Authenticator::new(&settings, None).unwrap();
    let named = headers(&[
        ("x-remote-user", " bob "),
        ("x-forwarded-for", "203.0.113.5, 10.0.0.1"),
    ]);
    let d = auth.decide(ip("10.0.0.7"), &named).await;
    assert_eq!(d.outcome, Ok(Identity::User(Arc::from("bob"))));
    assert_eq!(d.client, ip("10.0.0.1"), "the client the proxy added last");
    let d = auth.decide(ip("192.0.2.1"), &named).await;
    assert_eq!(
        d.outcome,
        Err(Refusal::Untrusted {
            user: Arc::from("bob")
        })
    );
    assert_eq!(
        d.client,
        ip("192.0.2.1"),
        "an untrusted peer's X-Forwarded-For is ignored"
    );
    let d = auth
        .decide(ip("10.0.0.7"), &headers(&[("x-remote-user", "")]))
        .await;
    assert_eq!(d.outcome, Err(Refusal::Missing));
    let d = auth
        .decide(ip("10.0.0.7"), &headers(&[("x-forwarded-user", "bob")]))
        .await;
    assert_eq!(
        d.outcome,
        Err(Refusal::Missing),
        "only the configured header"
    );
    let bearer = headers(&[("authorization", "Bearer t0k")]);
    let d = auth.decide(ip("192.0.2.1"), &bearer).await;
    assert_eq!(d.outcome, Ok(Identity::Token));
    let d = auth.decide(None, &named).await;
    assert!(
        matches!(d.outcome, Err(Refusal::Untrusted { .. })),
        "no socket: not trusted"
    );
    let basic = headers(&[("authorization", RIGHT)]);
    let d = auth.decide(ip("10.0.0.7"), &basic).await;
    assert_eq!(d.outcome, Err(Refusal::Unsupported));
}

#[tokio::test]
async fn a_proxy_may_name_users_in_utf8_and_no_untrusted_peer_may() {
    let settings = AuthSettings {
        mode: AuthMode::Proxy,
        trusted_proxies: parse_networks(["10.0.0.0/24"], "test").unwrap(),
        ..AuthSettings::default()
    };
    let auth = Authenticator::new(&settings, None).unwrap();
    let mut named = HeaderMap::new();
    named.insert(
        "x-forwarded-user",
        HeaderValue::from_bytes("jörg".as_bytes()).unwrap(),
    );
    let d = auth.decide(ip("10.0.0.7"), &named).await;
    assert_eq!(d.outcome, Ok(Identity::User(Arc::from("jörg"))));
    let d = auth.decide(ip("192.0.2.1"), &named).await;
    assert!(
        matches!(d.outcome, Err(Refusal::Untrusted { .. })),
        "{:?}",
        d.outcome
    );
}

/// Guesses sent at once cannot outrun the limiter: each password check re-reads its
/// client's failures once it may run, so no more than the limit (and the one other check
/// that may run beside the last) are ever checked.
#[tokio::test]
async fn parallel_guesses_are_limited_like_sequential_ones() {
    let dir = tempfile::tempdir().unwrap();
    let auth = Arc::new(basic(&dir));
    let attacker = ip("198.51.100.20");
    let guesses = (0..3 * MAX_FAILURES).map(|_| {
        let auth = auth.clone();
        tokio::spawn(async move {
            let wrong = headers(&[("authorization", WRONG)]);
            auth.decide(attacker, &wrong).await.outcome
        })
    });
    let mut wrong = 0;
    for guess in guesses.collect::<Vec<_>>() {
        match guess.await.unwrap() {
            Err(Refusal::Wrong { .. }) => wrong += 1,
            Err(Refusal::Blocked { .. }) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(
        wrong <= MAX_FAILURES + 1,
        "{wrong} passwords checked for one client, limit {MAX_FAILURES}"
    );
}
