# Embedded defaults for `make run`, `make shell` and the tests: SQLite under var/, in-memory
# locks, local action server. Anything already set in the environment (or .env) wins.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -f "$ROOT/.env" ]; then set -a; . "$ROOT/.env"; set +a; fi
export PREVENT_VAR_DIR="${PREVENT_VAR_DIR:-$ROOT/var}"
export ACTION_SERVER_PORT="${ACTION_SERVER_PORT:-5055}"
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_SERVER_URL="${ACTION_SERVER_URL:-http://127.0.0.1:${ACTION_SERVER_PORT}/webhook}"
export TRACKER_DB_DIALECT="${TRACKER_DB_DIALECT:-sqlite}"
export TRACKER_DB="${TRACKER_DB:-$PREVENT_VAR_DIR/tracker.db}"
export TRACKER_DB_HOST="${TRACKER_DB_HOST:-}"
export TRACKER_DB_USER="${TRACKER_DB_USER:-}"
export TRACKER_DB_PASSWORD="${TRACKER_DB_PASSWORD:-}"
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$PREVENT_VAR_DIR"
