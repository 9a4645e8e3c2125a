//! One component per route.

mod home;
mod live;
mod not_found;

pub use home::HomePage;
pub use live::LivePage;
pub use not_found::NotFoundPage;
