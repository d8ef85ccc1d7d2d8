#!/usr/bin/env bash
# `byob detect` against the real servers: what the user may type, and what the CLI must say.
#   tests/servers/test-detect.sh        (or `make test-detect`)
# Starts the servers it needs (reusing any already up), stops those it started, even on failure.
# BYOB=path/to/byob overrides target/release/byob. Prints "N passed, N failed"; exit 1 on failure.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

byob="${BYOB:-$repo_root/target/release/byob}"
passed=0
failed=0
tmp="$(mktemp -d)"
started="$tmp/started"
: >"$started"
cleanup() {
  # shellcheck disable=SC2046
  [ -s "$started" ] && "$servers_dir/stop.sh" $(cat "$started")
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ ! -x "$byob" ]; then
  echo "test-detect: no CLI at $byob (build it with \`make cli\`)"
  echo "0 passed, 1 failed"
  exit 1
fi
if ! "$servers_dir/start.sh" --record "$started"; then
  echo "test-detect: the servers did not start"
  echo "0 passed, 1 failed"
  exit 1
fi

# detect DESCRIPTION INPUT EXIT_STATUS PYTHON_EXPRESSION
# runs `byob detect --json INPUT`; the expression sees the Detection JSON as `d` and ports.env
# as `env`; passes when the exit status and the expression both hold.
detect() {
  local what="$1" input="$2" want_rc="$3" expr="$4" rc
  "$byob" detect --json "$input" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  if [ "$rc" = "$want_rc" ] && python3 - "$tmp/out" "$expr" <<'EOF' 2>"$tmp/py"; then
import json, os, sys
d = json.load(open(sys.argv[1]))
env = os.environ
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
    passed=$((passed + 1))
    echo "ok   $what"
  else
    failed=$((failed + 1))
    echo "FAIL $what"
    echo "     byob detect --json '$input' → exit $rc (want $want_rc); want: $expr"
    sed 's/^/     | /' "$tmp/out" "$tmp/err" "$tmp/py" | head -n 30
  fi
}
launches() { curl -s --max-time 5 "${1}_standin/launches" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }

set -a
source "$servers_dir/ports.env"  # for `env[...]` in the expressions
set +a

echo "--- JupyterHub 6.1.1 (CORS on /hub/api/, BinderHub API-only service at /services/binder/)"
detect "hub6 root → jupyterhub 6.1.1, cors true" "$HUB6_URL" 0 \
  "d['kind'] == 'jupyterhub' and d['version'] == '6.1.1' and d['cors'] is True and d['url'] == env['HUB6_URL'] and d['launchUrl'] == env['HUB6_URL'] and d['known'] is False"
detect "hub6 root: the detection mentions the binder service" "$HUB6_URL" 0 \
  "'services/binder/' in json.dumps(d)"
detect "hub6 typed without a scheme: 127.0.0.1:$HUB6_PORT/hub/home" "127.0.0.1:$HUB6_PORT/hub/home" 0 \
  "d['kind'] == 'jupyterhub' and d['version'] == '6.1.1' and d['url'] == env['HUB6_URL']"
detect "hub6 a user's page: /user/alice/lab" "${HUB6_URL}user/alice/lab" 0 \
  "d['kind'] == 'jupyterhub' and d['version'] == '6.1.1' and d['url'] == env['HUB6_URL']"
detect "hub6 an nbgitpuller link: /hub/user-redirect/git-pull?repo=…" "${HUB6_URL}hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab" 0 \
  "d['kind'] == 'jupyterhub' and d['url'] == env['HUB6_URL']"
detect "hub6 /services/binder/ → binderhub-service, launches go to the hub in front" "$HUB6_SERVICE_URL" 0 \
  "d['kind'] == 'binderhub-service' and d['launchUrl'] == env['HUB6_URL'] and 'JupyterHub' in d['message']"

echo "--- JupyterHub 5.2.1 (no CORS)"
detect "hub52 root → jupyterhub 5.2.1, cors false" "$HUB52_URL" 0 \
  "d['kind'] == 'jupyterhub' and d['version'] == '5.2.1' and d['cors'] is False and d['url'] == env['HUB52_URL'] and d['launchUrl'] == env['HUB52_URL']"
detect "hub52 the login page with a next= query" "${HUB52_URL}hub/login?next=%2Fhub%2Fhome" 0 \
  "d['kind'] == 'jupyterhub' and d['version'] == '5.2.1' and d['url'] == env['HUB52_URL']"
detect "hub52 /services/binder/ (no such service) → the hub itself" "${HUB52_URL}services/binder/" 0 \
  "d['kind'] == 'jupyterhub' and d['version'] == '5.2.1'"

echo "--- plain Jupyter Server (jupyter lab)"
detect "lab root → jupyter-server 2.x" "$LAB_URL" 0 \
  "d['kind'] == 'jupyter-server' and (d['version'] or '').startswith('2.') and d['url'] == env['LAB_URL'] and d['launchUrl'] == env['LAB_URL']"
detect "lab typed as localhost:$LAB_PORT" "localhost:$LAB_PORT" 0 \
  "d['kind'] == 'jupyter-server' and d['url'] == 'http://localhost:%s/' % env['LAB_PORT']"
detect "lab a notebook URL: /lab/tree/x.ipynb" "${LAB_URL}lab/tree/x.ipynb" 0 \
  "d['kind'] == 'jupyter-server' and d['url'] == env['LAB_URL']"

echo "--- BinderHub stand-ins"
detect "binder root → binderhub 0.2.0+1763.gfaafab2" "$BINDER_URL" 0 \
  "d['kind'] == 'binderhub' and d['version'] == '0.2.0+1763.gfaafab2' and d['url'] == env['BINDER_URL'] and d['launchUrl'] == env['BINDER_URL'] and d['known'] is False"
before="$(launches "$BINDER_URL")"
detect "binder a full launch URL: /v2/gh/…?urlpath=…" "${BINDER_URL}v2/gh/binder-examples/requirements/HEAD?urlpath=lab%2Ftree%2Findex.ipynb" 0 \
  "d['kind'] == 'binderhub' and d['url'] == env['BINDER_URL']"
after="$(launches "$BINDER_URL")"
if [ -n "$before" ] && [ "$before" = "$after" ]; then passed=$((passed + 1)); echo "ok   binder detecting a launch URL does not launch it (no v2/ request)"
else failed=$((failed + 1)); echo "FAIL binder detecting a launch URL does not launch it: launches $before → $after"; fi
detect "binder-prefix /binder/ → binderhub at …/binder/" "$BINDER_PREFIX_URL" 0 \
  "d['kind'] == 'binderhub' and d['url'] == env['BINDER_PREFIX_URL'] and d['url'].endswith('/binder/') and d['launchUrl'] == env['BINDER_PREFIX_URL']"
detect "binder-prefix a launch URL under /binder/v2/" "${BINDER_PREFIX_URL}v2/gl/gitlab-org%2Fgitlab-foss/v10.0.6" 0 \
  "d['kind'] == 'binderhub' and d['url'] == env['BINDER_PREFIX_URL']"
detect "binder-service /services/binder/ (no hub in front) → binderhub-service, no launch URL" "$BINDER_SERVICE_URL" 0 \
  "d['kind'] == 'binderhub-service' and d['version'] == '0.2.0+1763.gfaafab2' and d['launchUrl'] is None"

echo "--- nothing there"
detect "unreachable port → unknown, exit 1, says it could not connect" "$UNUSED_URL" 1 \
  "d['kind'] == 'unknown' and d['launchUrl'] is None and '127.0.0.1:18009' in d['message'] and any(w in d['message'].lower() for w in ('refused', 'unreachable', 'could not'))"

# The text form, as a person reads it.
out="$("$byob" detect "$HUB52_URL" 2>&1)"
if [[ "$out" == *"JupyterHub 5.2.1"* ]]; then passed=$((passed + 1)); echo "ok   text output names JupyterHub 5.2.1"
else failed=$((failed + 1)); echo "FAIL text output names JupyterHub 5.2.1: $out"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
