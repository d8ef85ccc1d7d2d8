#!/usr/bin/env bash
# Stop test servers that start.sh started: only the processes it recorded and their descendants
# (never a search by name).
#   tests/servers/stop.sh [NAME...]      (default: every server with a PID file)
# A hub gets SIGTERM and stops its single-user servers, its service and its proxy itself; then
# whatever is left of the process tree seen before the signal, plus the PIDs the hub's processes
# recorded (run/NAME/proxy.pid, run/NAME/binder-service.pid, the spawners' state in the hub's
# database), gets SIGTERM
# and, 5 s later, SIGKILL. Each PID is checked against its start time before any signal.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for name in "${ALL_SERVERS[@]}"; do
    [ -f "$run_dir/$name.pid" ] && names+=("$name")
  done
fi

# "PID STARTTIME" of the processes a hub recorded itself, still alive and still ours: the proxy,
# the binder service (hub6) and the single-user servers (they run in sessions of their own, so after a crash of the hub
# they are no longer its descendants).
hub_recorded() {
  local name="$1" dir="$run_dir/$1" pid
  {
    cat "$dir/proxy.pid" 2>/dev/null || true
    echo
    cat "$dir/binder-service.pid" 2>/dev/null || true
    echo
    if [ -f "$dir/jupyterhub.sqlite" ]; then
      python3 - "$dir/jupyterhub.sqlite" <<'EOF' 2>/dev/null || true
import json, sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
for (state,) in db.execute("select state from spawners"):
    if isinstance(state, (str, bytes)):
        state = json.loads(state)
    if state and state.get("pid"):
        print(state["pid"])
EOF
    fi
  } | while read -r pid; do
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    pid_alive "$pid" || continue
    # only processes of this checkout's environments (the hub's venv, the proxy's): a recycled
    # PID is someone else's
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE "$repo_root/\.venv/($name|proxy)/" || continue
    echo "$pid $(proc_start "$pid")"
  done
}

# Signal every "PID STARTTIME" line of $2 that is still that process.
signal_all() {
  local sig="$1" list="$2" pid start
  while read -r pid start; do
    [ -n "$pid" ] || continue
    if pid_alive "$pid" && [ "$(proc_start "$pid")" = "$start" ]; then
      kill "-$sig" "$pid" 2>/dev/null || true
    fi
  done <<<"$list"
}

any_alive() {
  local pid start
  while read -r pid start; do
    [ -n "$pid" ] || continue
    if pid_alive "$pid" && [ "$(proc_start "$pid")" = "$start" ]; then return 0; fi
  done <<<"$1"
  return 1
}

wait_gone() {  # wait_gone LIST SECONDS
  local deadline=$((SECONDS + $2))
  while any_alive "$1"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

stop_one() {
  local name="$1" leader tree="" pid extra=""
  if ! leader="$(recorded_process "$name")"; then
    rm -f "$run_dir/$name.pid" "$run_dir/$name.pidstart"
    case "$name" in hub6|hub52) extra="$(hub_recorded "$name")" ;; esac
    if [ -n "$extra" ]; then
      echo "stop.sh: $name: hub gone, stopping what it left: $(echo "$extra" | cut -d' ' -f1 | tr '\n' ' ')"
      signal_all TERM "$extra"
      wait_gone "$extra" 5 || signal_all KILL "$extra"
    else
      echo "stop.sh: $name: not running"
    fi
    return 0
  fi
  local t0
  t0=$(date +%s.%N)
  # the tree as it is now: after the signal, orphans are reparented and cannot be found
  for pid in $(descendants "${leader%% *}"); do
    tree+="$pid $(proc_start "$pid" || echo gone)"$'\n'
  done
  case "$name" in hub6|hub52) tree+="$(hub_recorded "$name")"$'\n' ;; esac
  # the leader's process group (its session: setsid in start.sh) gets SIGTERM
  kill -TERM -- "-${leader%% *}" 2>/dev/null || kill -TERM "${leader%% *}" 2>/dev/null || true
  if ! wait_gone "$leader" 20; then
    echo "stop.sh: $name: pid ${leader%% *} ignored SIGTERM for 20 s: SIGKILL" >&2
    signal_all KILL "$leader"
  fi
  if any_alive "$tree"; then
    signal_all TERM "$tree"
    wait_gone "$tree" 5 || signal_all KILL "$tree"
  fi
  rm -f "$run_dir/$name.pid" "$run_dir/$name.pidstart"
  printf 'stop.sh: %-14s stopped (%s s)\n' "$name" "$(elapsed "$t0")"
}

# In parallel: a hub takes about a second to stop its servers and its proxy.
for name in ${names[@]+"${names[@]}"}; do
  is_server "$name" || { echo "stop.sh: unknown server '$name' (known: ${ALL_SERVERS[*]})" >&2; exit 2; }
  stop_one "$name" &
done
wait
