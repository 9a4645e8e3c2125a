//! The sample deployments files in `etc/` load with exact values and no warnings, and
//! [`load`] reads from disk (a BOM is skipped; a missing file is one clear error).

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use super::support::{binding, etc};
use crate::config::{load, ExchangeTopics, DEFAULT_PREFETCH};

#[test]
fn every_sample_in_etc_loads_without_warnings() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../etc");
    let mut loaded = 0;
    for entry in std::fs::read_dir(&dir).expect("etc/ is readable") {
        let path = entry.expect("directory entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        // The verifier's configs are another format, loaded by `config::verifier`'s tests.
        if path.extension().and_then(|e| e.to_str()) != Some("json")
            || name.contains("verifier_config")
        {
            continue;
        }
        let file = load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!file.deployments.is_empty(), "{}", path.display());
        assert_eq!(file.warnings, Vec::<String>::new(), "{}", path.display());
        loaded += 1;
    }
    assert!(loaded >= 3, "expected the three samples, loaded {loaded}");
}

#[test]
fn v2_sample_values_are_exact() {
    let file = load(&etc("sample_stacktach_worker_config.json")).expect("v2 sample loads");
    assert_eq!(file.process_timeout, Duration::from_secs(600));
    assert_eq!(file.deployments.len(), 2);

    let global = &file.deployments[0];
    assert_eq!(global.name, "east_coast.prod.global");
    assert!(global.enabled);
    assert!(!global.durable_queue);
    assert_eq!(global.rabbit_host, "10.0.0.1");
    assert_eq!(global.rabbit_port, 5672);
    assert_eq!(global.rabbit_userid, "rabbit");
    assert_eq!(global.rabbit_password.expose(), "rabbit");
    assert_eq!(global.rabbit_virtual_host, "/");
    assert!(global.exit_on_exception);
    assert_eq!(global.prefetch, DEFAULT_PREFETCH);
    assert!(global.queue_arguments.is_empty());
    assert_eq!(
        global.topics,
        vec![
            ExchangeTopics {
                exchange: "nova".to_owned(),
                bindings: vec![
                    binding("monitor.info", "monitor.info"),
                    binding("monitor.error", "monitor.error"),
                ],
            },
            ExchangeTopics {
                exchange: "glance".to_owned(),
                bindings: vec![
                    binding("stacktach_monitor_glance.info", "monitor_glance.info"),
                    binding("stacktach_monitor_glance.error", "monitor_glance.error"),
                ],
            },
        ]
    );

    let cell = &file.deployments[1];
    assert_eq!(cell.name, "east_coast.prod.cell1");
    assert_eq!(cell.rabbit_host, "10.0.1.1");
    assert!(!cell.exit_on_exception);
    assert_eq!(cell.topics.len(), 1);
    assert_eq!(cell.topics[0].exchange, "nova");
    assert_eq!(cell.topics[0].bindings.len(), 2);
}

#[test]
fn default_file_is_the_local_demo_deployment() {
    let file = load(&etc("stacktach_worker_config.json")).expect("default file loads");
    assert_eq!(file.process_timeout, Duration::from_secs(600));
    let [local] = file.deployments.as_slice() else {
        panic!("expected one deployment, got {:?}", file.deployments);
    };
    assert_eq!(local.name, "local");
    assert_eq!(local.amqp_uri(), "amqp://guest:guest@127.0.0.1:5672/%2f");
    assert!(local.durable_queue);
    let exchanges: Vec<_> = local.topics.iter().map(|t| t.exchange.as_str()).collect();
    assert_eq!(exchanges, ["nova", "glance"]);
    assert_eq!(
        local.topics[0].bindings,
        vec![
            binding("stacktach_monitor.info", "monitor.info"),
            binding("stacktach_monitor.error", "monitor.error"),
        ]
    );
    assert_eq!(
        local.topics[1].bindings,
        vec![
            binding("stacktach_monitor_glance.info", "monitor_glance.info"),
            binding("stacktach_monitor_glance.error", "monitor_glance.error"),
        ]
    );
}

#[test]
fn multi_cell_sample_uses_the_new_keys() {
    let file = load(&etc("sample_multi_cell.json")).expect("multi-cell sample loads");
    assert_eq!(file.deployments.len(), 3);
    let enabled: Vec<_> = file.enabled().map(|d| d.name.as_str()).collect();
    assert_eq!(enabled, ["region1.global", "region1.cell1"]);
    let global = file.get("region1.global").expect("global cell");
    assert!(global.rabbit_tls);
    assert_eq!(global.heartbeat_seconds, Some(30));
    assert_eq!(
        global.queue_arguments.get("x-ha-policy"),
        Some(&Value::String("all".to_owned()))
    );
    assert_eq!(
        global.redacted_uri(),
        "amqps://stacktach:***@rabbit-global.region1.example.com:5671/%2f?heartbeat=30"
    );
    let cell1 = file.get("region1.cell1").expect("cell1");
    assert_eq!(cell1.prefetch, 500);
    assert_ne!(cell1.rabbit_host, global.rabbit_host);
}

#[test]
fn load_reads_a_file_from_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("deployments.json");
    std::fs::write(
        &path,
        "\u{feff}{\"deployments\": [{\"name\": \"a\", \"topics\": {}}]}",
    )
    .expect("write");
    let file = load(&path).expect("loads, BOM and all");
    assert_eq!(file.path, path);
    assert_eq!(file.deployments[0].name, "a");
}

#[test]
fn unreadable_file_is_an_error() {
    let missing = Path::new("etc/does-not-exist.json");
    let message = load(missing).expect_err("missing file").to_string();
    assert_eq!(
        message,
        "etc/does-not-exist.json: cannot read file: No such file or directory (os error 2)"
    );
}
