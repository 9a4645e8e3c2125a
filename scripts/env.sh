# Source this before any plain `cargo` command in this workspace.
#
# cargo-leptos builds the server with these variables (and `--cfg erase_components` in debug);
# `cargo test`, `cargo clippy` and `cargo run` must see exactly the same ones, or cargo
# fingerprints differ and every crate is rebuilt (minutes on two cores).
export LEPTOS_OUTPUT_NAME=stacktach
export LEPTOS_SITE_ROOT=target/site
export LEPTOS_SITE_PKG_DIR=pkg
export LEPTOS_SITE_ADDR=127.0.0.1:3000
export LEPTOS_RELOAD_PORT=3001
export LEPTOS_LIB_DIR=frontend
export LEPTOS_BIN_DIR=server
export LEPTOS_JS_MINIFY=false
export LEPTOS_HASH_FILES=false
export RUSTFLAGS="--cfg erase_components"
# Tools installed by scripts/setup.sh: wasm-opt from npm's binaryen (Debian's is too old).
if [ -d "$(dirname "${BASH_SOURCE[0]}")/../end2end/node_modules/.bin" ]; then
  PATH="$(cd "$(dirname "${BASH_SOURCE[0]}")/../end2end/node_modules/.bin" && pwd):$PATH"
fi
export PATH="$HOME/.cargo/bin:$PATH"
