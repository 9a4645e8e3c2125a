//! One event with every stored column, and one quarantined message with its bytes.

use app::model::{EventRow, QuarantineRow};

use super::{bound, Sql};
use crate::store::{with_pool, Store, StoreError};

/// The columns of `raw_events` (and `raw_image_meta`) beyond the table row.
#[derive(Debug, sqlx::FromRow)]
pub struct EventColumns {
    pub message_id: Option<String>,
    pub dedupe_key: String,
    pub received_us: i64,
    pub state: Option<String>,
    pub old_state: Option<String>,
    pub old_task: Option<String>,
    pub task: Option<String>,
    pub image_type: Option<i64>,
    pub image_status: Option<String>,
    pub image_uuid: Option<String>,
    pub image_size: Option<i64>,
    pub os_architecture: Option<String>,
    pub os_distro: Option<String>,
    pub os_version: Option<String>,
    pub rax_options: Option<String>,
    /// The notification body as stored (unwrapped from an oslo envelope).
    pub json: String,
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
    deployment: String,
    exchange: String,
    routing_key: String,
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
            received: app::model::Micros(q.received_us),
            size: q.size,
        }
    }
}

pub(super) const QUARANTINE_SELECT: &str = "SELECT q.id, d.name AS deployment, q.exchange, \
     q.routing_key, q.error, q.received_us, CAST(LENGTH(q.body) AS BIGINT) AS size \
     FROM quarantine q JOIN deployments d ON d.id = q.deployment_id";

impl Store {
    /// One event's row and every other column, `None` if there is no such event.
    ///
    /// # Errors
    /// Database errors.
    pub async fn event_detail(
        &self,
        id: i64,
    ) -> Result<Option<(EventRow, EventColumns)>, StoreError> {
        let Some(row) = self.event_row(id).await? else {
            return Ok(None);
        };
        let mut sql = Sql::new(
            "SELECT e.message_id, e.dedupe_key, e.received_us, e.state, e.old_state, \
             e.old_task, e.task, e.image_type, e.image_status, e.image_uuid, e.image_size, \
             m.os_architecture, m.os_distro, m.os_version, m.rax_options, e.json \
             FROM raw_events e LEFT JOIN raw_image_meta m ON m.raw_id = e.id WHERE e.id = ",
        );
        sql.int(id);
        let columns: Option<EventColumns> = with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_optional(pool).await?
        });
        Ok(columns.map(|c| (row, c)))
    }

    /// The newest quarantined messages (without their bodies) and how many there are.
    ///
    /// # Errors
    /// Database errors.
    pub async fn quarantine_list(
        &self,
        limit: u32,
    ) -> Result<(Vec<QuarantineRow>, i64), StoreError> {
        let mut sql = Sql::new(QUARANTINE_SELECT);
        sql.push(" ORDER BY q.id DESC LIMIT ").int(i64::from(limit));
        let rows: Vec<QuarantineListed> = with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_all(pool).await?
        });
        let total = self
            .fetch_int(&Sql::new("SELECT COUNT(*) FROM quarantine"))
            .await?;
        Ok((rows.into_iter().map(QuarantineRow::from).collect(), total))
    }

    /// One quarantined message with its bytes.
    ///
    /// # Errors
    /// Database errors.
    pub async fn quarantined(&self, id: i64) -> Result<Option<QuarantineRecord>, StoreError> {
        let mut sql = Sql::new(QUARANTINE_SELECT);
        sql.push(" WHERE q.id = ").int(id);
        let listed: Option<QuarantineListed> = with_pool!(self, pool => {
            bound!(sqlx::query_as(&sql.text), sql).fetch_optional(pool).await?
        });
        let Some(listed) = listed else {
            return Ok(None);
        };
        let mut body_sql = Sql::new("SELECT body FROM quarantine WHERE id = ");
        body_sql.int(id);
        let body: Vec<u8> = with_pool!(self, pool => {
            bound!(sqlx::query_scalar(&body_sql.text), body_sql).fetch_one(pool).await?
        });
        Ok(Some(QuarantineRecord {
            row: listed.into(),
            body,
        }))
    }
}
