//! The first page of a live feed.

use leptos::prelude::*;

use crate::model::FeedData;

/// The newest rows of one deployment (or all) and the feed's title.
#[server(endpoint = "feed")]
pub async fn get_feed(deployment: Option<i64>) -> Result<FeedData, ServerFnError> {
    use crate::ssr::{backend, to_server_error};
    let backend = backend()?;
    let title = match deployment {
        None => "All".to_string(),
        Some(id) => match backend.deployment_name(id).await.map_err(to_server_error)? {
            Some(name) => name,
            None => return Err(ServerFnError::new(format!("no deployment with id {id}"))),
        },
    };
    let rows = backend
        .recent_events(deployment, super::FEED_PAGE)
        .await
        .map_err(to_server_error)?;
    Ok(FeedData {
        deployment,
        title,
        rows,
    })
}
