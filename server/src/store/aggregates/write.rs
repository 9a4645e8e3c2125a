//! Writing what [`crate::aggregate`] decided, inside the batch's transaction: [`BatchTx::write`]
//! in dependency order (lifecycles before the timings and trackers that point at them, usages
//! and deletes before the exists rows that point at them).

use super::write_rollups::Period;
use super::{
    write_image, write_lifecycle, write_minute_ids, write_rollups, write_stacky_names, write_usage,
};
use crate::aggregate::Writes;
use crate::store::batch::BatchTx;
use crate::store::error::StoreError;
use crate::store::events::write_mysql::statement_budget;

impl BatchTx {
    /// Writes `writes` (one aggregation round's result) into this batch: at most one
    /// multi-row statement per table and chunk, never one round trip per event.
    ///
    /// # Errors
    /// Database errors; the batch must be dropped (rolled back) and retried.
    pub async fn write(&mut self, writes: &Writes) -> Result<(), StoreError> {
        let budget = statement_budget(self.max_packet());
        let mut conn = self.conn();
        write_lifecycle::write(&mut conn, writes).await?;
        write_usage::write(&mut conn, writes, budget).await?;
        write_image::write(&mut conn, writes).await?;
        // Last: concurrent batches share these rows, so their locks are held the least.
        write_rollups::write(&mut conn, Period::Hour, &writes.timing_rollups).await?;
        write_rollups::write(&mut conn, Period::Day, &writes.timing_day_rollups).await?;
        write_rollups::write_scopes(&mut conn, &writes.scope_rollups).await?;
        write_minute_ids::write(&mut conn, &writes.minute_ids).await?;
        write_stacky_names::write(&mut conn, &writes.stacky_names).await?;
        Ok(())
    }
}
