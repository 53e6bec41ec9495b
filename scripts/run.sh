#!/usr/bin/env bash
# Starts the assistant under its supervisor (bot/supervisor.py): the tables first, then the
# Rasa server (REST channel), the action server, the delivery worker, the draft purge and the
# push sender; a process that dies is logged and restarted; Ctrl-C stops them all.
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

if [ "$MODE" = shell ]; then
  exec "$PY" -m bot.supervisor "$MODEL" --shell
else
  exec "$PY" -m bot.supervisor "$MODEL"
fi
