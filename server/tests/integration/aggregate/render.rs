//! Renders one notigen fixture (a whole instance operation) into concrete notification bodies,
//! the way a cloud would have sent them: placeholders filled, times from the `time_map`.

use serde_json::Value;

/// One rendered notification.
pub struct Rendered {
    pub when_us: i64,
    pub body: Value,
}

impl Rendered {
    pub fn event(&self) -> &str {
        self.body["event_type"].as_str().unwrap_or("")
    }

    pub fn text(&self, pointer: &str) -> String {
        self.body
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    }
}

/// The fixture `file` played on `instance` (request `req-<instance>`, tenant
/// `tenant-<first 8 characters of instance>`, other ids unique per `op`), with `[[[[DT_n]]]]` at
/// `base_us` plus its offset; bodies in time order.
pub fn render(file: &str, op: u32, instance: &str, base_us: i64) -> Vec<Rendered> {
    let path = format!("{}/fixtures/notigen/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("fixture");
    let items: Vec<Value> = serde_json::from_str(&text).expect("fixture JSON");
    let offsets = items[0]["time_map"].as_object().expect("time_map").clone();
    let offset = |name: &str| {
        let parts = &offsets[&format!("[[[[{name}]]]]")];
        let n = |i: usize| parts[i].as_i64().unwrap_or(0);
        (n(0) * 86_400 + n(1)) * 1_000_000 + n(2)
    };
    let base = items[1..]
        .iter()
        .map(|b| offset(&placeholder(b["timestamp"].as_str().unwrap_or(""))))
        .min()
        .unwrap_or(0);
    let mut out: Vec<Rendered> = items[1..]
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let event = item["event_type"].as_str().unwrap_or("");
            let publisher = if event.starts_with("scheduler.") {
                "scheduler.sched-01".to_string()
            } else if index == 0 && event == "compute.instance.update" {
                "api.api-01".to_string()
            } else {
                format!("compute.host-{op}")
            };
            let filled = fill(&item.to_string(), |name| match name {
                "UUID_1" => instance.to_string(),
                "UUID_0" => instance[..36.min(instance.len())].to_string(),
                "publisher_id" => publisher.clone(),
                "tenant_id" => format!("tenant-{}", &instance[..8.min(instance.len())]),
                _ if name.starts_with("DT_") => format_micros(base_us + offset(name) - base),
                _ if name.starts_with("UUID_") || name.starts_with("XUUID_") => {
                    let n: u64 = name.rsplit('_').next().unwrap_or("0").parse().unwrap_or(0);
                    format!(
                        "{op:08x}-{n:04x}-4000-8000-{:012x}",
                        u64::from(op) * 1000 + n
                    )
                }
                _ => format!("{name}-{op}"),
            });
            let body: Value = serde_json::from_str(&filled).expect("rendered JSON");
            let when_us =
                base_us + offset(&placeholder(item["timestamp"].as_str().unwrap_or(""))) - base;
            Rendered { when_us, body }
        })
        .collect();
    out.sort_by_key(|r| r.when_us);
    out
}

fn placeholder(s: &str) -> String {
    s.trim_start_matches("[[[[")
        .trim_end_matches("]]]]")
        .to_string()
}

fn fill(text: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("[[[[") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 4..];
        let close = after.find("]]]]").expect("closed placeholder");
        out.push_str(&value(&after[..close]));
        rest = &after[close + 4..];
    }
    out.push_str(rest);
    out
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) of microseconds since the epoch.
pub fn format_micros(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60,
        us.rem_euclid(1_000_000)
    )
}
