#!/usr/bin/env bash
# Starts the action server and the Rasa server (REST channel) together; Ctrl-C stops both.
# Usage: scripts/run.sh MODEL [shell]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/env.sh"
cd "$ROOT"
MODEL=$1
MODE=${2:-run}
PY="$ROOT/.venv/bin/python"

# The secret every call from Rasa to the action server carries (generated in var/keys/).
PREVENT_ACTION_SERVER_TOKEN="${PREVENT_ACTION_SERVER_TOKEN:-$("$PY" -m bot.config action-server-token)}"
export PREVENT_ACTION_SERVER_TOKEN
SANIC_HOST="${ACTION_SERVER_INTERFACE:-127.0.0.1}" \
  "$PY" -m rasa_sdk --actions bot.actions --port "$ACTION_SERVER_PORT" &
ACTIONS_PID=$!
"$PY" -m bot.referral.retention --every "${PREVENT_PURGE_EVERY_SECONDS:-3600}" &
PURGE_PID=$!
"$PY" -m bot.delivery.worker --every "${PREVENT_DELIVERY_EVERY_SECONDS:-10}" &
DELIVERY_PID=$!
# News for referrers on channels that can send first (Telegram, Teams); exits if none is set.
"$PY" -m bot.channels.push --every "${PREVENT_PUSH_EVERY_SECONDS:-5}" &
PUSH_PID=$!
stop() {
  trap - INT TERM EXIT
  kill "$ACTIONS_PID" "$PURGE_PID" "$DELIVERY_PID" "$PUSH_PID" 2>/dev/null || true
  [ -n "${RASA_PID:-}" ] && kill "$RASA_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

if [ "$MODE" = shell ]; then
  "$PY" -m rasa shell -m "$MODEL" --endpoints endpoints.yml --interface "${RASA_INTERFACE:-127.0.0.1}"
else
  echo "Starting the assistant (Ctrl-C stops):"
  echo "  REST channel  http://localhost:${RASA_PORT}/webhooks/rest/webhook"
  echo "  web chat      http://localhost:${RASA_PORT}/webhooks/webchat/  (an invite code: make invite CHANNEL=webchat)"
  "$PY" -m rasa run -m "$MODEL" --endpoints endpoints.yml --credentials "${PREVENT_CREDENTIALS:-credentials.yml}" \
    --port "$RASA_PORT" --interface "${RASA_INTERFACE:-127.0.0.1}" &
  RASA_PID=$!
  wait "$RASA_PID"
fi
