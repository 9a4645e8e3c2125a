//! [`Load`]: how a page gets its data.

use std::future::Future;

use leptos::prelude::*;

/// A page's data: its server function, called where the page awaits it (inside a `Suspend`,
/// once, as the server renders in `SsrMode::Async`).
///
/// Not a `Resource`: a `Resource` copies its value into the page as JSON
/// (`__RESOLVED_RESOURCES`) for the browser to hydrate from, and in islands mode no page
/// component hydrates, so nothing reads it. On a live page of 10,000 rows that copy was 4.4 MB
/// of the 10.8 MB sent; on a list page it adds nearly as much again as the rows' HTML.
pub struct Load<F: Send + Sync + 'static>(StoredValue<F>);

impl<F, Fut> Load<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future,
{
    pub fn new(load: F) -> Self {
        Self(StoredValue::new(load))
    }

    /// Starts loading: the server function's future.
    pub fn get(self) -> Fut {
        self.0.with_value(|load| load())
    }
}

impl<F: Send + Sync + 'static> Clone for Load<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: Send + Sync + 'static> Copy for Load<F> {}
