#!/bin/sh
# Start the test servers: tests/servers/servers.py start [--record FILE] [NAME...] (see there).
exec python3 "$(dirname "$0")/servers.py" start "$@"
