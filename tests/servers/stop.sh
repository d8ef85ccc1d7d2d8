#!/bin/sh
# Stop the test servers start.sh started: tests/servers/servers.py stop [NAME...] (see there).
exec python3 "$(dirname "$0")/servers.py" stop "$@"
