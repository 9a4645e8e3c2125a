#!/usr/bin/env bash
# THE run command: builds the release server and starts it with the demo data generator.
#
#   scripts/run.sh [extra `stacktach serve` arguments, e.g. --listen 127.0.0.1:8000]
#
# Works from any directory; the server runs from the repository root, where it finds its site
# files (target/site). The binary prints the URL it listens on.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

# Only the tool PATH from scripts/env.sh (wasm-opt from npm's binaryen must shadow any older one).
# Its RUSTFLAGS/LEPTOS_* exports are for debug builds: cargo-leptos sets its own for --release, so
# they are removed from the build's environment in case the calling shell sourced env.sh.
export PATH="$PWD/end2end/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
echo "==> cargo leptos build --release"
env -u RUSTFLAGS -u LEPTOS_OUTPUT_NAME -u LEPTOS_SITE_ROOT -u LEPTOS_SITE_PKG_DIR \
  -u LEPTOS_SITE_ADDR -u LEPTOS_RELOAD_PORT -u LEPTOS_LIB_DIR -u LEPTOS_BIN_DIR \
  -u LEPTOS_JS_MINIFY -u LEPTOS_HASH_FILES \
  cargo leptos build --release

echo "==> target/release/stacktach serve --demo $*"
exec target/release/stacktach serve --demo "$@"
