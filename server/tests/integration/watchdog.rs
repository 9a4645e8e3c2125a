//! The watchdog (`workers.process_timeout`) and graceful shutdown against a locked database:
//! a consumer stuck in a store call is restarted and loses nothing; an idle one is never
//! restarted; shutdown while a batch cannot commit acks nothing.

use std::time::Duration;

use app::model::ConsumerState;
use sqlx::Connection;

use crate::helpers::*;
use crate::workload::*;

fn file(vhost: &TestVhost, process_timeout: f64) -> String {
    format!(
        r#"{{"workers": {{"process_timeout": {process_timeout}}}, "deployments": [{}]}}"#,
        nova_deployment("cell-w", &vhost.name, 5672)
    )
}

async fn connected(app: &TestApp) {
    eventually(20, "consumers connected", || async {
        let board = app.board.of_deployment("cell-w");
        !board.is_empty() && board.iter().all(|c| c.state == ConsumerState::Connected)
    })
    .await;
}

fn restarts(app: &TestApp) -> u64 {
    app.board
        .of_deployment("cell-w")
        .iter()
        .map(|c| c.reconnects)
        .sum()
}

/// A connection holding the database's write lock until it is dropped or released.
enum Lock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
    MySql(sqlx::MySqlConnection),
}

impl Lock {
    async fn take(db: &TestDb, backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
                sqlx::query("BEGIN EXCLUSIVE")
                    .execute(&mut conn)
                    .await
                    .unwrap();
                Lock::Sqlite(conn)
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
                sqlx::query("BEGIN").execute(&mut conn).await.unwrap();
                sqlx::query("LOCK TABLE raw_events IN EXCLUSIVE MODE")
                    .execute(&mut conn)
                    .await
                    .unwrap();
                Lock::Postgres(conn)
            }
            // The batch lock row every batch takes first: held, it blocks every batch.
            Backend::MariaDb => {
                let mut conn = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
                sqlx::query("BEGIN").execute(&mut conn).await.unwrap();
                sqlx::query("SELECT id FROM ingest_lock WHERE id = 1 FOR UPDATE")
                    .execute(&mut conn)
                    .await
                    .unwrap();
                Lock::MySql(conn)
            }
        }
    }

    async fn release(self) {
        match self {
            Lock::Sqlite(mut c) => sqlx::query("ROLLBACK").execute(&mut c).await.map(drop),
            Lock::Postgres(mut c) => sqlx::query("ROLLBACK").execute(&mut c).await.map(drop),
            Lock::MySql(mut c) => sqlx::query("ROLLBACK").execute(&mut c).await.map(drop),
        }
        .expect("lock released");
    }
}

async fn stuck_consumer_is_restarted(backend: Backend) {
    let vhost = TestVhost::new();
    let db = TestDb::new(backend);
    let app = TestApp::spawn(&db, deployments(&file(&vhost, 1.5))).await;
    connected(&app).await;
    let lock = Lock::take(&db, backend).await;
    let messages = workload(41, 300, &["nova"]);
    publish_all(&vhost, &messages).await;
    eventually(15, "the stuck consumer restarted", || async {
        restarts(&app) >= 1
    })
    .await;
    lock.release().await;
    let r = wait_stored(&db.url, &messages, 30).await;
    assert_eq!((r.lost, r.duplicates, r.stored), (0, 0, messages.len()));
    app.stop().await;
    for queue in ["monitor.info", "monitor.error"] {
        assert_eq!(queue_depth(&vhost, queue).await, 0, "{queue} drained");
    }
}

#[tokio::test]
async fn sqlite_stuck_consumer_is_restarted_and_loses_nothing() {
    stuck_consumer_is_restarted(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_stuck_consumer_is_restarted_and_loses_nothing() {
    stuck_consumer_is_restarted(Backend::Postgres).await;
}

#[tokio::test]
async fn mariadb_stuck_consumer_is_restarted_and_loses_nothing() {
    stuck_consumer_is_restarted(Backend::MariaDb).await;
}

#[tokio::test]
async fn idle_consumer_is_never_restarted() {
    let vhost = TestVhost::new();
    let db = TestDb::new(Backend::Sqlite);
    let app = TestApp::spawn(&db, deployments(&file(&vhost, 0.3))).await;
    connected(&app).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(restarts(&app), 0, "ten process timeouts of silence");
    let messages = workload(42, 50, &["nova"]);
    publish_all(&vhost, &messages).await;
    let r = wait_stored(&db.url, &messages, 20).await;
    assert_eq!((r.lost, r.duplicates), (0, 0));
    assert_eq!(restarts(&app), 0);
    app.stop().await;
}

#[tokio::test]
async fn shutdown_acks_nothing_uncommitted() {
    let vhost = TestVhost::new();
    let db = TestDb::new(Backend::Sqlite);
    let app = TestApp::spawn(&db, deployments(&file(&vhost, 600.0))).await;
    connected(&app).await;
    let lock = Lock::take(&db, Backend::Sqlite).await;
    let messages = workload(43, 200, &["nova"]);
    publish_all(&vhost, &messages).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.stop().await; // the store is locked: nothing can commit
    lock.release().await;
    let requeued =
        queue_depth(&vhost, "monitor.info").await + queue_depth(&vhost, "monitor.error").await;
    assert_eq!(requeued as usize, messages.len(), "every message is back");
    assert!(stored_ids(&db.url).await.0.is_empty());
}
