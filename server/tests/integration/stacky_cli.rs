//! The `stacky` command-line client (rackerlabs/stacky `stacky.py`, Python 2) against our
//! server. Python 2 is not available here, so [`Stacky`] replays, command by command, the
//! exact requests `stacky.py` sends (paths with or without the trailing slash, query strings
//! as `requests` encodes them, the watch `since` echo, the timings date conversion) and
//! consumes the answers the way it does (`dump_results` into a prettytable needs rows as long
//! as the header; watch unpacks `c, results, last` and seven-field rows and `.center()`s
//! strings; `show` unpacks three elements or prints "ObjectDoesNotExist" on an empty body;
//! `report` reads metadata with `.get()`). Any answer it could not consume fails the test.

use app::model::now_micros;
use serde_json::{json, Value};
use server::store::stacky::NewJsonReport;

use crate::helpers::http_get_typed;
use crate::helpers::{Backend, TestDb};
use crate::stacky::{app_with_fixture, seed, IMAGE, INSTANCE, REQUEST};
use crate::web_queries::Fixture;

/// Python's `urllib.quote_plus` (what `requests` applies to `params`).
fn quote_plus(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A replay of `stacky.py`: `STACKTACH_URL` is the server, `out` what it printed.
struct Stacky {
    port: u16,
    out: Vec<String>,
}

impl Stacky {
    /// `requests.get(STACKTACH + path, params=params)` then `_check`: anything but 200 makes
    /// the client exit with the status code.
    async fn request(&self, path: &str, params: &[(&str, String)]) -> String {
        let mut url = path.to_string();
        if !params.is_empty() {
            let query: Vec<String> = params
                .iter()
                .map(|(k, v)| format!("{}={}", quote_plus(k), quote_plus(v)))
                .collect();
            url = format!("{url}?{}", query.join("&"));
        }
        let (status, _, body) = http_get_typed(self.port, &url).await;
        assert_eq!(status, 200, "stacky would exit({status}) on {url}: {body}");
        body
    }

    /// `get_json(r)`: the body as JSON.
    async fn json(&self, path: &str, params: &[(&str, String)]) -> Value {
        let body = self.request(path, params).await;
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {body}"))
    }

    /// `dump_results`: nothing for `[]`, "No results" for a header alone, else a table whose
    /// rows must each have as many cells as the header (prettytable raises otherwise).
    fn dump_results(&mut self, results: &Value) {
        let Some(rows) = results.as_array().filter(|r| !r.is_empty()) else {
            return;
        };
        let title = rows[0].as_array().expect("a header row");
        if rows.len() == 1 {
            self.out.push("No results".into());
            return;
        }
        for row in &rows[1..] {
            let cells = row.as_array().expect("a row is a list");
            assert_eq!(
                cells.len(),
                title.len(),
                "prettytable: {row} under {title:?}"
            );
            self.out.push(
                cells
                    .iter()
                    .map(|c| match c {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(" | "),
            );
        }
    }

    async fn deployments(&mut self) {
        let r = self.json("/stacky/deployments/", &[]).await;
        self.dump_results(&r);
    }

    async fn events(&mut self) {
        let r = self.json("/stacky/events/", &[]).await;
        self.dump_results(&r);
    }

    async fn hosts(&mut self) {
        let r = self.json("/stacky/hosts/", &[]).await;
        self.dump_results(&r);
    }

    /// `related_to_uuid(uuid, service)`.
    async fn related_to_uuid(&mut self, uuid: &str, service: &str) {
        let params = [("uuid", uuid.to_string()), ("service", service.to_string())];
        let r = self.json("/stacky/uuid/", &params).await;
        self.dump_results(&r);
    }

    /// `stacky uuid <uuid>`.
    async fn uuid(&mut self, uuid: &str) {
        self.out.push(format!("Events related to {uuid}"));
        self.related_to_uuid(uuid, "nova").await;
        let r = self
            .json("/stacky/timings/uuid/", &[("uuid", uuid.to_string())])
            .await;
        self.dump_results(&r);
    }

    /// `stacky timings <name> [min max]`: the dates (`%Y-%m-%d %H:%M:%S`) go as
    /// `dt_to_decimal(...)`, whose `str()` is whole seconds.
    async fn timings(&mut self, name: &str, range: Option<(&str, &str)>) {
        let mut params = vec![("name", name.to_string())];
        if let Some((min, max)) = range {
            params.push(("end_when_min", dt_to_decimal(min)));
            params.push(("end_when_max", dt_to_decimal(max)));
        }
        let r = self.json("/stacky/timings/", &params).await;
        self.dump_results(&r);
    }

    async fn summary(&mut self) {
        let r = self.json("/stacky/summary/", &[]).await;
        self.dump_results(&r);
    }

    async fn request_cmd(&mut self, request_id: &str) {
        let r = self
            .json(
                "/stacky/request/",
                &[("request_id", request_id.to_string())],
            )
            .await;
        self.dump_results(&r);
    }

    /// `stacky search <service> <field> <value> [limit]`.
    async fn search(&mut self, service: &str, field: &str, value: &str, limit: Option<&str>) {
        let mut params = vec![("field", field.to_string()), ("value", value.to_string())];
        if let Some(limit) = limit {
            params.push(("limit", limit.to_string()));
        }
        params.push(("service", service.to_string()));
        let body = self.request("/stacky/search/", &params).await;
        if body.is_empty() {
            self.out.push("Server reported: ObjectDoesNotExist".into());
            return;
        }
        let results: Value = serde_json::from_str(&body).expect("search JSON");
        if results.as_array().is_some_and(Vec::is_empty) {
            self.out
                .push(format!("Event with {field} {value} not found"));
            return;
        }
        self.dump_results(&results);
    }

    /// `stacky show [service] <id>`.
    async fn show(&mut self, service: &str, event_id: &str) {
        let path = format!("/stacky/show/{event_id}/");
        let body = self
            .request(&path, &[("service", service.to_string())])
            .await;
        if body.is_empty() {
            self.out.push("Server reported: ObjectDoesNotExist".into());
            return;
        }
        let results: Value = serde_json::from_str(&body).expect("show JSON");
        // `len(results) == 0` would reach a '%d' % str crash in stacky.py: never answer that.
        let parts = results.as_array().expect("show answers a list");
        assert_eq!(parts.len(), 3, "key_values = pop(0); data, uuid = results");
        self.dump_results(&parts[0]);
        let payload: Value = serde_json::from_str(parts[1].as_str().expect("data is a string"))
            .expect("json.loads(data)");
        self.out
            .push(serde_json::to_string_pretty(&payload).unwrap());
        if let Some(uuid) = parts[2].as_str().filter(|u| !u.is_empty()) {
            let uuid = uuid.to_string();
            self.related_to_uuid(&uuid, service).await;
        }
    }

    /// `stacky watch <deployment> [service] [event]`, `polls` iterations of its loop.
    async fn watch(&mut self, deployment: u64, service: &str, event: &str, polls: usize) {
        let mut last: Option<String> = None;
        for _ in 0..polls {
            let mut params = Vec::new();
            if !event.is_empty() {
                params.push(("event_name", event.to_string()));
            }
            if let Some(l) = last.as_ref().filter(|l| !l.is_empty()) {
                params.push(("since", l.clone()));
            }
            params.push(("service", service.to_string()));
            let answer = self
                .json(&format!("/stacky/watch/{deployment}/"), &params)
                .await;
            let [c, results, cursor] = answer.as_array().expect("a list").as_slice() else {
                panic!("c, results, last = get_json(results): {answer}");
            };
            let c: Vec<usize> = c
                .as_array()
                .expect("widths")
                .iter()
                .map(|w| usize::try_from(w.as_u64().expect("int width")).unwrap())
                .collect();
            assert_eq!(c.len(), 6);
            for r in results.as_array().expect("rows") {
                let [id, typ, _date, time, deployment, name, uuid] =
                    r.as_array().expect("a row").as_slice()
                else {
                    panic!("_id, typ, dait, tyme, deployment_name, name, uuid = r: {r}");
                };
                let s = |v: &Value| v.as_str().expect("a string to center()").to_string();
                self.out.push(format!(
                    "|{:^w0$}|{}|{:^w2$}|{:^w3$}|{:^w4$}|{:^w5$}|",
                    id.as_i64().expect("an id"),
                    s(typ),
                    s(time),
                    s(deployment),
                    s(name),
                    s(uuid),
                    w0 = c[0],
                    w2 = c[2],
                    w3 = c[3],
                    w4 = c[4],
                    w5 = c[5],
                ));
            }
            last = Some(cursor.as_str().expect("the cursor is a string").to_string());
        }
    }

    /// `stacky kpi [tenant]`.
    async fn kpi(&mut self, tenant: Option<&str>) {
        let path = match tenant {
            Some(t) => format!("/stacky/kpi/{t}/"),
            None => "/stacky/kpi/".into(),
        };
        let r = self.json(&path, &[]).await;
        self.dump_results(&r);
    }

    /// `stacky reports <from> <to>`: `/stacky/reports?created_from=%f&created_to=%f` (no
    /// slash), then rows 1..3 go through `dt_from_decimal(Decimal(str(x)))`.
    async fn reports(&mut self, from_unix: i64, to_unix: i64) {
        let path =
            format!("/stacky/reports?created_from={from_unix}.000000&created_to={to_unix}.000000");
        let (status, _, body) = http_get_typed(self.port, &path).await;
        assert_eq!(status, 200, "{path}: {body}");
        let mut r: Value = serde_json::from_str(&body).expect("reports JSON");
        for row in r.as_array_mut().unwrap().iter_mut().skip(1) {
            for x in 1..4 {
                assert!(row[x].is_number(), "Decimal(str(row[{x}])): {row}");
            }
        }
        self.dump_results(&r);
    }

    /// `stacky report <id>`: `/stacky/report/<id>` (no slash), `r[0].get(...)`.
    async fn report(&mut self, id: i64) {
        let (status, _, body) = http_get_typed(self.port, &format!("/stacky/report/{id}")).await;
        assert_eq!(status, 200);
        let r: Value = serde_json::from_str(&body).expect("report JSON");
        let metadata = r[0].as_object().expect("metadata.get() needs a dict");
        if metadata.get("report_format") == Some(&json!("json")) {
            self.out
                .push(serde_json::to_string_pretty(&r.as_array().unwrap()[1..]).unwrap());
        }
    }

    fn printed(&self, text: &str) -> bool {
        self.out.iter().any(|l| l.contains(text))
    }
}

/// stacky.py's `dt_to_decimal(_str_to_datetime(s))` as `requests` sends it: whole seconds.
fn dt_to_decimal(s: &str) -> String {
    let us = server::notification::parse_timestamp(s).expect("a %Y-%m-%d %H:%M:%S date");
    (us / 1_000_000).to_string()
}

/// A nova usage audit of the hour from `base`, created now.
async fn insert_audit_report(fx: &Fixture, base: i64) {
    fx.store
        .insert_json_report(&NewJsonReport {
            period_start: base,
            period_end: base + 3_600_000_000,
            created: now_micros(),
            name: "nova usage audit".into(),
            version: 7,
            json: r#"[{"report_format": "json"}, {"summary": 1}]"#.into(),
        })
        .await
        .unwrap();
}

/// deployments, events, hosts, uuid, timings and summary.
async fn browse(cli: &mut Stacky, base: i64) {
    cli.deployments().await;
    assert!(cli.printed("| cell-s"));
    cli.events().await;
    assert!(cli.printed("image.activate"));
    cli.hosts().await;
    assert!(cli.printed("host-a"));
    cli.uuid(INSTANCE).await;
    assert!(cli.printed("Events related to"));
    assert!(cli.printed("0d 00:00:55.50"));
    let minute = |us: i64| app::model::format_micros(app::model::Micros(us))[..19].to_string();
    let end = base + 56_500_000;
    cli.timings(
        "compute.instance.create",
        Some((&minute(end - 60_000_000), &minute(end + 60_000_000))),
    )
    .await;
    assert!(cli.printed(&format!("{INSTANCE} | 0d 00:00:55.50")));
    cli.timings("compute.instance.create", None).await;
    cli.summary().await;
    assert!(cli.printed("compute.instance.create | 1 | 0d 00:00:55.5"));
}

/// request, search and show.
async fn find_and_show(cli: &mut Stacky) {
    cli.request_cmd(REQUEST).await;
    cli.search("nova", "host", "host-a", None).await;
    cli.search("nova", "host", "host-a", Some("1")).await;
    cli.search("glance", "uuid", IMAGE, None).await;
    cli.search("nova", "host", "nowhere", None).await;
    assert!(cli.printed("Event with host nowhere not found"));
    let id = http_get_typed(cli.port, &format!("/stacky/uuid/?uuid={INSTANCE}"))
        .await
        .2;
    let id: Value = serde_json::from_str(&id).unwrap();
    let id = id[1][0].as_i64().unwrap();
    cli.show("nova", &id.to_string()).await;
    assert!(cli.printed("\"event_type\": \"compute.instance.update\""));
    cli.show("nova", "999999").await;
    assert!(cli.printed("Server reported: ObjectDoesNotExist"));
    cli.show("glance", &(id + 4).to_string()).await;
}

/// watch (several services and filters) and kpi.
async fn watch_and_kpi(cli: &mut Stacky, deployment: i64) {
    cli.watch(0, "nova", "", 2).await;
    cli.watch(0, "glance", "", 1).await;
    cli.watch(0, "nova", "compute.instance.create.end", 1).await;
    cli.watch(deployment as u64, "generic", "", 1).await;
    cli.kpi(None).await;
    cli.kpi(Some("tenant42")).await;
    assert!(cli.printed("compute.instance.create | 0d 00:00:56.50"));
}

/// reports of the last day, then one report by id.
async fn reports_and_report(cli: &mut Stacky) {
    let now = now_micros() / 1_000_000;
    cli.reports(now - 86_400, now + 60).await;
    assert!(cli.printed("nova usage audit"));
    let report_id = serde_json::from_str::<Value>(
        &http_get_typed(cli.port, "/stacky/reports/search/?name=nova+usage+audit")
            .await
            .2,
    )
    .unwrap()[1][0]
        .as_i64()
        .unwrap();
    cli.report(report_id).await;
    assert!(cli.printed("\"summary\": 1"));
}

async fn every_stacky_command_works(kind: Backend) {
    let db = TestDb::new(kind);
    let (app, fx) = app_with_fixture(&db).await;
    let mut cli = Stacky {
        port: app.port,
        out: Vec::new(),
    };
    // Watch from an empty database first: it must not fail.
    cli.watch(0, "nova", "", 1).await;
    let base = seed(&fx).await;
    insert_audit_report(&fx, base).await;
    browse(&mut cli, base).await;
    find_and_show(&mut cli).await;
    watch_and_kpi(&mut cli, fx.deployment.id).await;
    reports_and_report(&mut cli).await;
    app.stop().await;
}

#[tokio::test]
async fn every_stacky_command_works_sqlite() {
    every_stacky_command_works(Backend::Sqlite).await;
}

#[tokio::test]
async fn every_stacky_command_works_postgres() {
    every_stacky_command_works(Backend::Postgres).await;
}

#[tokio::test]
async fn every_stacky_command_works_mariadb() {
    every_stacky_command_works(Backend::MariaDb).await;
}
