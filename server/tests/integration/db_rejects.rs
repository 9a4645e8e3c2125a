//! Messages the database itself refuses, through the real consumer path on every backend: a
//! message the database rejects for its data is quarantined with the database's reason and
//! acked, and the rest of its batch is stored, instead of the batch retrying forever; a
//! transient error is retried, never quarantined. Each test ends, within a bounded wait, with
//! every good message stored exactly once, the refused ones stored or quarantined as the
//! backend decides, the queues drained and the consumers running. Last, real errors of each
//! database are classified as `StoreError::is_permanent` says.

use std::str::FromStr;
use std::time::Duration;

use app::model::ConsumerState;
use server::store::{Store, StoreError};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::Connection;

use crate::helpers::*;
use crate::workload::*;

const QUEUES: [&str; 2] = ["monitor.info", "monitor.error"];
const WHEN: &str = "2026-11-24 10:00:00.000000";

/// One deployment; a process timeout the tests never reach, so a restart never hides a stall.
fn one_deployment(vhost: &TestVhost) -> String {
    format!(
        r#"{{"workers": {{"process_timeout": 600}}, "deployments": [{}]}}"#,
        nova_deployment("cell-r", &vhost.name, 5672)
    )
}

/// A running application on a database of its own, its consumers connected.
struct Run {
    vhost: TestVhost,
    db: TestDb,
    app: TestApp,
}

impl Run {
    async fn start(backend: Backend) -> Self {
        let vhost = TestVhost::new();
        let db = TestDb::new(backend);
        let app = TestApp::spawn(&db, deployments(&one_deployment(&vhost))).await;
        app.wait_connected("cell-r").await;
        Self { vhost, db, app }
    }

    /// Runs `sql` (one statement, or several on PostgreSQL and SQLite) on the test database.
    async fn execute(&self, sql: &str) {
        let store = Store::connect(&self.db.url).await.expect("database");
        let done = match &store {
            Store::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
            Store::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
            Store::MySql(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
        };
        store.close().await;
        done.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// A nova update with a message id of its own, from `publisher`, for `instance`, in request
/// `request`, on `monitor.info`.
fn update(message_id: &str, publisher: &str, instance: &str, request: &str) -> Msg {
    let event = "compute.instance.update";
    let body = nova_body(event, publisher, WHEN, message_id, instance, request);
    Msg {
        exchange: "nova".into(),
        routing_key: QUEUES[0].into(),
        message_id: message_id.into(),
        body: body.to_string().into_bytes(),
    }
}

/// `len` random hexadecimal characters (incompressible enough for any index).
fn random_text(len: usize) -> String {
    let mut text = String::with_capacity(len + 32);
    while text.len() < len {
        text.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    text.truncate(len);
    text
}

/// What becomes of the bad messages.
enum Fate {
    /// Stored as events, like the good ones (the backend accepts them).
    Stored,
    /// Quarantined, each row's reason holding every one of these words.
    Quarantined(&'static [&'static str]),
}

/// Publishes 300 realistic notifications with `bad` among them (together, mid-stream, so they
/// share a batch with good ones), then checks that every good one is stored exactly once and
/// the bad ones met their `fate`, within 45 s; the queues drain and the consumers run on.
async fn bad_among_good(run: Run, seed: u64, bad: &[Msg], fate: Fate) {
    let good = workload(seed, 300, &["nova"]);
    let stream: Vec<Msg> = good[..150]
        .iter()
        .chain(bad)
        .chain(&good[150..])
        .cloned()
        .collect();
    publish_all(&run.vhost, &stream).await;
    let r = wait_stored(&run.db.url, &good, 45).await;
    assert_eq!(
        (r.lost, r.duplicates),
        (0, 0),
        "every good message stored once"
    );
    let settled = || async {
        let r = reconcile(&run.db.url, &good).await;
        let quarantined = stored_ids(&run.db.url).await.1;
        r.unexpected as i64 + quarantined == bad.len() as i64
    };
    eventually(20, "every bad message stored or quarantined", settled).await;
    let (ids, quarantined) = stored_ids(&run.db.url).await;
    for m in bad {
        let copies = ids.iter().flatten().filter(|id| **id == m.message_id);
        let expected = usize::from(matches!(fate, Fate::Stored));
        assert_eq!(copies.count(), expected, "{} stored", m.message_id);
    }
    match fate {
        Fate::Stored => assert_eq!(quarantined, 0),
        Fate::Quarantined(words) => {
            let (rows, total) = run.app.store.quarantine_list(10).await.unwrap();
            assert_eq!(total, bad.len() as i64);
            for row in &rows {
                assert_eq!(row.routing_key, QUEUES[0]);
                for word in words {
                    assert!(row.error.contains(word), "{word:?} in {:?}", row.error);
                }
            }
        }
    }
    let board = run.app.board.of_deployment("cell-r");
    let on_board: u64 = board.iter().map(|c| c.quarantined).sum();
    assert_eq!(on_board as i64, quarantined, "the board counts them");
    for c in &board {
        assert_eq!(c.state, ConsumerState::Connected, "{c:?}");
        assert_eq!(c.last_error, None, "nothing left retrying: {c:?}");
    }
    run.app.stop().await;
    for queue in QUEUES {
        assert_eq!(queue_depth(&run.vhost, queue).await, 0, "{queue} drained");
    }
}

/// Two notifications with a `\u0000` in a text column: the host (from `publisher_id`, also in
/// the publisher column) and `payload.instance_id` (in every aggregate keyed by instance).
fn with_nul() -> [Msg; 2] {
    [
        update(
            "bad-nul-host",
            "compute.host\0evil",
            "inst-nul-1",
            "req-nul-1",
        ),
        update("bad-nul-instance", "compute.h1", "inst\0nul", "req-nul-2"),
    ]
}

/// PostgreSQL refuses a NUL in text (SQLSTATE 22021): quarantined with its words.
#[tokio::test]
async fn postgres_quarantines_a_nul_in_text_with_the_databases_reason() {
    let words = &["rejected by the database", "0x00", "SQLSTATE 22021"];
    let run = Run::start(Backend::Postgres).await;
    bad_among_good(run, 61, &with_nul(), Fate::Quarantined(words)).await;
}

/// SQLite stores a NUL in text as it is.
#[tokio::test]
async fn sqlite_stores_a_nul_in_text() {
    let run = Run::start(Backend::Sqlite).await;
    bad_among_good(run, 62, &with_nul(), Fate::Stored).await;
}

/// MariaDB stores a NUL in a VARCHAR as it is.
#[tokio::test]
async fn mariadb_stores_a_nul_in_text() {
    let run = Run::start(Backend::MariaDb).await;
    bad_among_good(run, 63, &with_nul(), Fate::Stored).await;
}

/// A 4,000-character random request id and host: over PostgreSQL's btree row limit (about
/// 2,700 bytes) and MySQL's `VARCHAR(255)`. Ingest's own limit (255 characters, every
/// backend alike) quarantines them before any database sees them, naming the field.
async fn over_long_indexed_values(backend: Backend, seed: u64) {
    let request = random_text(4_000);
    let host = format!("compute.{}", random_text(4_000));
    let bad = [
        update("bad-long-request", "compute.h1", "inst-long-1", &request),
        update("bad-long-host", &host, "inst-long-2", "req-long-2"),
    ];
    let words = &["is longer than 255 characters"];
    bad_among_good(
        Run::start(backend).await,
        seed,
        &bad,
        Fate::Quarantined(words),
    )
    .await;
}

#[tokio::test]
async fn sqlite_quarantines_over_long_indexed_values() {
    over_long_indexed_values(Backend::Sqlite, 64).await;
}

#[tokio::test]
async fn postgres_quarantines_over_long_indexed_values() {
    over_long_indexed_values(Backend::Postgres, 65).await;
}

#[tokio::test]
async fn mariadb_quarantines_over_long_indexed_values() {
    over_long_indexed_values(Backend::MariaDb, 66).await;
}

/// A constraint of the database's own refuses events from the host `refused.example` (a
/// CHECK on PostgreSQL and MariaDB, a trigger's `RAISE(ABORT)` on SQLite): every backend
/// rejects the two such notifications, which are quarantined with its words, and stores the
/// rest of their batch.
async fn constraint_refuses(backend: Backend, seed: u64) {
    let run = Run::start(backend).await;
    run.execute(match backend {
        Backend::Sqlite => {
            "CREATE TRIGGER st_test_refuse BEFORE INSERT ON raw_events \
             WHEN NEW.host = 'refused.example' BEGIN SELECT RAISE(ABORT, 'st_test_refuse'); END"
        }
        Backend::Postgres | Backend::MariaDb => {
            "ALTER TABLE raw_events ADD CONSTRAINT st_test_refuse \
             CHECK (host <> 'refused.example')"
        }
    })
    .await;
    let bad = [
        update(
            "bad-refused-1",
            "compute.refused.example",
            "inst-c1",
            "req-c1",
        ),
        update(
            "bad-refused-2",
            "compute.refused.example",
            "inst-c2",
            "req-c2",
        ),
    ];
    let words = &["rejected by the database", "st_test_refuse"];
    bad_among_good(run, seed, &bad, Fate::Quarantined(words)).await;
}

#[tokio::test]
async fn sqlite_quarantines_what_a_constraint_refuses() {
    constraint_refuses(Backend::Sqlite, 67).await;
}

#[tokio::test]
async fn postgres_quarantines_what_a_constraint_refuses() {
    constraint_refuses(Backend::Postgres, 68).await;
}

#[tokio::test]
async fn mariadb_quarantines_what_a_constraint_refuses() {
    constraint_refuses(Backend::MariaDb, 69).await;
}

/// Publishes one notification alone (a batch of one: were its transient error taken for a
/// refusal, it would be quarantined at once) and checks that it is stored exactly once after
/// `retries` or more retries, and nothing is quarantined.
async fn retried_not_quarantined(run: Run, host: &str, retries: u64) {
    let good = workload(70, 50, &["nova"]);
    publish_all(&run.vhost, &good).await;
    let r = wait_stored(&run.db.url, &good, 30).await;
    assert_eq!((r.lost, r.duplicates), (0, 0));
    let flaky = [update(
        "flaky",
        &format!("compute.{host}"),
        "inst-f",
        "req-f",
    )];
    publish_all(&run.vhost, &flaky).await;
    let r = wait_stored(&run.db.url, &flaky, 45).await;
    let stored = (r.lost, r.duplicates, r.stored);
    assert_eq!(stored, (0, 0, good.len() + 1), "stored once");
    assert_eq!(stored_ids(&run.db.url).await.1, 0, "nothing quarantined");
    let made = commit_retries(&run.app).await;
    assert!(made >= retries, "{made} retries");
    run.app.stop().await;
    for queue in QUEUES {
        assert_eq!(queue_depth(&run.vhost, queue).await, 0, "{queue} drained");
    }
}

/// A serialisation failure (SQLSTATE 40001) the first two times the flaky event is inserted:
/// raised by a trigger whose counter (a sequence) survives the rollbacks.
#[tokio::test]
async fn postgres_retries_a_serialisation_failure() {
    let run = Run::start(Backend::Postgres).await;
    run.execute(
        "CREATE SEQUENCE st_test_flaky;
         CREATE FUNCTION st_test_flaky() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.host = 'flaky.example' THEN
             IF nextval('st_test_flaky') <= 2 THEN
               RAISE EXCEPTION 'st_test_flaky' USING ERRCODE = 'serialization_failure';
             END IF;
           END IF;
           RETURN NEW;
         END $$;
         CREATE TRIGGER st_test_flaky BEFORE INSERT ON raw_events
           FOR EACH ROW EXECUTE FUNCTION st_test_flaky();",
    )
    .await;
    retried_not_quarantined(run, "flaky.example", 2).await;
}

/// A refusal and a transient error in one batch: the `\u0000` messages split the batch, and
/// the flaky event's part then fails twice with a serialisation failure, mid-split. The retry
/// resumes where the split stopped: every good message and the flaky one stored once, each
/// refused message quarantined exactly once (a quarantine row has no dedupe key, so a
/// restarted split would write it twice).
#[tokio::test]
async fn postgres_a_refusal_and_a_transient_error_in_one_batch() {
    let run = Run::start(Backend::Postgres).await;
    run.execute(
        "CREATE SEQUENCE st_test_flaky;
         CREATE FUNCTION st_test_flaky() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.host = 'flaky.example' AND nextval('st_test_flaky') <= 2 THEN
             RAISE EXCEPTION 'st_test_flaky' USING ERRCODE = 'serialization_failure';
           END IF;
           RETURN NEW;
         END $$;
         CREATE TRIGGER st_test_flaky BEFORE INSERT ON raw_events
           FOR EACH ROW EXECUTE FUNCTION st_test_flaky();",
    )
    .await;
    let mut good = workload(67, 200, &["nova"]);
    let flaky = update("flaky", "compute.flaky.example", "inst-f", "req-f");
    let [nul_host, nul_instance] = with_nul();
    let stream: Vec<Msg> = good[..100]
        .iter()
        .chain([&nul_host, &flaky, &nul_instance])
        .chain(&good[100..])
        .cloned()
        .collect();
    publish_all(&run.vhost, &stream).await;
    good.push(flaky);
    let r = wait_stored(&run.db.url, &good, 45).await;
    assert_eq!((r.lost, r.duplicates), (0, 0), "stored once each");
    eventually(20, "both refused messages quarantined", || async {
        stored_ids(&run.db.url).await.1 >= 2
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let (_, total) = run.app.store.quarantine_list(10).await.unwrap();
    assert_eq!(total, 2, "each refused message quarantined exactly once");
    assert!(
        commit_retries(&run.app).await >= 1,
        "the flaky part was retried"
    );
    run.app.stop().await;
    for queue in QUEUES {
        assert_eq!(queue_depth(&run.vhost, queue).await, 0, "{queue} drained");
    }
}

/// The same on MariaDB: a SIGNAL of SQLSTATE 40001 (a deadlock's), counted in a MyISAM
/// table, which a rollback does not undo.
#[tokio::test]
async fn mariadb_retries_a_deadlock() {
    let run = Run::start(Backend::MariaDb).await;
    run.execute("CREATE TABLE st_test_flaky (n INT NOT NULL) ENGINE=MyISAM")
        .await;
    run.execute("INSERT INTO st_test_flaky VALUES (0)").await;
    run.execute(
        "CREATE TRIGGER st_test_flaky BEFORE INSERT ON raw_events FOR EACH ROW
         BEGIN
           IF NEW.host = 'flaky.example' THEN
             UPDATE st_test_flaky SET n = n + 1;
             IF (SELECT n FROM st_test_flaky) <= 2 THEN
               SIGNAL SQLSTATE '40001' SET MESSAGE_TEXT = 'st_test_flaky';
             END IF;
           END IF;
         END",
    )
    .await;
    retried_not_quarantined(run, "flaky.example", 2).await;
}

/// SQLite busy (another connection holds the write lock past the 10 s busy timeout): the
/// batch is retried once the lock is gone. Were `SQLITE_BUSY` taken for a refusal, the
/// message's quarantine row would wait for the lock and be committed when it goes.
#[tokio::test]
async fn sqlite_retries_while_the_database_is_locked() {
    let run = Run::start(Backend::Sqlite).await;
    let mut lock = sqlx::SqliteConnection::connect(&run.db.url).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut lock)
        .await
        .unwrap();
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(12)).await;
        sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
        lock.close().await.unwrap();
    });
    let flaky = [update("busy", "compute.busy.example", "inst-b", "req-b")];
    publish_all(&run.vhost, &flaky).await;
    release.await.expect("lock released");
    let r = wait_stored(&run.db.url, &flaky, 45).await;
    assert_eq!((r.lost, r.duplicates, r.stored), (0, 0, 1), "stored once");
    assert_eq!(stored_ids(&run.db.url).await.1, 0, "nothing quarantined");
    assert!(
        commit_retries(&run.app).await >= 1,
        "the busy batch was retried"
    );
    run.app.stop().await;
}

/// `e` as the store reports it, with its classification and the database's words checked.
fn assert_class(e: sqlx::Error, permanent: bool, words: &[&str]) {
    let e = StoreError::from(e);
    assert_eq!(e.is_permanent(), permanent, "{e}");
    let message = e.database_message().expect("reported by the database");
    for word in words {
        assert!(message.contains(word), "{word:?} in {message:?}");
    }
}

#[tokio::test]
async fn postgres_errors_are_classified() {
    let db = TestDb::new(Backend::Postgres);
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let nul = sqlx::query("SELECT $1::text").bind("a\0b");
    let e = nul.execute(&mut conn).await.unwrap_err();
    assert_class(e, true, &["0x00", "SQLSTATE 22021"]);
    let setup = "CREATE TABLE st_test_t (v TEXT); CREATE INDEX st_test_v ON st_test_t (v)";
    sqlx::raw_sql(setup).execute(&mut conn).await.unwrap();
    let long = sqlx::query("INSERT INTO st_test_t VALUES ($1)").bind(random_text(10_000));
    let e = long.execute(&mut conn).await.unwrap_err();
    assert_class(e, true, &["index row", "SQLSTATE 54000"]);
    // A duplicate key is the schema's or a concurrent writer's doing, never the message's.
    let dup = "CREATE TABLE st_test_u (k INT PRIMARY KEY); INSERT INTO st_test_u VALUES (1)";
    sqlx::raw_sql(dup).execute(&mut conn).await.unwrap();
    let again = sqlx::raw_sql("INSERT INTO st_test_u VALUES (1)");
    let e = again.execute(&mut conn).await.unwrap_err();
    assert_class(e, false, &["SQLSTATE 23505"]);
    // A lock not granted in time (55P03): another connection holds the table.
    let mut holder = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let hold = "BEGIN; LOCK TABLE st_test_t IN ACCESS EXCLUSIVE MODE";
    sqlx::raw_sql(hold).execute(&mut holder).await.unwrap();
    let wait = "SET lock_timeout = '100ms'; SELECT * FROM st_test_t";
    let e = sqlx::raw_sql(wait).execute(&mut conn).await.unwrap_err();
    assert_class(e, false, &["SQLSTATE 55P03"]);
    holder.close().await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn mariadb_errors_are_classified() {
    let db = TestDb::new(Backend::MariaDb);
    let mut conn = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
    for sql in [
        "SET SESSION sql_mode = 'STRICT_TRANS_TABLES'",
        "CREATE TABLE st_test_t (id INT PRIMARY KEY, v VARCHAR(3)) ENGINE=InnoDB",
        "INSERT INTO st_test_t VALUES (1, 'a')",
    ] {
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    }
    let long = sqlx::query("INSERT INTO st_test_t VALUES (2, ?)").bind("abcd");
    let e = long.execute(&mut conn).await.unwrap_err();
    assert_class(e, true, &["Data too long", "MySQL error 1406"]);
    let dup = sqlx::query("INSERT INTO st_test_t VALUES (1, 'b')");
    let e = dup.execute(&mut conn).await.unwrap_err();
    assert_class(e, false, &["Duplicate entry", "MySQL error 1062"]);
    // A lock wait timeout (1205): another connection holds the row.
    let mut holder = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
    for sql in ["BEGIN", "SELECT v FROM st_test_t WHERE id = 1 FOR UPDATE"] {
        sqlx::raw_sql(sql).execute(&mut holder).await.unwrap();
    }
    let timeout = "SET SESSION innodb_lock_wait_timeout = 1";
    sqlx::raw_sql(timeout).execute(&mut conn).await.unwrap();
    let wait = sqlx::query("UPDATE st_test_t SET v = 'b' WHERE id = 1");
    let e = wait.execute(&mut conn).await.unwrap_err();
    assert_class(e, false, &["MySQL error 1205"]);
    holder.close().await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn sqlite_errors_are_classified() {
    let db = TestDb::new(Backend::Sqlite);
    let options = SqliteConnectOptions::from_str(&db.url)
        .unwrap()
        .create_if_missing(true);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let setup = "CREATE TABLE st_test_t (v TEXT CHECK (v <> 'x'))";
    sqlx::raw_sql(setup).execute(&mut conn).await.unwrap();
    let refused = sqlx::query("INSERT INTO st_test_t VALUES (?)").bind("x");
    let e = refused.execute(&mut conn).await.unwrap_err();
    assert_class(e, true, &["CHECK constraint failed", "SQLite error 275"]);
    let unique = "CREATE TABLE st_test_u (k INT UNIQUE); INSERT INTO st_test_u VALUES (1)";
    sqlx::raw_sql(unique).execute(&mut conn).await.unwrap();
    let again = sqlx::raw_sql("INSERT INTO st_test_u VALUES (1)");
    let e = again.execute(&mut conn).await.unwrap_err();
    assert_class(e, false, &["UNIQUE constraint failed", "SQLite error 2067"]);
    // Busy (5): another connection holds the write lock, and this one does not wait.
    sqlx::raw_sql("BEGIN EXCLUSIVE")
        .execute(&mut conn)
        .await
        .unwrap();
    let no_wait = options.busy_timeout(Duration::ZERO);
    let mut other = sqlx::SqliteConnection::connect_with(&no_wait)
        .await
        .unwrap();
    let e = sqlx::raw_sql("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap_err();
    assert_class(e, false, &["SQLite error 5"]);
    other.close().await.unwrap();
    conn.close().await.unwrap();
}
