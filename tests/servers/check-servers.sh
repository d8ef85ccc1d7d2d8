#!/usr/bin/env bash
# Smoke test of the running test servers: each answers the discovery probes of docs/protocols.md
# section 1 with the shape its real counterpart has, so tests built on them test something real
# (the BinderHub stand-ins: check_binderhub.py, run from here).
#   tests/servers/check-servers.sh        (servers must be up: tests/servers/start.sh, or
#                                          `make test-servers`, which starts and stops them)
# Prints one line per assertion and "N passed, N failed"; exits 1 on any failure.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

passed=0
failed=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); echo "ok   $1"; }
ko() { failed=$((failed + 1)); echo "FAIL $1${2:+ — $2}"; }
check() {  # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@"; then ok "$what"; else ko "$what" "$(last_response)"; fi
}

# probe URL [curl options]: never follows redirects unless told; sets $status, $location and
# leaves the headers (lowercase names) in $tmp/h and the body in $tmp/b.
probe() {
  local url="$1"; shift
  local out
  out="$(curl -s --max-time 10 -D "$tmp/h.raw" -o "$tmp/b" -w '%{http_code} %{redirect_url}' "$@" "$url")" || out="000 "
  status="${out%% *}"
  location="${out#* }"
  last_url="$url"
  tr -d '\r' <"$tmp/h.raw" 2>/dev/null | sed -E 's/^([^:]+):/\L\1:/' >"$tmp/h" || : >"$tmp/h"
}
last_response() { echo "GET $last_url → $status${location:+ → $location}: $(head -c 160 "$tmp/b" 2>/dev/null | tr '\n' ' ')"; }
status_is() { [ "$status" = "$1" ]; }
header() { sed -n "s/^$1: *//p" "$tmp/h" | tail -n 1; }
header_is() { [ "$(header "$1")" = "$2" ]; }
no_header() { ! grep -q "^$1:" "$tmp/h"; }
redirects_to() { [ "$status" = 302 ] && [[ "$location" == *"$1" ]]; }
# json_is EXPR: a Python expression over the parsed body `j` must be true
json_is() { python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/b" "$1" 2>/dev/null; }
# page_config_is EXPR: the same over `c`, the window.pageConfig of an HTML body
page_config_is() {
  python3 - "$tmp/b" "$1" <<'EOF' 2>/dev/null
import json, re, sys
html = open(sys.argv[1]).read()
m = re.search(r"window\.pageConfig\s*=\s*(\{.*?\});\s*</script>", html, re.S)
c = json.loads(m.group(1))
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}
html_with_page_config() { [[ "$(header content-type)" == text/html* ]] && page_config_is "c['binderVersion'] and c['repoProviders']"; }

# Log in on a hub with the DummyAuthenticator, start the user's server, wait for its /api.
spawn_user() {  # spawn_user HUB_URL USER → 0 when /user/USER/api answers the server's JSON
  local hub="$1" user="$2" jar="$tmp/jar-$2" xsrf i
  rm -f "$jar"
  curl -s -c "$jar" -b "$jar" -o /dev/null "${hub}hub/login"
  xsrf="$(awk '$6 == "_xsrf" { print $7 }' "$jar")"
  curl -s -c "$jar" -b "$jar" -L --max-time 60 -o /dev/null \
    --data-urlencode "username=$user" --data-urlencode "password=$HUB_PASSWORD" --data-urlencode "_xsrf=$xsrf" \
    "${hub}hub/login?next=%2Fhub%2Fuser-redirect%2Fapi"
  for i in $(seq 1 120); do
    probe "${hub}user/$user/api" -L -c "$jar" -b "$jar"
    if status_is 200 && json_is "'version' in j"; then return 0; fi
    sleep 0.5
  done
  return 1
}
# Run code in a new kernel of the user's server over the kernel websocket, through the proxy.
kernel_roundtrip() {  # kernel_roundtrip HUB_URL USER → prints what the kernel printed
  local hub="$1" user="$2" jar="$tmp/jar-$2" xsrf kid cookies
  curl -s -L -c "$jar" -b "$jar" -o /dev/null "${hub}user/$user/lab"  # sets the server's _xsrf cookie
  xsrf="$(sed 's/^#HttpOnly_//' "$jar" | awk -v p="/user/$user/" '$3 == p && $6 == "_xsrf" { print $7 }')"
  kid="$(curl -s -c "$jar" -b "$jar" -X POST -H "X-XSRFToken: $xsrf" -H 'Content-Type: application/json' \
    -d '{"name": "python3"}' "${hub}user/$user/api/kernels" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')" || return 1
  cookies="$(sed 's/^#HttpOnly_//' "$jar" | awk 'NF >= 7 && $1 !~ /^#/ { printf "%s=%s; ", $6, $7 }')"
  "$repo_root/.venv/hub6/bin/python" - "${hub}user/$user/api/kernels/$kid/channels" "$cookies" <<'EOF2'
import asyncio, json, sys, uuid
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

async def main(url, cookies):
    ws = await websocket_connect(HTTPRequest(url.replace("http", "ws", 1), headers={"Cookie": cookies}))
    header = {"msg_id": uuid.uuid4().hex, "msg_type": "execute_request", "username": "check",
              "session": uuid.uuid4().hex, "version": "5.3"}
    await ws.write_message(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "channel": "shell",
                                       "content": {"code": "print(6 * 7)", "silent": False}}))
    for _ in range(100):
        m = json.loads(await asyncio.wait_for(ws.read_message(), 30))
        if m.get("msg_type") == "stream":
            print(m["content"]["text"].strip())
            return

asyncio.run(main(*sys.argv[1:]))
EOF2
  curl -s -o /dev/null -c "$jar" -b "$jar" -X DELETE -H "X-XSRFToken: $xsrf" "${hub}user/$user/api/kernels/$kid" || true
}

stop_user() {  # best effort: the user stops their own server through the REST API
  local hub="$1" user="$2" jar="$tmp/jar-$2"
  curl -s -o /dev/null -X DELETE -b "$jar" -H "X-XSRFToken: $(awk '$6 == "_xsrf" { print $7 }' "$jar")" \
    -H "Referer: ${hub}hub/home" "${hub}hub/api/users/$user/server" || true
}

check_hub() {  # check_hub NAME URL VERSION CORS(yes|no)
  local name="$1" hub="$2" version="$3" cors="$4"
  echo "--- $name: JupyterHub $version at $hub"
  probe "${hub}hub/api/"
  check "$name hub/api/ → 200 {\"version\": \"$version\"}" eval 'status_is 200 && json_is "j == {\"version\": \"$version\"}"'
  check "$name hub/api/ sends X-JupyterHub-Version: $version" header_is x-jupyterhub-version "$version"
  if [ "$cors" = yes ]; then
    check "$name hub/api/ sends Access-Control-Allow-Origin: *" header_is access-control-allow-origin '*'
  else
    check "$name hub/api/ sends no Access-Control-Allow-Origin" no_header access-control-allow-origin
  fi
  probe "${hub}hub/api"
  check "$name hub/api (no slash) → 200 JSON version" eval 'status_is 200 && json_is "j[\"version\"] == \"$version\""'
  probe "${hub}api"
  check "$name api → 302 to /hub/api" redirects_to /hub/api
  probe "${hub}api" -L
  check "$name api, redirects followed → the hub's JSON" eval 'status_is 200 && json_is "j[\"version\"] == \"$version\""'
  probe "${hub}versions"
  check "$name versions → 302 to hub/versions" redirects_to /hub/versions
  probe "${hub}versions" -L
  check "$name versions, redirects followed → 404" status_is 404
  probe "${hub}hub/login"
  check "$name hub/login → 200 with X-JupyterHub-Version" eval 'status_is 200 && header_is x-jupyterhub-version "$version"'
  if spawn_user "$hub" check; then ok "$name login (any user, password $HUB_PASSWORD) starts a single-user server: /user/check/api → JSON"
  else ko "$name login (any user, password $HUB_PASSWORD) starts a single-user server" "$(last_response)"; fi
  check "$name the user's home is run/$name/home/check" test -d "$run_dir/$name/home/check"
  local said
  said="$(kernel_roundtrip "$hub" check 2>"$tmp/kernel.err")"
  if [ "$said" = 42 ]; then ok "$name a kernel runs print(6 * 7) over its websocket through the proxy → 42"
  else ko "$name a kernel runs print(6 * 7) over its websocket through the proxy" "got '$said' $(tail -n 3 "$tmp/kernel.err" | tr '\n' ' ')"; fi
  stop_user "$hub" check
}

check_hub hub6 "$HUB6_URL" 6.1.1 yes
check_hub hub52 "$HUB52_URL" 5.2.1 no

echo "--- lab: plain Jupyter Server at $LAB_URL"
probe "${LAB_URL}api"
check "lab api → 200 {\"version\": \"2.x\"}" eval 'status_is 200 && json_is "j[\"version\"].startswith(\"2.\")"'
check "lab api sends no X-JupyterHub-Version" no_header x-jupyterhub-version
probe "${LAB_URL}api" -H "Origin: chrome-extension://abcdefghijklmnop"
check "lab api with Origin chrome-extension://… → 200 JSON" eval 'status_is 200 && json_is "\"version\" in j"'
check "lab api echoes Access-Control-Allow-Origin: chrome-extension://…" header_is access-control-allow-origin chrome-extension://abcdefghijklmnop
probe "${LAB_URL}api" -H "Origin: moz-extension://0f5e8f3c-1d2b-4c5a-9e6f-7a8b9c0d1e2f"
check "lab api with Origin moz-extension://… → 200 JSON" eval 'status_is 200 && json_is "\"version\" in j"'
probe "${LAB_URL}api" -H "Origin: https://evil.example"
check "lab api with a foreign web Origin → 404" status_is 404
probe "${LAB_URL}versions"
check "lab versions → 404" status_is 404
probe "${LAB_URL}hub/api/"
check "lab hub/api/ → 302" status_is 302
probe "${LAB_URL}hub/api/" -L
check "lab hub/api/, redirects followed → 404" status_is 404
probe "${LAB_URL}git-pull?repo=https%3A%2F%2Fexample.org%2Frepo&token=$LAB_TOKEN"
check "lab git-pull (nbgitpuller) → 200 HTML" eval 'status_is 200 && grep -qi "git-pull\|nbgitpuller" "$tmp/b"'

echo "--- git: smart HTTP (git http-backend) at $GIT_URL"
probe "${GIT_URL}demo-book/info/refs?service=git-upload-pack"
check "git demo-book/info/refs?service=git-upload-pack → 200 smart advertisement" \
  eval 'status_is 200 && header_is content-type application/x-git-upload-pack-advertisement'
probe "${GIT_URL}demo-book/info/refs?service=git-receive-pack"
check "git receive-pack → 403 (read-only)" status_is 403
probe "${GIT_URL}nosuchrepo/info/refs?service=git-upload-pack"
check "git an unknown repository → 404" status_is 404
git_said="$(git ls-remote --symref "${GIT_URL}demo-book" HEAD 2>&1)"
want_head=$'ref: refs/heads/main\tHEAD'
check "git ls-remote --symref demo-book HEAD → refs/heads/main (nbgitpuller's default-branch lookup)" \
  eval '[[ "$git_said" == "$want_head"* ]]'
git_commit="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["demo-book"]["commit"])' "$run_dir/git/repos.json" 2>/dev/null)"
check "git run/git/repos.json names the commit the server advertises ($git_commit)" eval '[ -n "$git_commit" ] && [[ "$git_said" == *"$git_commit"* ]]'
if git clone --quiet --depth 1 --branch main "${GIT_URL}demo-book" "$tmp/clone" 2>"$tmp/clone.err"; then
  check "git shallow clone (--depth 1, as nbgitpuller does) of demo-book: intro.ipynb with \"BYOB demo notebook 42\"" \
    eval 'test -f "$tmp/clone/.git/shallow" && grep -q "BYOB demo notebook 42" "$tmp/clone/intro.ipynb" && test -f "$tmp/clone/chapters/two.ipynb"'
else
  ko "git shallow clone of demo-book" "$(tail -n 3 "$tmp/clone.err" | tr '\n' ' ')"
fi
if git clone --quiet --depth 1 "${GIT_URL}demo-env" "$tmp/env" 2>"$tmp/clone.err"; then
  check "git shallow clone of demo-env: requirements.txt" test -f "$tmp/env/requirements.txt"
else
  ko "git shallow clone of demo-env" "$(tail -n 3 "$tmp/clone.err" | tr '\n' ' ')"
fi

# The BinderHub stand-ins (all five: root, prefix, API-only alone, hub6's and hub52's services).
python3 "$servers_dir/check_binderhub.py" | tee "$tmp/binderhub"
py_passed="" py_failed=""
read -r py_passed py_failed < <(tail -n 1 "$tmp/binderhub" | sed -nE 's/^binderhub stand-ins: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p')
# a crash before its summary line is one failure
[[ "$py_passed" =~ ^[0-9]+$ && "$py_failed" =~ ^[0-9]+$ ]] || { py_passed=0; py_failed=1; }
passed=$((passed + py_passed))
failed=$((failed + py_failed))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
