//! Typed URL builders: every link in the app is made here, never with ad-hoc `format!`.

/// The live feed of one deployment, or of all of them.
pub fn live(deployment: Option<i64>) -> String {
    match deployment {
        Some(id) => format!("/live?deployment={id}"),
        None => "/live".to_string(),
    }
}

/// The websocket path of the live feed, resuming after `after` (the last id the page has).
pub fn live_socket(deployment: Option<i64>, after: i64) -> String {
    match deployment {
        Some(id) => format!("/live/ws?after={after}&deployment={id}"),
        None => format!("/live/ws?after={after}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_urls() {
        assert_eq!(live(None), "/live");
        assert_eq!(live(Some(3)), "/live?deployment=3");
        assert_eq!(live_socket(None, 0), "/live/ws?after=0");
        assert_eq!(live_socket(Some(2), 41), "/live/ws?after=41&deployment=2");
    }
}
