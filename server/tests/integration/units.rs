//! The shipped systemd units (`etc/systemd/`) start commands this binary accepts: each
//! `ExecStart=` line, with its instance name and environment references filled in, parses
//! as a `stacktach` command line, and every unit reads the shared environment file.

use std::path::Path;

use clap::Parser;
use server::cmd::{Cli, Command};
use server::config::retention::parse_retention;
use server::config::DatabaseUrl;

/// The units and the subcommand each must start.
const UNITS: [(&str, &str); 3] = [
    ("stacktach-serve.service", "serve"),
    ("stacktach-worker@.service", "worker"),
    ("stacktach-verify.service", "verify"),
];

fn unit(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../etc/systemd")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The unit's `ExecStart=` as arguments, `%i` and `${VAR}` filled in as systemd would.
fn exec_start(text: &str) -> Vec<String> {
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("an ExecStart= line");
    line.split_whitespace()
        .map(|arg| {
            arg.replace("%i", "cell1")
                .replace("${WORKER_LISTEN}", "127.0.0.1:9101")
        })
        .collect()
}

#[test]
fn every_unit_starts_a_command_the_binary_accepts() {
    for (name, subcommand) in UNITS {
        let text = unit(name);
        let args = exec_start(&text);
        assert_eq!(args[0], "/opt/stacktach/stacktach", "{name}");
        assert_eq!(args[1], subcommand, "{name}");
        assert!(
            !args.iter().any(|a| a.contains('%') || a.contains('$')),
            "{name}: unexpanded specifier in {args:?}"
        );
        let cli = Cli::try_parse_from(&args).unwrap_or_else(|e| panic!("{name}: {e}"));
        let parsed = match cli.command {
            Command::Serve(_) => "serve",
            Command::Worker(_) => "worker",
            Command::Verify(_) => "verify",
            _ => "other",
        };
        assert_eq!(parsed, subcommand, "{name}");
        if subcommand == "serve" {
            // Behind nginx every request comes from loopback: mode none would let anyone in.
            let auth = args.iter().position(|a| a == "--auth").expect("--auth");
            assert_ne!(args[auth + 1], "none", "{name}");
        }
        assert!(
            text.contains("EnvironmentFile=/etc/stacktach/stacktach.env"),
            "{name} reads the shared settings"
        );
        assert!(text.contains("KillSignal=SIGTERM"), "{name} stops cleanly");
    }
}

#[test]
fn the_environment_file_holds_valid_settings() {
    let text = unit("stacktach.env");
    let settings: Vec<(&str, &str)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_once('=').expect("KEY=value"))
        .collect();
    let value = |key: &str| {
        settings
            .iter()
            .find(|(k, _)| *k == key)
            .unwrap_or_else(|| panic!("{key} is set"))
            .1
    };
    value("DATABASE_URL")
        .parse::<DatabaseUrl>()
        .expect("DATABASE_URL parses");
    let policy = parse_retention(value("STACKTACH_RETENTION")).expect("retention parses");
    assert_eq!(policy.of_table("raw_events"), "90d");
    assert_eq!(value("LEPTOS_SITE_ROOT"), "/opt/stacktach/site");
}
