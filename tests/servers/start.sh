#!/usr/bin/env bash
# Start the test servers on 127.0.0.1 (ports in ports.env) and wait until each answers.
#   tests/servers/start.sh [--record FILE] [NAME...]
# NAME: hub6 hub52 lab binder binder-prefix binder-service git faults (default: all of them).
# A server already up (recorded PID alive and answering) is left alone. --record FILE appends the
# names this call actually started, so a caller can stop exactly those (see check-servers.sh).
# Each server runs in its own session; PID in run/NAME.pid, log in run/NAME.log.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

record=""
names=()
while [ $# -gt 0 ]; do
  case "$1" in
    --record) record="$2"; shift 2 ;;
    -h|--help) sed -n '2,7s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) is_server "$1" || { echo "start.sh: unknown server '$1' (known: ${ALL_SERVERS[*]})" >&2; exit 2; }
       names+=("$1"); shift ;;
  esac
done
[ ${#names[@]} -gt 0 ] || names=("${ALL_SERVERS[@]}")
timeout_s="${BYOB_SERVER_TIMEOUT:-60}"
mkdir -p "$run_dir"

# The Python environments: build what is missing (a no-op when the stamps match).
need=()
for name in "${names[@]}"; do
  case "$name" in hub6|lab) need+=(hub6) ;; hub52) need+=(hub52) ;; esac
done
if [ ${#need[@]} -gt 0 ]; then
  # shellcheck disable=SC2046
  "$servers_dir/setup.sh" $(printf '%s\n' "${need[@]}" | sort -u)
fi

launch() {
  local name="$1"
  local dir="$run_dir/$name"
  local venv="$repo_root/.venv"
  local -a cmd env_vars
  mkdir -p "$dir"
  case "$name" in
    hub6|hub52)
      local upper="${name^^}"
      local port_var="${upper}_PORT" api_var="${upper}_API_PORT" proxy_var="${upper}_PROXY_API_PORT"
      env_vars=(
        "BYOB_HUB_NAME=$name"
        "BYOB_HUB_PORT=${!port_var}"
        "BYOB_HUB_API_PORT=${!api_var}"
        "BYOB_PROXY_API_PORT=${!proxy_var}"
        "BYOB_HUB_PASSWORD=$HUB_PASSWORD"
        "BYOB_SERVERS_DIR=$servers_dir"
        "PATH=$venv/$name/bin:$PATH"
      )
      # hub6: the API-only BinderHub as its service; hub52: a full BinderHub as its service
      local service_var="${upper}_SERVICE_PORT" mode=api-only
      if [ "$name" = hub52 ]; then mode=full; fi
      env_vars+=("BYOB_BINDER_SERVICE_PORT=${!service_var}" "BYOB_BINDER_SERVICE_MODE=$mode")
      cmd=("$venv/$name/bin/jupyterhub" -f "$servers_dir/jupyterhub_config.py")
      ;;
    lab)
      mkdir -p "$dir/home"
      env_vars=(
        "JUPYTER_CONFIG_DIR=$dir/config"
        "JUPYTER_RUNTIME_DIR=$dir/runtime"
        "PATH=$venv/hub6/bin:$PATH"
      )
      cmd=("$venv/hub6/bin/jupyter-lab" --no-browser --allow-root
        --ServerApp.ip=127.0.0.1 "--ServerApp.port=$LAB_PORT" --ServerApp.port_retries=0
        "--IdentityProvider.token=$LAB_TOKEN"
        "--ServerApp.root_dir=$dir/home"
        # extension pages (chrome-extension://<id>, moz-extension://<uuid>) may read /api
        "--ServerApp.allow_origin_pat=chrome-extension://.*|moz-extension://.*"
        --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate)
      ;;
    binder|binder-prefix)
      # no JupyterHub behind them: launches go to the stand-in's own fake servers
      local port="$BINDER_PORT" base=/
      if [ "$name" = binder-prefix ]; then port="$BINDER_PREFIX_PORT" base=/binder/; fi
      env_vars=()
      cmd=(python3 "$servers_dir/binderhub_standin.py" --port "$port" --base "$base" --log "$dir/launches.jsonl"
        --servers-log "$dir/servers.jsonl" --images "$dir/images")
      ;;
    binder-service)
      # the binderhub-service shape whose JupyterHub is gone (nothing listens at UNUSED_URL):
      # its health says 503
      env_vars=()
      cmd=(python3 "$servers_dir/binderhub_standin.py" --port "$BINDER_SERVICE_PORT" --base /services/binder/ --api-only
        --hub-url "$UNUSED_URL" --images "$dir/images")
      ;;
    faults)
      env_vars=()
      cmd=(python3 "$servers_dir/faults.py" --run-dir "$dir")
      ;;
    git)
      # recreates run/git/demo-book and run/git/demo-env (same commit IDs every time), then serves them
      env_vars=()
      cmd=(python3 "$servers_dir/git_server.py" --port "$GIT_PORT" --root "$dir" --init)
      ;;
  esac
  echo "=== $(date '+%F %T') start.sh: ${cmd[*]}" >"$run_dir/$name.log"
  # setsid: a session (and process group) of its own, so nothing of ours signals it by accident
  # and stop.sh can find the whole tree from this one PID. stdin from /dev/null: CI has none.
  (cd "$dir" && exec env ${env_vars[@]+"${env_vars[@]}"} setsid "${cmd[@]}" >>"$run_dir/$name.log" 2>&1 </dev/null) &
  local pid=$!
  echo "$pid" >"$run_dir/$name.pid"
  proc_start "$pid" >"$run_dir/$name.pidstart" || true
}

fail() {
  local name="$1" why="$2" log="${3:-yes}"
  echo "start.sh: $name: $why" >&2
  if [ "$log" = yes ] && [ -f "$run_dir/$name.log" ]; then
    echo "--- last 40 lines of $run_dir/$name.log" >&2
    tail -n 40 "$run_dir/$name.log" >&2
    echo "---" >&2
  fi
}

t0=$(date +%s.%N)
started=()
waiting=()
for name in "${names[@]}"; do
  if server_running "$name"; then
    waiting+=("$name")  # ours and alive: it only has to answer (it may still be starting)
    continue
  fi
  if [ -f "$run_dir/$name.pid" ]; then
    # it died (or the machine rebooted): stop what it may have left behind, by recorded PIDs
    "$servers_dir/stop.sh" "$name"
  fi
  port="$(server_port "$name")"
  if port_busy "$port"; then
    # Its log is from an earlier run, not about this failure: do not show it.
    fail "$name" "port $port is taken by a process that start.sh did not record (another checkout, or a server started by hand); stop it first" no
    exit 1
  fi
  launch "$name"
  started+=("$name")
  waiting+=("$name")
  if [ -n "$record" ]; then echo "$name" >>"$record"; fi
done

# Wait for all of them together (they start in parallel).
status=0
deadline=$((SECONDS + timeout_s))
pending=("${waiting[@]}")
while [ ${#pending[@]} -gt 0 ]; do
  still=()
  for name in "${pending[@]}"; do
    if ! server_running "$name"; then
      fail "$name" "exited while starting"
      status=1
    elif answers "$name"; then
      if [[ " ${started[*]-} " == *" $name "* ]]; then
        printf 'start.sh: %-14s up    pid %-7s %s (%.1f s)\n' "$name" "$(cat "$run_dir/$name.pid")" "$(ready_urls "$name" | cut -d' ' -f1)" "$(elapsed "$t0")"
      else
        printf 'start.sh: %-14s was already up (pid %s)\n' "$name" "$(cat "$run_dir/$name.pid")"
      fi
    elif [ $SECONDS -ge $deadline ]; then
      fail "$name" "no answer from $(ready_urls "$name") within ${timeout_s} s"
      status=1
    else
      still+=("$name")
    fi
  done
  pending=(${still[@]+"${still[@]}"})
  [ ${#pending[@]} -eq 0 ] || sleep 0.2
done
exit $status
