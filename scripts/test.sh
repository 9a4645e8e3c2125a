#!/usr/bin/env bash
# THE test command (the README and .ci/run call it). Works from any directory.
#
# Steps, each timed: toolchain setup, rustfmt, the server's layout rules (scripts/check-layout.py),
# clippy (host and wasm), the wasm dependency guard, `cargo leptos build`, a MariaDB readiness
# check, `cargo test` (against the local RabbitMQ, PostgreSQL and MariaDB), and Playwright
# (SSR-only and hydrated projects, against the freshly built debug server).
# Exits non-zero at the first failing step, after printing the timings so far.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Crates that must never reach the wasm bundle (the server side of `frontend → app ← server`).
FORBIDDEN_WASM_CRATES=(sqlx lapin axum hyper mio)

now_ms() {
  local t=${EPOCHREALTIME/[.,]/}
  echo $((t / 1000))
}
fmt_ms() {
  local ms=$1
  if ((ms >= 60000)); then
    printf '%dm%02d.%01ds' $((ms / 60000)) $((ms % 60000 / 1000)) $((ms % 1000 / 100))
  else
    printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100))
  fi
}

RUN_START=$(now_ms)
SUMMARY=()

print_summary() {
  local status=$?
  printf '\n==> Summary\n'
  local line
  for line in "${SUMMARY[@]}"; do
    printf '    %s\n' "$line"
  done
  local total=$(($(now_ms) - RUN_START))
  if [ "$status" -eq 0 ]; then
    printf 'All checks passed in %s\n' "$(fmt_ms "$total")"
  else
    printf 'FAILED (exit %d) after %s\n' "$status" "$(fmt_ms "$total")" >&2
  fi
}
trap print_summary EXIT

# run_step NAME COMMAND...: runs one step, records its duration, and stops the run if it fails.
run_step() {
  local name=$1
  shift
  printf '\n==> %s\n    $ %s\n' "$name" "$*"
  local start rc=0
  start=$(now_ms)
  "$@" || rc=$?
  local took
  took=$(fmt_ms $(($(now_ms) - start)))
  if [ "$rc" -ne 0 ]; then
    SUMMARY+=("$(printf '%-8s %-26s %s' FAIL "$name" "$took")")
    printf '==> %s FAILED (exit %d) after %s\n' "$name" "$rc" "$took" >&2
    exit "$rc"
  fi
  SUMMARY+=("$(printf '%-8s %-26s %s' ok "$name" "$took")")
  printf '==> %s: ok in %s\n' "$name" "$took"
}

# The wasm bundle must not depend on server-side crates.
wasm_dependency_guard() {
  local tree
  tree=$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none) || return $?
  local found=() crate
  for crate in "${FORBIDDEN_WASM_CRATES[@]}"; do
    if grep -qE "^${crate} v" <<<"$tree"; then
      found+=("$crate")
    fi
  done
  if [ "${#found[@]}" -ne 0 ]; then
    echo "error: the wasm front end (frontend, wasm32-unknown-unknown) depends on server-only crate(s): ${found[*]}" >&2
    for crate in "${found[@]}"; do
      echo "--- how '$crate' gets in (cargo tree -p frontend --target wasm32-unknown-unknown -e normal -i $crate):" >&2
      cargo tree -p frontend --target wasm32-unknown-unknown -e normal -i "$crate" >&2 || true
    done
    echo "Keep server-only code behind app's \`ssr\` feature or in the server crate." >&2
    return 1
  fi
  echo "    none of ${FORBIDDEN_WASM_CRATES[*]} in the wasm dependency tree"
}

# The integration tests' mariadb_* cases need a MySQL/MariaDB server: the local MariaDB (root
# without a password at 127.0.0.1:3306) or STACKTACH_TEST_MYSQL_URL (mysql://user[:pw]@host:port).
mariadb_ready() {
  local url=${STACKTACH_TEST_MYSQL_URL:-mysql://root@127.0.0.1:3306}
  local authority=${url#*://}
  authority=${authority%%[/?]*}
  local userinfo=root hostport=$authority
  if [[ $authority == *@* ]]; then
    userinfo=${authority%@*}
    hostport=${authority##*@}
  fi
  local user=${userinfo%%:*} password_env=()
  if [[ $userinfo == *:* ]]; then
    password_env=("MYSQL_PWD=${userinfo#*:}")
  fi
  local host=${hostport%%:*} port=3306
  if [[ $hostport == *:* ]]; then
    port=${hostport##*:}
  fi
  # A query, not `mysqladmin ping`: ping succeeds even when the user is refused.
  local answer
  if answer=$(env "${password_env[@]}" mysql --protocol=TCP -h "$host" -P "$port" -u "$user" \
    --connect-timeout=5 -N -e 'SELECT VERSION()' 2>&1); then
    echo "    $answer answers at $host:$port (user $user)"
  else
    echo "$answer" >&2
    echo "error: no MariaDB/MySQL lets user $user in at $host:$port; the integration tests need it." >&2
    echo "Start the local MariaDB (e.g. 'service mariadb start'), or point STACKTACH_TEST_MYSQL_URL" >&2
    echo "(mysql://user:password@host:port) at a server where that user may create databases." >&2
    return 1
  fi
}

run_step "setup" bash scripts/setup.sh

# Same RUSTFLAGS/LEPTOS_* as cargo-leptos' debug build, so test and clippy reuse its artifacts.
# shellcheck source=scripts/env.sh
source scripts/env.sh

run_step "rustfmt" cargo fmt --all --check
run_step "layout (cycles, sizes)" python3 scripts/check-layout.py server/src
run_step "clippy (server, app)" cargo clippy -p server -p app --all-targets -- -D warnings
run_step "clippy (frontend, wasm)" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
run_step "wasm dependency guard" wasm_dependency_guard
run_step "cargo leptos build" cargo leptos build
run_step "MariaDB ready" mariadb_ready
run_step "cargo test" cargo test -p server -p app
run_step "playwright" bash -c 'cd end2end && npx playwright test'
