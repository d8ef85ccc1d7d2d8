# Shared by start.sh, stop.sh, check-servers.sh and test-detect.sh: paths, ports, process helpers.
# shellcheck shell=bash
servers_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$servers_dir/../.." && pwd)"
run_dir="$servers_dir/run"
# shellcheck source=ports.env
source "$servers_dir/ports.env"

ALL_SERVERS=(hub6 hub52 lab binder binder-prefix binder-service git faults)

is_server() {
  local s
  for s in "${ALL_SERVERS[@]}"; do [ "$s" = "$1" ] && return 0; done
  return 1
}

# The URLs that must answer 200 before a server counts as up.
ready_urls() {
  case "$1" in
    hub6) echo "${HUB6_URL}hub/api/ ${HUB6_SERVICE_URL}versions" ;;
    hub52) echo "${HUB52_URL}hub/api/ ${HUB52_SERVICE_URL}versions" ;;
    lab) echo "${LAB_URL}api" ;;
    binder) echo "${BINDER_URL}versions" ;;
    binder-prefix) echo "${BINDER_PREFIX_URL}versions" ;;
    binder-service) echo "${BINDER_SERVICE_URL}versions" ;;
    git) echo "${GIT_URL}demo-book/info/refs?service=git-upload-pack ${GIT_URL}demo-env/info/refs?service=git-upload-pack" ;;
    faults) echo "$FAULTS_URL" ;;
  esac
}

server_port() {
  case "$1" in
    hub6) echo "$HUB6_PORT" ;;
    hub52) echo "$HUB52_PORT" ;;
    lab) echo "$LAB_PORT" ;;
    binder) echo "$BINDER_PORT" ;;
    binder-prefix) echo "$BINDER_PREFIX_PORT" ;;
    binder-service) echo "$BINDER_SERVICE_PORT" ;;
    git) echo "$GIT_PORT" ;;
    faults) echo "$FAULTS_PORT" ;;
  esac
}

# Field 22 of /proc/PID/stat: the start time in clock ticks since boot. A PID plus its start
# time names one process for good, so a recycled PID is never signalled by mistake.
proc_start() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  # the command name (field 2) may hold spaces: cut after its closing parenthesis
  stat="${stat##*) }"
  # shellcheck disable=SC2086
  set -- $stat
  echo "${20}"
}

# Alive and not a zombie.
pid_alive() {
  local state
  state="$(sed -n 's/^State:\s*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)" || return 1
  [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# "PID STARTTIME" when the recorded process of server $1 is alive, else nothing (status 1).
recorded_process() {
  local pid start
  pid="$(cat "$run_dir/$1.pid" 2>/dev/null)" || return 1
  start="$(cat "$run_dir/$1.pidstart" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  [ "$(proc_start "$pid")" = "$start" ] || return 1
  echo "$pid $start"
}

server_running() { recorded_process "$1" >/dev/null; }

# Every descendant of PID (children first found, breadth-first), one per line.
descendants() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2; pids[NR] = $1 }
    END {
      want[root] = 1; changed = 1
      while (changed) {
        changed = 0
        for (i in pids) { p = pids[i]; if (!(p in want) && (parent[p] in want)) { want[p] = 1; changed = 1; print p } }
      }
    }'
}

# 0 when something accepts connections on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# 0 when every ready URL of server $1 answers 200.
answers() {
  local url
  for url in $(ready_urls "$1"); do
    curl -sf -o /dev/null --max-time 3 "$url" || return 1
  done
}

# Seconds since a `date +%s.%N` stamp, one decimal.
elapsed() { awk -v t0="$1" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.1f", t1 - t0 }'; }
