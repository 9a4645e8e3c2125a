#!/usr/bin/env bash
# The live feed latency benchmark (SPEC §9: commit to browser, p50/p99, at a steady 1,000
# events/s): end2end/bench/latency.bench.ts, Playwright project `bench`, on a release build.
# Works from any directory. Prints the figures; exits non-zero if an event never reached the page.
#
#   scripts/bench-live.sh                      build the release site if needed, then measure
#   BENCH_PROFILE=debug scripts/bench-live.sh  measure the debug build instead (`cargo leptos build`)
#   BENCH_SKIP_BUILD=1 scripts/bench-live.sh   use the binary and site already in target/
#
# Passed through to the benchmark: BENCH_RATE (1000), BENCH_SECONDS (20), BENCH_ROWS (the feed's
# rows= bound; default none = 200), BENCH_SAMPLE (5: read received_us back for every 5th row),
# E2E_PORT (3190 here, so it does not collide with the test suite's 3117). Extra arguments go to
# `playwright test`.
#
# Both builds write their site to target/site, and other runs in this tree may rebuild it at any
# time, so the binary and site are copied to a private directory right after the build and served
# from there (LEPTOS_SITE_ROOT): what is measured is exactly what was built.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=env.sh
source scripts/env.sh

PROFILE=${BENCH_PROFILE:-release}
case "$PROFILE" in
  release) BUILD=(cargo leptos build --release) ;;
  debug) BUILD=(cargo leptos build) ;;
  *) echo "BENCH_PROFILE must be release or debug, not $PROFILE" >&2; exit 2 ;;
esac
BIN=$ROOT/target/$PROFILE/stacktach

if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  echo "==> ${BUILD[*]}"
  "${BUILD[@]}"
fi
if [ ! -x "$BIN" ] || [ ! -d "$ROOT/target/site/pkg" ]; then
  echo "No $PROFILE build: $BIN or target/site/pkg is missing (run without BENCH_SKIP_BUILD)." >&2
  exit 1
fi

SNAPSHOT=$(mktemp -d "${TMPDIR:-/tmp}/stacktach-bench-XXXXXX")
trap 'rm -rf "$SNAPSHOT"' EXIT
cp "$BIN" "$SNAPSHOT/stacktach"
cp -r "$ROOT/target/site" "$SNAPSHOT/site"
echo "==> Serving $PROFILE build: $BIN ($(stat -c %y "$BIN" | cut -d. -f1)), site wasm $(du -h "$SNAPSHOT"/site/pkg/*.wasm | cut -f1 | paste -sd' ')"

cd end2end
# Node 20 has WebSocket behind a flag; the benchmark's own subscriber needs it (Node 22: built in).
if ! node -e 'process.exit(typeof WebSocket === "undefined" ? 1 : 0)'; then
  export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-websocket"
fi
E2E_PORT=${E2E_PORT:-3190} \
  E2E_SERVER_BIN="$SNAPSHOT/stacktach" \
  LEPTOS_SITE_ROOT="$SNAPSHOT/site" \
  BENCH_BUILD="$PROFILE" \
  npx playwright test --project=bench "$@"
