//! The `quarantine` table: messages that could not be parsed, kept as received (written in the
//! batch that received them, so they are acked only once stored), and their lists.

use app::model::{Micros, QuarantineRow};

use crate::store::backend::Store;
use crate::store::batch::BatchTx;
use crate::store::error::StoreError;
use crate::store::events::limits::clip_key;
use crate::store::events::write_mysql::{chunks, statement_budget};
use crate::store::horizon::IdFeed;
use crate::store::sql::Sql;
use crate::store::text::Text;

/// Rows per INSERT statement (6 binds each; well under every backend's bind limit).
const ROWS_PER_STATEMENT: usize = 500;

/// A message that could not be parsed, kept as received.
#[derive(Debug, Clone)]
pub struct NewQuarantine {
    pub deployment_id: i64,
    pub exchange: String,
    pub routing_key: String,
    pub error: String,
    pub body: Vec<u8>,
    pub received_us: i64,
}

/// A quarantined message with its stored bytes.
#[derive(Debug)]
pub struct QuarantineRecord {
    pub row: QuarantineRow,
    pub body: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct QuarantineListed {
    id: i64,
    #[sqlx(try_from = "Text")]
    deployment: String,
    #[sqlx(try_from = "Text")]
    exchange: String,
    #[sqlx(try_from = "Text")]
    routing_key: String,
    #[sqlx(try_from = "Text")]
    error: String,
    received_us: i64,
    size: i64,
}

impl From<QuarantineListed> for QuarantineRow {
    fn from(q: QuarantineListed) -> Self {
        QuarantineRow {
            id: q.id,
            deployment: q.deployment,
            exchange: q.exchange,
            routing_key: q.routing_key,
            error: q.error,
            received: Micros(q.received_us),
            size: q.size,
        }
    }
}

impl Store {
    /// The columns of [`QuarantineListed`]: everything but the body, and its size (`LENGTH`
    /// is a 32-bit integer on PostgreSQL and MySQL, hence the cast, named per backend). The
    /// deployment's name is a scalar subquery rather than a join, so that MySQL, seeing a
    /// one-row `deployments`, does not read it first and sort every quarantined row.
    fn quarantine_select(&self) -> Sql<'static> {
        Sql::new(&format!(
            "SELECT q.id, (SELECT d.name FROM deployments d WHERE d.id = q.deployment_id) \
             AS deployment, q.exchange, q.routing_key, q.error, q.received_us, \
             CAST(LENGTH(q.body) AS {}) AS size FROM quarantine q",
            self.bigint()
        ))
    }
}

impl BatchTx {
    /// Stores `rows` in this batch.
    ///
    /// # Errors
    /// Database errors; the batch must be dropped (rolled back) and retried.
    pub async fn insert_quarantine(&mut self, rows: &[NewQuarantine]) -> Result<(), StoreError> {
        // MySQL: also cut by bytes (bodies can be megabytes; see `write_mysql`).
        let budget = statement_budget(self.max_packet());
        let bytes = |q: &NewQuarantine| q.body.len() + q.error.len() + 256;
        let mut conn = self.conn();
        for chunk in chunks(rows, ROWS_PER_STATEMENT, budget, bytes) {
            let mut sql = Sql::new(
                "INSERT INTO quarantine (deployment_id, exchange, routing_key, error, body, \
                 received_us) ",
            );
            sql.values(chunk, |row, q| {
                // Clipped to what MySQL's columns hold, on every backend alike: a quarantined
                // message is stored whatever its routing key.
                row.bind(q.deployment_id)
                    .bind(clip_key(&q.exchange))
                    .bind(clip_key(&q.routing_key))
                    .bind(q.error.as_str())
                    .bind(q.body.as_slice())
                    .bind(q.received_us);
            });
            sql.persistent(false);
            conn.execute(&sql).await?;
        }
        Ok(())
    }
}

impl Store {
    /// How many messages are quarantined, per deployment.
    ///
    /// # Errors
    /// Database errors.
    pub async fn quarantine_counts(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let sql = Sql::new("SELECT deployment_id, COUNT(*) FROM quarantine GROUP BY deployment_id");
        self.fetch_all(&sql).await
    }

    /// The newest quarantined messages (without their bodies) and how many there are.
    ///
    /// The count is read first: the two statements see two snapshots, and a message committed
    /// between them must not be counted without being listed (the page would say "N messages"
    /// while its newest row is older than the N-th). Counted-first, every counted message is
    /// also in the list's snapshot.
    ///
    /// # Errors
    /// Database errors.
    pub async fn quarantine_list(
        &self,
        limit: u32,
    ) -> Result<(Vec<QuarantineRow>, i64), StoreError> {
        let total = self
            .fetch_int(&Sql::new("SELECT COUNT(*) FROM quarantine"))
            .await?;
        let mut sql = self.quarantine_select();
        sql.push(" ORDER BY q.id DESC LIMIT ").int(i64::from(limit));
        let rows: Vec<QuarantineListed> = self.fetch_all(&sql).await?;
        Ok((rows.into_iter().map(QuarantineRow::from).collect(), total))
    }

    /// At most `limit` quarantined messages (without bodies) with an id above `after`,
    /// oldest first, up to the quarantine's feed horizon (`store::horizon`): a script paging
    /// on with the last id never skips a row committed later with a smaller id.
    ///
    /// # Errors
    /// Database errors.
    pub async fn quarantine_page(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<QuarantineRow>, StoreError> {
        let upto = self.horizon_of(IdFeed::Quarantine).await?;
        let mut sql = self.quarantine_select();
        sql.push(" WHERE q.id > ").int(after);
        sql.push(" AND q.id <= ").int(upto);
        sql.push(" ORDER BY q.id LIMIT ").int(i64::from(limit));
        let rows: Vec<QuarantineListed> = self.fetch_all(&sql).await?;
        Ok(rows.into_iter().map(QuarantineRow::from).collect())
    }

    /// One quarantined message with its bytes.
    ///
    /// # Errors
    /// Database errors.
    pub async fn quarantined(&self, id: i64) -> Result<Option<QuarantineRecord>, StoreError> {
        let mut sql = self.quarantine_select();
        sql.push(" WHERE q.id = ").int(id);
        let Some(listed) = self.fetch_optional::<QuarantineListed>(&sql).await? else {
            return Ok(None);
        };
        let mut body_sql = Sql::new("SELECT body FROM quarantine WHERE id = ");
        body_sql.int(id);
        let (body,): (Vec<u8>,) = self.fetch_one(&body_sql).await?;
        Ok(Some(QuarantineRecord {
            row: listed.into(),
            body,
        }))
    }
}
