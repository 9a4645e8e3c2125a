//! Behaviour tests of the billing day: exists for exactly the instances alive during the day,
//! the planted failures and nothing else failing v2's launch/flavor/delete rules (checked here
//! from the notifications alone), consistent times, the images' exists, and the generator
//! starting with the day.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::{BillingDay, BillingOptions, FailureKind, Generator, GeneratorOptions, Outgoing};
use crate::notification::parse_timestamp;

/// 2023-11-14 22:13:20 UTC.
const START: i64 = 1_700_000_000_000_000;
const DAY: i64 = 86_400_000_000;

fn body(o: &Outgoing) -> Value {
    serde_json::from_str(&o.body).expect("JSON body")
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer).and_then(Value::as_str).unwrap_or("")
}

/// A payload time in µs; `None` when empty.
fn time(v: &Value, pointer: &str) -> Option<i64> {
    let t = text(v, pointer);
    (!t.is_empty()).then(|| parse_timestamp(t).unwrap_or_else(|| panic!("bad time {t}")))
}

/// What StackTach would know from a day's notifications, and its exists.
#[derive(Default)]
struct Seen {
    /// (instance, launched_at) → flavor id, from `create.end` and `finish_resize.end`.
    launches: HashMap<(String, i64), String>,
    /// instance → (launched_at, deleted_at), from `delete.end`.
    deletes: HashMap<String, (i64, i64)>,
    /// instance → the `launched_at` its latest notification before the exists carried.
    current: HashMap<String, i64>,
    /// (message id, instance, payload) of every `compute.instance.exists`.
    exists: Vec<(String, String, Value)>,
}

fn seen(day: &BillingDay) -> Seen {
    let mut s = Seen::default();
    for (_, o) in day
        .notifications
        .iter()
        .filter(|(_, o)| o.exchange == "nova")
    {
        let v = body(o);
        let p = v["payload"].clone();
        let instance = text(&p, "/instance_id").to_owned();
        let launched = time(&p, "/launched_at");
        match o.event_type.as_str() {
            "compute.instance.create.end" | "compute.instance.finish_resize.end" => {
                let flavor = text(&p, "/instance_flavor_id").to_owned();
                s.launches
                    .insert((instance.clone(), launched.unwrap()), flavor);
            }
            "compute.instance.delete.end" => {
                let deleted = time(&p, "/terminated_at").unwrap();
                s.deletes
                    .insert(instance.clone(), (launched.unwrap(), deleted));
            }
            "compute.instance.exists" => {
                s.exists.push((o.message_id.clone(), instance.clone(), p));
                continue;
            }
            _ => {}
        }
        if let Some(l) = launched {
            s.current.insert(instance, l);
        }
    }
    s
}

/// Why v2's verifier fails an exists (launch, then flavor, then delete), or `None`.
fn v2_failure(s: &Seen, instance: &str, p: &Value) -> Option<FailureKind> {
    let launched = time(p, "/launched_at").expect("exists with launched_at");
    let ending = time(p, "/audit_period_ending").unwrap();
    let Some(flavor) = s.launches.get(&(instance.to_owned(), launched)) else {
        return Some(FailureKind::MissingLaunch);
    };
    if flavor != text(p, "/instance_flavor_id") || flavor != &p["instance_type_id"].to_string() {
        return Some(FailureKind::FlavorMismatch);
    }
    let delete = s.deletes.get(instance).filter(|(l, _)| *l == launched);
    match (time(p, "/deleted_at"), delete) {
        (Some(d), Some(&(_, deleted))) => assert_eq!(d, deleted, "{instance}"),
        (Some(_), None) => panic!("{instance}: an exists deleted_at without a delete"),
        (None, Some(&(_, deleted))) if deleted <= ending => {
            return Some(FailureKind::DeleteWithoutDeletedAt)
        }
        _ => {}
    }
    None
}

#[test]
fn exists_cover_exactly_the_instances_alive_during_the_day() {
    for seed in [1, 2, 3] {
        let day = BillingDay::generate(seed, &BillingOptions::default(), START);
        let (begin, end) = day.audit_period;
        let s = seen(&day);
        let alive: HashSet<&String> = s
            .current
            .iter()
            .filter(|(i, &l)| l < end && s.deletes.get(*i).is_none_or(|&(_, d)| d >= begin))
            .map(|(i, _)| i)
            .collect();
        let mut at_end: Vec<&String> = s
            .exists
            .iter()
            .filter(|(_, _, p)| time(p, "/audit_period_ending") == Some(end))
            .map(|(_, i, _)| i)
            .collect();
        let covered: HashSet<&String> = at_end.iter().copied().collect();
        at_end.sort();
        at_end.dedup();
        assert_eq!(
            at_end.len(),
            covered.len(),
            "one end-of-day exists per instance"
        );
        assert_eq!(covered, alive, "seed {seed}");
        let gone_before = s.deletes.values().filter(|(_, d)| *d < begin).count();
        let resized = s.exists.len() - covered.len();
        let deleted_during = s.deletes.values().filter(|(_, d)| *d >= begin).count();
        let launched_during = s.current.values().filter(|&&l| l >= begin).count();
        assert!(alive.len() >= 35, "seed {seed}: {} alive", alive.len());
        assert!(
            gone_before > 0 && resized > 0 && deleted_during > 1 && launched_during > 0,
            "seed {seed}: {gone_before} {resized} {deleted_during} {launched_during}"
        );
    }
}

#[test]
fn exactly_the_planted_exists_fail_and_for_the_declared_reason() {
    let options = BillingOptions {
        instances: 120,
        images: 30,
        failures_per_kind: 2,
    };
    for seed in [4, 5, 6] {
        let day = BillingDay::generate(seed, &options, START);
        let s = seen(&day);
        let failing: HashSet<(String, FailureKind)> = s
            .exists
            .iter()
            .filter_map(|(id, i, p)| v2_failure(&s, i, p).map(|k| (id.clone(), k)))
            .collect();
        let planted: HashSet<(String, FailureKind)> = day
            .planted
            .iter()
            .map(|p| (p.message_id.clone(), p.kind))
            .collect();
        assert_eq!(failing, planted, "seed {seed}");
        assert_eq!(day.planted.len(), 6);
        for kind in FailureKind::ALL {
            assert_eq!(day.planted.iter().filter(|p| p.kind == kind).count(), 2);
        }
        for p in &day.planted {
            let exists = &s
                .exists
                .iter()
                .find(|(id, _, _)| *id == p.message_id)
                .unwrap()
                .2;
            assert_eq!(text(exists, "/instance_id"), p.instance);
            assert_eq!(text(exists, "/instance_flavor_id"), p.exists_flavor);
            let launch = p.launch_flavor.as_deref();
            match p.kind {
                FailureKind::MissingLaunch => assert_eq!(launch, None),
                FailureKind::FlavorMismatch => assert_ne!(launch, Some(p.exists_flavor.as_str())),
                FailureKind::DeleteWithoutDeletedAt => {
                    assert_eq!(launch, Some(p.exists_flavor.as_str()));
                    assert!(s.deletes.contains_key(&p.instance));
                }
            }
        }
        assert!(s.exists.len() > 100, "{} exists", s.exists.len());
    }
}

#[test]
fn times_are_consistent_and_before_the_start() {
    let day = BillingDay::generate(7, &BillingOptions::default(), START);
    let (begin, end) = day.audit_period;
    assert_eq!((begin, end), (1_699_833_600_000_000, 1_699_920_000_000_000));
    let times: Vec<i64> = day.notifications.iter().map(|(t, _)| *t).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
    assert!(*times.last().unwrap() < START && times[0] >= begin - 12 * 3_600_000_000);
    for (at, o) in &day.notifications {
        let v = body(o);
        assert_eq!(parse_timestamp(text(&v, "/timestamp")), Some(*at));
        if o.event_type != "compute.instance.exists" {
            continue;
        }
        let p = &v["payload"];
        let (launched, ending) = (
            time(p, "/launched_at").unwrap(),
            time(p, "/audit_period_ending").unwrap(),
        );
        assert_eq!(time(p, "/audit_period_beginning"), Some(begin));
        assert!(launched < ending && ending <= end && ending <= *at);
        if ending == end {
            assert!(
                (end..end + 600_000_000).contains(at),
                "exists sent just after midnight"
            );
        }
        if let Some(deleted) = time(p, "/deleted_at") {
            assert!((begin..end).contains(&deleted) && launched < deleted);
        }
        assert!(text(p, "/tenant_id").bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(p
            .pointer("/bandwidth/public/bw_out")
            .and_then(Value::as_u64)
            .is_some());
    }
}

#[test]
fn image_exists_list_the_images_of_the_day() {
    let day = BillingDay::generate(8, &BillingOptions::default(), START);
    let (begin, end) = day.audit_period;
    let mut activated: HashMap<String, Value> = HashMap::new();
    let mut deleted: HashMap<String, String> = HashMap::new();
    let mut listed: HashSet<String> = HashSet::new();
    for (_, o) in day
        .notifications
        .iter()
        .filter(|(_, o)| o.exchange == "glance")
    {
        let p = body(o)["payload"].clone();
        let id = text(&p, "/id").to_owned();
        match o.event_type.as_str() {
            "image.activate" => drop(activated.insert(id, p)),
            "image.delete" => drop(deleted.insert(id, text(&p, "/deleted_at").to_owned())),
            "image.exists" => {
                assert_eq!(time(&p, "/audit_period_ending"), Some(end));
                for image in p["images"].as_array().unwrap() {
                    let id = text(image, "/id");
                    let active = &activated[id];
                    assert_eq!(text(active, "/owner"), text(&p, "/owner"));
                    assert_eq!(active["size"], image["size"]);
                    assert_eq!(text(active, "/created_at"), text(image, "/created_at"));
                    assert_eq!(
                        deleted.get(id).map(String::as_str),
                        image["deleted_at"].as_str()
                    );
                    assert!(listed.insert(id.to_owned()), "{id} listed twice");
                }
            }
            _ => {}
        }
    }
    let alive: HashSet<String> = activated.keys().cloned().collect();
    assert_eq!(listed, alive);
    assert!(
        alive.len() >= 10 && !deleted.is_empty(),
        "{} {}",
        alive.len(),
        deleted.len()
    );
    assert!(deleted
        .values()
        .all(|d| parse_timestamp(d).is_some_and(|d| d >= begin)));
}

#[test]
fn the_generator_starts_with_the_billing_day() {
    for start in [START, START - START % DAY + 300_000_000] {
        let day = BillingDay::generate(9, &BillingOptions::default(), start);
        assert!(day.audit_period.1 <= start - 600_000_000);
        let n = day.notifications.len();
        let generated = Generator::new(9, GeneratorOptions::default(), start).take(n + 1);
        let expected: Vec<&str> = day
            .notifications
            .iter()
            .map(|(_, o)| o.body.as_str())
            .collect();
        let first: Vec<&str> = generated[..n].iter().map(|o| o.body.as_str()).collect();
        assert_eq!(first, expected);
        assert!(body(&generated[n])["timestamp"].as_str() >= Some("2023"));
    }
    let again = BillingDay::generate(9, &BillingOptions::default(), START);
    assert_eq!(
        again.planted,
        BillingDay::generate(9, &BillingOptions::default(), START).planted
    );
    assert_ne!(
        again.planted,
        BillingDay::generate(10, &BillingOptions::default(), START).planted
    );
}

#[test]
fn oversized_options_are_capped_and_still_only_the_planted_fail() {
    let options = BillingOptions {
        instances: 10_000,
        images: 10_000,
        failures_per_kind: 100,
    };
    let day = BillingDay::generate(12, &options, START);
    let s = seen(&day);
    let failing: HashSet<String> = s
        .exists
        .iter()
        .filter(|(_, i, p)| v2_failure(&s, i, p).is_some())
        .map(|(id, _, _)| id.clone())
        .collect();
    let planted: HashSet<String> = day.planted.iter().map(|p| p.message_id.clone()).collect();
    assert_eq!(failing, planted);
    assert!(
        (25..=30).contains(&planted.len()),
        "{} planted",
        planted.len()
    );
    let launched = s.current.len();
    assert!((200..=230).contains(&launched), "{launched} instances");
    let times: Vec<i64> = day.notifications.iter().map(|(t, _)| *t).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]) && *times.last().unwrap() < START);
}
