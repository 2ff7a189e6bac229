#!/usr/bin/env bash
# Serves the portal on http://127.0.0.1:8000 with a background task worker beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
python=.venv/bin/python
host_port="${OMNIBUS_ADDRESS:-127.0.0.1:8000}"

$python manage.py db_worker --queue-name "*" &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM

echo
echo "Omnibus is starting on http://$host_port/ (task worker pid $worker). Stop with Ctrl+C."
$python manage.py runserver "$host_port"
