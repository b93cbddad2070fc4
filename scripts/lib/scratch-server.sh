# Sourced by scripts that need a running server: builds the release binary, seeds the demo
# event into a fresh SQLite file in a temporary directory, serves it on a free port and signs
# the demo organiser in for an API token. Sets BASE, TOKEN, EVENT_ID, SCRATCH, SERVER_PID and
# stops the server on exit.

scratch_server_start() {
  cargo build --release --quiet
  SCRATCH="$(mktemp -d)"
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  BASE="http://127.0.0.1:${port}"
  export MATCHTOUR_CONFIG=/dev/null
  export MATCHTOUR__DATABASE__URL="sqlite://${SCRATCH}/matchtour.sqlite3"
  export MATCHTOUR__MAIL__FILE_DIR="${SCRATCH}/mail"
  export MATCHTOUR__SERVER__PORT="${port}"
  export MATCHTOUR__SERVER__PUBLIC_URL="${BASE}"
  export RUST_LOG="${RUST_LOG:-warn}"
  target/release/matchtour demo --no-serve >"${SCRATCH}/demo.txt"
  EVENT_ID="$(sed -n 's/^Demo event \([0-9]*\) .*/\1/p' "${SCRATCH}/demo.txt")"
  local email password
  read -r email password < <(sed -n 's/^ *sign in as \(.*\) with password \(.*\)$/\1 \2/p' "${SCRATCH}/demo.txt")
  target/release/matchtour serve >"${SCRATCH}/server.log" 2>&1 &
  SERVER_PID=$!
  trap 'kill "${SERVER_PID}" 2>/dev/null; wait "${SERVER_PID}" 2>/dev/null; rm -rf "${SCRATCH}"' EXIT
  for _ in $(seq 1 100); do
    curl -fsS "${BASE}/ready" >/dev/null 2>&1 && break
    sleep 0.1
  done
  local jar="${SCRATCH}/cookies"
  local csrf
  csrf="$(curl -fsS -c "${jar}" -H 'Content-Type: application/json' \
    -d "{\"email\":\"${email}\",\"password\":\"${password}\"}" "${BASE}/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')"
  TOKEN="$(curl -fsS -b "${jar}" -H "X-CSRF-Token: ${csrf}" -H 'Content-Type: application/json' \
    -d '{"name":"scratch"}' "${BASE}/api/v1/auth/tokens" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
  export BASE TOKEN EVENT_ID SCRATCH SERVER_PID
}
