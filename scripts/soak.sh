#!/usr/bin/env bash
# The region soak (issue: production envelope): SOAK_MINUTES (30) at SOAK_RATE (1000)
# notifications/s through RabbitMQ into two `stacktach worker` processes competing on the same
# durable queues and one `stacktach serve --no-consumers` web node, all on one fresh database
# (PostgreSQL by default; SOAK_DATABASE=mysql or sqlite for the others), with a live feed open on
# the web node's websocket the whole time. It prints every process's RSS each minute (start to
# end), then checks published = stored (no loss, no
# duplicate) and that the live feed saw every stored row.
#
#   scripts/soak.sh                       build the release binary if needed, then soak
#   SOAK_SKIP_BUILD=1 scripts/soak.sh     use target/release/stacktach as it is
#   SOAK_MINUTES=2 scripts/soak.sh        a short run (the curve then has fewer points)
#
# Talks to loopback only: RabbitMQ at 127.0.0.1:5672 (guest/guest, a vhost of its own, deleted
# at the end), PostgreSQL/MariaDB at 127.0.0.1 (a database of its own, dropped at the end).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
# shellcheck source=env.sh
source scripts/env.sh

MINUTES=${SOAK_MINUTES:-30}
RATE=${SOAK_RATE:-1000}
DATABASE=${SOAK_DATABASE:-postgres}
PORT=${SOAK_PORT:-3290}
BIN=$ROOT/target/release/stacktach
ID=soak_$$_$(date +%s)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/stacktach-soak-XXXXXX")
PIDS=()
VHOST_MADE=
drop_db() { :; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do timeout 20 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true; done
  [ -n "$VHOST_MADE" ] && { rabbitmqctl -q delete_vhost "$ID" || true; }
  drop_db || true
  rm -rf "$WORK"
}
trap cleanup EXIT
command -v node >/dev/null || { echo "soak needs node (the live feed client)" >&2; exit 1; }

if [ -z "${SOAK_SKIP_BUILD:-}" ]; then
  echo "==> cargo build --release -p server --bin stacktach"
  flock /tmp/stacktach-build.lock cargo build --release -p server --bin stacktach
fi
[ -x "$BIN" ] || { echo "No release binary at $BIN" >&2; exit 1; }

case "$DATABASE" in
  postgres)
    drop_db() { psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $ID WITH (FORCE)"; }
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $ID"
    URL="postgres://postgres@127.0.0.1:5432/$ID"
    count_sql() { psql -h 127.0.0.1 -U postgres -d "$ID" -tAc "$1"; } ;;
  mysql)
    drop_db() { mariadb -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS $ID"; }
    mariadb -h 127.0.0.1 -u root -e "CREATE DATABASE $ID"
    URL="mysql://root@127.0.0.1:3306/$ID"
    count_sql() { mariadb -h 127.0.0.1 -u root -N -D "$ID" -e "$1"; } ;;
  sqlite)
    URL="sqlite://$WORK/soak.db"
    count_sql() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "$WORK/soak.db" "$1"; } ;;
  *) echo "SOAK_DATABASE must be postgres, mysql or sqlite" >&2; exit 2 ;;
esac

rabbitmqctl -q add_vhost "$ID"
VHOST_MADE=1
rabbitmqctl -q set_permissions -p "$ID" guest '.*' '.*' '.*'

cat >"$WORK/deployments.json" <<EOF
{"deployments": [{"name": "soak", "rabbit_host": "127.0.0.1", "rabbit_port": 5672,
  "rabbit_userid": "guest", "rabbit_password": "guest", "rabbit_virtual_host": "$ID",
  "durable_queue": true,
  "topics": {"nova": [{"queue": "monitor.info", "routing_key": "monitor.info"},
                      {"queue": "monitor.error", "routing_key": "monitor.error"}],
             "glance": [{"queue": "monitor_glance.info", "routing_key": "monitor_glance.info"},
                        {"queue": "monitor_glance.error", "routing_key": "monitor_glance.error"}]}}]}
EOF

export RUST_LOG=${RUST_LOG:-warn}
"$BIN" migrate --database-url "$URL" >/dev/null
start() { # name, then the command
  local name=$1; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  echo "$name $!" >>"$WORK/processes"
}
start web "$BIN" serve --no-consumers --listen "127.0.0.1:$PORT" --database-url "$URL" \
  --deployments "$WORK/deployments.json"
start worker-1 "$BIN" worker --listen 127.0.0.1:$((PORT + 1)) --database-url "$URL" \
  --deployments "$WORK/deployments.json"
start worker-2 "$BIN" worker --listen 127.0.0.1:$((PORT + 2)) --database-url "$URL" \
  --deployments "$WORK/deployments.json"
for p in "$PORT" $((PORT + 1)) $((PORT + 2)); do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf "http://127.0.0.1:$p/healthz" >/dev/null || { echo "process on :$p never became ready" >&2; tail "$WORK"/*.log >&2; exit 1; }
done

# The live feed: a websocket client on the web node counting the distinct rows it receives,
# from the first event on (`after=0`: it may connect after the first commits).
if ! node -e 'process.exit(typeof WebSocket === "undefined" ? 1 : 0)'; then
  export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--experimental-websocket"
fi
cat >"$WORK/feed.mjs" <<'EOF'
import { writeFileSync } from "node:fs";
const [url, out] = process.argv.slice(2);
const ids = new Set();
let messages = 0;
let gaps = 0;
const ws = new WebSocket(url);
ws.onmessage = (m) => {
  messages += 1;
  const msg = JSON.parse(m.data);
  for (const row of msg.rows ?? []) ids.add(row.id);
  if (msg.type !== "rows") gaps += 1;
};
ws.onerror = (e) => { console.error("feed error", e.message ?? e); process.exit(1); };
const save = () => writeFileSync(out, JSON.stringify({ distinct: ids.size, messages, gaps }));
setInterval(save, 1000);
process.on("SIGTERM", () => { save(); process.exit(0); });
EOF
start feed node "$WORK/feed.mjs" "ws://127.0.0.1:$PORT/live/ws?after=0" "$WORK/feed.json"

COUNT=$((MINUTES * 60 * RATE))
echo "==> soak: $MINUTES min at $RATE/s ($COUNT notifications), database $DATABASE, work dir $WORK"
start publisher "$BIN" simulate --deployments "$WORK/deployments.json" --rate "$RATE" \
  --count "$COUNT" --seed 7 --time-scale 0.01

rss() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo -; }
printf '%-7s' min; while read -r name _; do printf '%12s' "$name"; done <"$WORK/processes"; echo "   (RSS MB)"
for minute in $(seq 0 "$MINUTES"); do
  printf '%-7s' "$minute"
  while read -r _ pid; do printf '%12s' "$(rss "$pid")"; done <"$WORK/processes"
  echo
  [ "$minute" -lt "$MINUTES" ] && sleep 60
done

# Published = stored: wait for the queues to drain, then compare.
publisher_pid=$(awk '$1 == "publisher" {print $2}' "$WORK/processes")
wait "$publisher_pid" || { echo "the publisher failed:" >&2; tail "$WORK/publisher.log" >&2; exit 1; }
stored=0
for _ in $(seq 120); do
  stored=$(count_sql "SELECT COUNT(*) FROM raw_events" | tr -d ' ')
  quarantined=$(count_sql "SELECT COUNT(*) FROM quarantine" | tr -d ' ')
  [ "$((stored + quarantined))" -ge "$COUNT" ] && break
  sleep 1
done
distinct=$(count_sql "SELECT COUNT(DISTINCT dedupe_key) FROM raw_events" | tr -d ' ')
fed=0
for _ in $(seq 30); do # the feed client saves every second
  fed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["distinct"])' "$WORK/feed.json" 2>/dev/null || echo 0)
  [ "$fed" -ge "$stored" ] && break
  sleep 1
done
echo "published $COUNT, stored $stored (+$quarantined quarantined), distinct $distinct, live feed $(cat "$WORK/feed.json" 2>/dev/null)"
for name in worker-1 worker-2 web; do
  if grep -qi 'panic\|error' "$WORK/$name.log"; then
    echo "--- $name log (errors):"; grep -i 'panic\|error' "$WORK/$name.log" | head -5
  fi
done
# Published = stored exactly: as many rows as notifications, each message id once (the dedupe
# index is per timestamp, so a duplicate with another timestamp would show here).
[ "$((stored + quarantined))" -eq "$COUNT" ] && [ "$distinct" -eq "$stored" ] \
  || { echo "SOAK FAILED: published != stored" >&2; exit 1; }
[ "$fed" -eq "$stored" ] || { echo "SOAK FAILED: the live feed saw $fed of $stored rows" >&2; exit 1; }
echo "soak passed"
