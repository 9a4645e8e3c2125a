//! `GET /d/{id}/{field}`: the short drill-down links in every cell of an event table
//! (`app::routes::drill_link`). The answer is a redirect to the full drill-down URL
//! (`/events?field=…&value=…&around=id#ev-id`), with the value read from event `id` itself, so
//! the address bar shows the shareable URL while a 10,000-row page carries no value twice.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use app::model::Field;
use app::routes;

use super::state::AppState;

/// The short drill-down links.
pub fn router() -> Router<AppState> {
    Router::new().route("/d/{id}/{field}", get(redirect))
}

async fn redirect(
    State(state): State<AppState>,
    Path((id, field)): Path<(String, String)>,
) -> Response {
    let (Ok(id), Some(field)) = (id.parse::<i64>(), Field::parse(&field)) else {
        return (
            StatusCode::NOT_FOUND,
            "A drill-down link is /d/<event id>/<field>, with a field the tables show.",
        )
            .into_response();
    };
    match state.store.event_row(id).await {
        Ok(Some(row)) => {
            Redirect::to(&routes::drill(field, field.value_of(&row), id, None)).into_response()
        }
        // The drill-down page says that there is no such event (retention may have pruned it).
        Ok(None) => Redirect::to(&routes::drill(field, "", id, None)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, event = id, "A drill-down link cannot read its event.");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The database is unavailable.",
            )
                .into_response()
        }
    }
}
