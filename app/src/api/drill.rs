//! Drill-down: more rows like the clicked one.

use leptos::prelude::*;

use crate::model::{DrillData, Field};

/// The rows around event `around` sharing its `field` value; `None` if it does not exist.
#[server(prefix = "/internal", endpoint = "drill")]
pub async fn get_drill(
    field: Field,
    value: String,
    around: i64,
    deployment: Option<i64>,
) -> Result<Option<DrillData>, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    backend()?
        .drill(field, &value, around, deployment, super::limits::DRILL_SIDE)
        .await
        .map_err(to_server_error)
}
