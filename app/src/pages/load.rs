//! [`Load`]: how a page gets its data.

use std::future::Future;
use std::pin::Pin;

use futures_util::future::{FutureExt, Shared};
use leptos::prelude::*;

/// The future of a page's data, shareable among the renders that await it.
type DataFuture<T> = Shared<Pin<Box<dyn Future<Output = T> + Send>>>;

/// A page's data: its server function's call, started once, awaited where the page needs it
/// (inside a `Suspend`, as the server renders in `SsrMode::Async`).
///
/// Not a `Resource`: a `Resource` copies its value into the page as JSON
/// (`__RESOLVED_RESOURCES`) for the browser to hydrate from, and in islands mode no page
/// component hydrates, so nothing reads it. On a live page of 10,000 rows that copy was 4.4 MB
/// of the 10.8 MB sent; on a list page it adds nearly as much again as the rows' HTML.
///
/// One shared call, not a call per [`Load::get`]: the server renders a `Suspense`'s children
/// more than once and drops the first render's future unfinished. A call per render queried
/// the database twice per page, and a query future dropped in flight costs its PostgreSQL
/// connection (sqlx closes it, the pool opens another and plans its statements again): about
/// 10 ms of every page at a million events (`bench-queries`), where the same query alone took 1.
pub struct Load<T: Clone + Send + Sync + 'static>(StoredValue<DataFuture<T>>);

impl<T: Clone + Send + Sync + 'static> Load<T> {
    pub fn new<Fut>(load: impl FnOnce() -> Fut) -> Self
    where
        Fut: Future<Output = T> + Send + 'static,
    {
        let call: Pin<Box<dyn Future<Output = T> + Send>> = Box::pin(load());
        Self(StoredValue::new(call.shared()))
    }

    /// The data: the one call's result, once it has come.
    pub fn get(self) -> DataFuture<T> {
        self.0.get_value()
    }
}

impl<T: Clone + Send + Sync + 'static> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Clone + Send + Sync + 'static> Copy for Load<T> {}
