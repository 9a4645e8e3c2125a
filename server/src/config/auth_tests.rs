//! Unit tests of `config::auth`: modes, networks, header names, tokens, the startup rule.

use super::*;

#[test]
fn modes_parse_in_any_case_and_unknown_ones_are_named() {
    assert_eq!(AuthMode::parse(" Basic ", "--auth"), Ok(AuthMode::Basic));
    assert_eq!(AuthMode::parse("proxy", "--auth"), Ok(AuthMode::Proxy));
    assert_eq!(AuthMode::parse("NONE", "--auth"), Ok(AuthMode::None));
    let err = AuthMode::parse("ldap", "STACKTACH_AUTH").unwrap_err();
    assert_eq!(
        err.to_string(),
        "STACKTACH_AUTH: unknown authentication mode \"ldap\" (expected none, basic or proxy)"
    );
}

#[test]
fn networks_contain_their_addresses() {
    let net = |s: &str| s.parse::<IpNetwork>().unwrap();
    let ip = |s: &str| s.parse::<IpAddr>().unwrap();
    assert!(net("127.0.0.1").contains(ip("127.0.0.1")));
    assert!(!net("127.0.0.1").contains(ip("127.0.0.2")));
    assert!(net("10.1.2.3/8").contains(ip("10.200.0.1")));
    assert_eq!(net("10.1.2.3/8").to_string(), "10.0.0.0/8");
    assert!(!net("10.0.0.0/8").contains(ip("11.0.0.1")));
    assert!(net("0.0.0.0/0").contains(ip("192.0.2.1")));
    assert!(!net("0.0.0.0/0").contains(ip("::2")));
    assert!(net("fd00::/8").contains(ip("fd12::1")));
    assert!(!net("fd00::/8").contains(ip("fe80::1")));
    assert!(net("[::1]").contains(ip("::1")));
    // A dual-stack socket reports IPv4 peers as mapped IPv6 addresses.
    assert!(net("127.0.0.1").contains(ip("::ffff:127.0.0.1")));
    assert!(net("::ffff:10.0.0.1/128").contains(ip("10.0.0.1")));
    for bad in ["10.0.0.1/33", "::1/129", "host.example", "10.0.0.1/x", ""] {
        assert!(bad.parse::<IpNetwork>().is_err(), "{bad}");
    }
}

#[test]
fn network_lists_split_on_commas_and_name_the_bad_item() {
    let nets = parse_networks(["10.0.0.1, 10.0.1.0/24", "::1"], "--trusted-proxy").unwrap();
    assert_eq!(nets.len(), 3);
    let err = parse_networks(["10.0.0.1,proxy.local"], "STACKTACH_TRUSTED_PROXIES");
    assert_eq!(
        err.unwrap_err().to_string(),
        "STACKTACH_TRUSTED_PROXIES: \"proxy.local\" is not an address or network \
         (ADDR or ADDR/PREFIX): not an IP address"
    );
}

#[test]
fn header_names_are_tokens() {
    assert_eq!(
        parse_header_name(" X-Remote-User ", "--proxy-user-header").unwrap(),
        "X-Remote-User"
    );
    for bad in ["", "X User", "X:User", "Ü"] {
        assert!(
            parse_header_name(bad, "--proxy-user-header").is_err(),
            "{bad}"
        );
    }
}

#[test]
fn tokens_files_skip_comments_and_never_show_a_token() {
    let text = "# Prometheus\n  t0ken-one  \n\n# billing\nt0ken-two\n";
    let tokens = parse_tokens_file(text, "tokens").unwrap();
    let shown: Vec<&str> = tokens.iter().map(Secret::expose).collect();
    assert_eq!(shown, ["t0ken-one", "t0ken-two"]);
    assert_eq!(format!("{tokens:?}"), "[***, ***]");
    let err = parse_tokens_file("ok\nsecret-a secret-b\n", "/etc/t").unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("/etc/t: line 2: "), "{text}");
    assert!(!text.contains("secret-"), "{text}");
    let err = parse_tokens_file("# nothing\n\n", "/etc/t").unwrap_err();
    assert_eq!(err.to_string(), "/etc/t holds no token");
    let list = parse_tokens_list("a, b\tc", "STACKTACH_API_TOKENS").unwrap();
    assert_eq!(list.len(), 3);
    assert!(parse_tokens_list(" , ", "STACKTACH_API_TOKENS").is_err());
}

#[test]
fn modes_need_their_settings() {
    let mut settings = AuthSettings {
        mode: AuthMode::Basic,
        ..AuthSettings::default()
    };
    assert_eq!(settings.validate(), Err(AuthConfigError::NoUsersFile));
    settings.users_file = Some("users".into());
    assert_eq!(settings.validate(), Ok(()));
    settings.mode = AuthMode::Proxy;
    assert_eq!(settings.validate(), Err(AuthConfigError::NoTrustedProxy));
    settings.trusted_proxies = parse_networks(["127.0.0.1"], "t").unwrap();
    assert_eq!(settings.validate(), Ok(()));
    assert_eq!(AuthSettings::default().validate(), Ok(()));
}

#[test]
fn mode_none_listens_on_loopback_only_unless_insecure() {
    let addr = |s: &str| s.parse::<SocketAddr>().unwrap();
    let mut settings = AuthSettings::default();
    for loopback in [
        "127.0.0.1:3000",
        "127.9.9.9:0",
        "[::1]:3000",
        "[::ffff:127.0.0.1]:1",
    ] {
        assert_eq!(
            settings.check_listen(addr(loopback)),
            Ok(Exposure::Loopback),
            "{loopback}"
        );
    }
    let err = settings.check_listen(addr("0.0.0.0:8000")).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("refusing to serve 0.0.0.0:8000 without authentication"),
        "{err}"
    );
    assert!(settings.check_listen(addr("[::]:0")).is_err());
    assert!(settings.check_listen(addr("192.0.2.1:80")).is_err());
    settings.insecure = true;
    assert_eq!(
        settings.check_listen(addr("0.0.0.0:8000")),
        Ok(Exposure::Insecure)
    );
    settings.mode = AuthMode::Basic;
    settings.insecure = false;
    assert_eq!(
        settings.check_listen(addr("0.0.0.0:8000")),
        Ok(Exposure::Protected)
    );
}
