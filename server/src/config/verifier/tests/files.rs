//! v2's own sample verifier config loads as it is, with v2's meaning; our local file points at
//! the local broker; reading a missing file is one line; the path comes from the environment.

use std::path::PathBuf;
use std::time::Duration;

use super::support::etc;
use crate::config::verifier::{resolve_verifier_config_path, ServiceTopics, VerifierConfig};
use crate::verifier::model::Service;
use crate::verifier::{Checks, FlavorField, ValidationLevel};

fn load(name: &str) -> VerifierConfig {
    match VerifierConfig::load(&etc(name)) {
        Ok(config) => config,
        Err(e) => panic!("{name} must load: {e}"),
    }
}

#[test]
fn v2s_sample_loads_with_v2s_meaning() {
    let c = load("sample_stacktach_verifier_config.json");
    assert_eq!(c.tick_time, Duration::from_secs(30));
    assert_eq!(c.settle, Duration::from_secs(300));
    assert_eq!(c.pool_size, 2);
    assert!(c.enable_notifications);
    assert_eq!(
        c.checks(),
        Checks {
            level: ValidationLevel::All,
            flavor: FlavorField::InstanceTypeId
        }
    );
    assert_eq!(c.exponential_backoff_limit, 15);
    assert_eq!(c.batchsize, 1000);
    assert_eq!(c.process_timeout, Some(Duration::from_secs(3600)));
    assert!(!c.reconcile);
    assert_eq!(
        c.reconciler_config,
        PathBuf::from("/etc/stacktach/reconciler_config.json")
    );
    assert_eq!(
        c.event_type(Service::Nova),
        "compute.instance.exists.verified"
    );
    assert_eq!(c.event_type(Service::Glance), "image.exists.verified");
    assert!(!c.rabbit.durable_queue);
    assert_eq!(c.services(), vec![Service::Nova, Service::Glance]);
    assert_eq!(c.routing_keys(Service::Nova), ["notifications.info"]);
    assert_eq!(c.routing_keys(Service::Glance), ["notifications.info"]);
    assert_eq!(c.amqp_uri(), "amqp://rabbit:rabbit@10.0.0.1:5672/%2f");
    assert_eq!(c.redacted_uri(), "amqp://rabbit:***@10.0.0.1:5672/%2f");
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn the_local_file_publishes_to_the_local_broker() {
    let c = load("stacktach_verifier_config.json");
    assert_eq!(c.amqp_uri(), "amqp://guest:guest@127.0.0.1:5672/%2f");
    assert!(c.enable_notifications);
    // The exchanges it publishes to are the ones etc/stacktach_worker_config.json declares
    // durable; a different durability would be refused by the broker.
    assert!(c.rabbit.durable_queue);
    assert_eq!(
        c.rabbit.topics,
        vec![
            ServiceTopics {
                service: Service::Nova,
                routing_keys: Some(vec!["notifications.info".to_owned()]),
            },
            ServiceTopics {
                service: Service::Glance,
                routing_keys: Some(vec!["notifications.info".to_owned()]),
            },
        ]
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn a_missing_file_is_one_line() {
    let path = etc("no_such_verifier_config.json");
    let Err(e) = VerifierConfig::load(&path) else {
        panic!("a missing file must not load");
    };
    let message = e.to_string();
    assert!(message.starts_with(&format!("{}: cannot read file: ", path.display())));
    assert!(!message.contains('\n'));
}

#[test]
fn the_path_comes_from_stacktach_verifier_config_or_nowhere() {
    assert_eq!(resolve_verifier_config_path(None), None);
    assert_eq!(resolve_verifier_config_path(Some(" ".to_owned())), None);
    assert_eq!(
        resolve_verifier_config_path(Some("/etc/v.json".to_owned())),
        Some(PathBuf::from("/etc/v.json"))
    );
}
