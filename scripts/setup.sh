#!/usr/bin/env bash
# Installs what building and testing StackTach needs, and nothing that is already right.
#
# Idempotent: every step checks the installed version first and prints what it did or skipped,
# so a warm machine gets through in a couple of seconds. Works from any directory.
#
#   chromium + chromium-driver   Debian packages (Playwright cannot download its own browser here)
#   sqlite3                      Debian package: the reports spec writes its fixtures with it
#   wasm32-unknown-unknown       rustup target for the hydrated front end
#   rustfmt, clippy              rustup components used by scripts/test.sh
#   cargo-leptos 0.3.11          built from the crate source with one dependency pinned
#                                (`cargo install --locked` fails on rustc 1.95; see TOOLCHAIN notes)
#   wasm-bindgen-cli             exactly the wasm-bindgen version in Cargo.lock
#   end2end/node_modules         `npm ci`: Playwright, amqplib, and binaryen's wasm-opt
#                                (Debian's binaryen is too old and breaks release builds: don't install it)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}
export PATH="$CARGO_HOME/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.11
# cargo-leptos 0.3.11's own lockfile pulls a cargo-util-schemas that needs rustc 1.96+.
CARGO_UTIL_SCHEMAS_PIN=0.14.1

step() { printf '==> %s\n' "$*"; }
skip() { printf '    ok: %s\n' "$*"; }
doing() { printf '    %s\n' "$*"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  SUDO=(sudo)
fi

# --- Browser ------------------------------------------------------------------------------------
step "Chromium and ChromeDriver (Debian packages)"
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  skip "$(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
else
  doing "installing chromium chromium-driver with apt-get"
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
fi

step "sqlite3 command-line shell (Debian package; the reports spec stores fixtures with it)"
if command -v sqlite3 >/dev/null 2>&1; then
  skip "$(sqlite3 --version | awk '{print "sqlite3 " $1}')"
else
  doing "installing sqlite3 with apt-get"
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y sqlite3
fi

# --- Rust toolchain pieces ------------------------------------------------------------------------
step "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  skip "installed"
else
  rustup target add wasm32-unknown-unknown
fi

step "Rust components rustfmt and clippy"
for component in rustfmt clippy; do
  if rustup component list --installed | grep -q "^${component}-"; then
    skip "$component"
  else
    rustup component add "$component"
  fi
done

step "cargo-leptos $CARGO_LEPTOS_VERSION"
have_leptos=$(cargo leptos --version 2>/dev/null | awk '{print $NF}' || true)
if [ "$have_leptos" = "$CARGO_LEPTOS_VERSION" ]; then
  skip "cargo-leptos $have_leptos"
else
  doing "found '${have_leptos:-none}'; building $CARGO_LEPTOS_VERSION from source (about 10 minutes on 2 cores)"
  find_src() {
    local dir
    for dir in "$CARGO_HOME"/registry/src/*/"cargo-leptos-$CARGO_LEPTOS_VERSION"; do
      if [ -d "$dir" ]; then
        echo "$dir"
        return
      fi
    done
  }
  src=$(find_src)
  if [ -z "$src" ]; then
    # A plain install fails on this rustc, but on the way it unpacks the crate source into the
    # registry, which is all we want from it.
    doing "fetching the crate source (the expected failure of a plain install is silenced)"
    cargo install "cargo-leptos@$CARGO_LEPTOS_VERSION" --features no_downloads --locked >/dev/null 2>&1 || true
    src=$(find_src)
  fi
  if [ "$(cargo leptos --version 2>/dev/null | awk '{print $NF}' || true)" = "$CARGO_LEPTOS_VERSION" ]; then
    skip "the plain install worked: $(cargo leptos --version)"
  elif [ -z "$src" ]; then
    echo "error: could not obtain the cargo-leptos $CARGO_LEPTOS_VERSION source" >&2
    exit 1
  else
    build_dir=$(mktemp -d)
    trap 'rm -rf "$build_dir"' EXIT
    cp -r "$src" "$build_dir/"
    (
      cd "$build_dir/cargo-leptos-$CARGO_LEPTOS_VERSION"
      cargo update -p cargo-util-schemas --precise "$CARGO_UTIL_SCHEMAS_PIN"
      cargo install --path . --features no_downloads --locked --force
    )
    rm -rf "$build_dir"
    trap - EXIT
    skip "$(cargo leptos --version)"
  fi
fi

step "wasm-bindgen-cli (the version Cargo.lock pins)"
want_bindgen=$(awk '
  /^\[\[package\]\]/ { in_pkg = 0 }
  /^name = "wasm-bindgen"$/ { in_pkg = 1; next }
  in_pkg && /^version = / { gsub(/version = |"/, ""); print; exit }
' "$ROOT/Cargo.lock")
if [ -z "$want_bindgen" ]; then
  echo "error: no wasm-bindgen package in Cargo.lock" >&2
  exit 1
fi
have_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_bindgen" = "$want_bindgen" ]; then
  skip "wasm-bindgen $have_bindgen"
else
  doing "found '${have_bindgen:-none}', Cargo.lock wants $want_bindgen; installing (about 1.5 minutes)"
  # No --locked: its lockfile asks for a crate version this machine's registry lacks.
  cargo install wasm-bindgen-cli --version "=$want_bindgen" --force
fi

# --- Node packages for the browser tests (and wasm-opt) ------------------------------------------
step "end2end node packages (npm ci)"
lock=end2end/package-lock.json
installed=end2end/node_modules/.package-lock.json
if [ -f "$installed" ] && ! [ "$lock" -nt "$installed" ]; then
  skip "node_modules up to date with package-lock.json"
else
  doing "installing from $lock"
  (cd end2end && npm ci --no-audit --no-fund)
fi
if ! end2end/node_modules/.bin/wasm-opt --version >/dev/null 2>&1; then
  echo "error: end2end/node_modules/.bin/wasm-opt does not run (binaryen devDependency missing?)" >&2
  exit 1
fi
skip "$(end2end/node_modules/.bin/wasm-opt --version), Playwright $(cd end2end && node -p 'require("@playwright/test/package.json").version')"

step "Toolchain ready"
