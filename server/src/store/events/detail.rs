//! One event with every stored column: its table row plus the columns of `raw_events` and
//! `raw_image_meta` that only the event page and `/api/v1/events/{id}` show.

use app::model::EventRow;

use crate::store::backend::Store;
use crate::store::error::StoreError;
use crate::store::sql::Sql;
use crate::store::text::{OptText, Text};

/// The columns of `raw_events` (and `raw_image_meta`) beyond the table row (text through
/// [`Text`]/[`OptText`]: MySQL's binary collation).
#[derive(Debug, sqlx::FromRow)]
pub struct EventColumns {
    #[sqlx(try_from = "OptText")]
    pub message_id: Option<String>,
    #[sqlx(try_from = "Text")]
    pub dedupe_key: String,
    pub received_us: i64,
    #[sqlx(try_from = "OptText")]
    pub state: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub old_state: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub old_task: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub task: Option<String>,
    pub image_type: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub image_status: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub image_uuid: Option<String>,
    pub image_size: Option<i64>,
    #[sqlx(try_from = "OptText")]
    pub os_architecture: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_distro: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub os_version: Option<String>,
    #[sqlx(try_from = "OptText")]
    pub rax_options: Option<String>,
    /// The notification body as stored (unwrapped from an oslo envelope).
    #[sqlx(try_from = "Text")]
    pub json: String,
}

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
        let columns: Option<EventColumns> = self.fetch_optional(&sql).await?;
        Ok(columns.map(|c| (row, c)))
    }
}
