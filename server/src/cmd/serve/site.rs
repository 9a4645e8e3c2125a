//! Where the web app's static site is (the wasm, JS and CSS cargo-leptos built) and the
//! Leptos options that serve it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use leptos::prelude::LeptosOptions;

/// Leptos options for a site under `site_root`, served at `addr`.
pub fn leptos_options(site_root: &Path, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("stacktach")
        .site_root(site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Finds the site cargo-leptos built: `$LEPTOS_SITE_ROOT`, else `target/site` under the
/// current directory, else `../site` next to the binary (`target/release/stacktach`).
pub fn default_site_root() -> PathBuf {
    if let Ok(root) = std::env::var("LEPTOS_SITE_ROOT") {
        return PathBuf::from(root);
    }
    let cwd = PathBuf::from("target/site");
    if cwd.join("pkg").is_dir() {
        return cwd;
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().and_then(Path::parent).map(|t| t.join("site")))
        .filter(|p| p.join("pkg").is_dir())
        .unwrap_or(cwd)
}
