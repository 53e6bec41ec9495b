#!/usr/bin/env bash
# Prints the path of a working Python 3.10 (Rasa 3.6 needs it; the default python3 is newer).
# Order: $PYTHON310, pyenv's 3.10.x, python3.10 on PATH. Fails with a clear message.
set -u
try() { [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { echo "$1"; exit 0; }; }
try "${PYTHON310:-}"
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for candidate in $(ls -d "$root"/versions/3.10.* 2>/dev/null | sort -V -r); do
    try "$candidate/bin/python"
  done
fi
try "$(command -v python3.10 2>/dev/null)"
echo "error: Python 3.10 not found. Rasa 3.6 needs Python 3.10 (not 3.11+)." >&2
echo "Install it (e.g. 'pyenv install 3.10.13') or set PYTHON310=/path/to/python3.10." >&2
exit 1
