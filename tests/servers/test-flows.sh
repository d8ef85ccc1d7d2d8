#!/usr/bin/env bash
# The launch flows of issue 5, server side, with curl playing the reader's browser: a launch link
# converted by `byob rewrite`, followed to an open notebook on the reader's own server.
#   tests/servers/test-flows.sh [FLOW...]      (or `make test-flows`; FLOW: a b c d e f g, default all)
#
#  a  JupyterHub 6.1.1 ← Binder link  mybinder.org/v2/git/<GIT_URL/demo-book>/main?urlpath=lab/tree/intro.ipynb
#  b  JupyterHub 6.1.1 ← nbgitpuller link to another hub (chapters/two.ipynb)
#  c  JupyterHub 6.1.1 ← Binder + nbgitpuller link, environment repository demo-env ≠ content demo-book
#  d  the same three on JupyterHub 5.2.1
#  e  Jupyter Server (jupyter lab) ← the Binder link; token in the URL on the first visit, then the
#     cookie; and the nbgitpuller link opened logged out, token typed into the login form
#  f  BinderHub stand-ins (at / and under /binder/) ← Binder links (git, gh, gl), nbgitpuller links
#     with and without --env-repo, the Binder + nbgitpuller link: what the hub receives, raw
#  g  JupyterHub 6.1.1, one reader and one server, links whose conversion changes more than the
#     host: ref HEAD (no branch), tag v1 + labpath (doc/tree), a pinned commit (dropped, warned),
#     an nbgitpuller targetPath
#
# On a hub: GET the link → login form → POST it → spawn (pending page polled) → nbgitpuller's
# git-pull page → its event-stream API called exactly as the page's JavaScript calls it (same URL,
# same parameters, _xsrf from the page, a browser's Sec-Fetch headers) → the clone on disk → GET
# of the page's redirect target (JupyterLab, treePath = the notebook) → the Contents API as
# JupyterLab calls it (X-XSRFToken) returns the notebook with its distinctive text.
# Steps: convert, login, spawn, clone, xsrf, redirect, notebook (launch, recorded on a BinderHub).
# A failing step says which and prints the tail of the server's log; the flow's later steps are
# skipped. Starts the servers it needs once (reusing any already up), stops those it started and
# the single-user servers it spawned, whatever happens. Prints "N passed, N failed"; exit 1 on failure.
# BYOB=path/to/byob overrides target/release/byob; BYOB_FLOWS_DEBUG_MEM=1 lists the processes
# each memory figure adds up.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

byob="${BYOB:-$repo_root/target/release/byob}"
flows=("$@")
[ ${#flows[@]} -gt 0 ] || flows=(a b c d e f g)
want_flow() { [[ " ${flows[*]} " == *" $1 "* ]]; }

passed=0
failed=0
skipped=0
tmp="$(mktemp -d)"
started="$tmp/started"
spawned="$tmp/spawned"  # "HUB_URL USER JAR" of single-user servers still to stop
: >"$started"
: >"$spawned"
t_script=$(date +%s.%N)

# Stop the single-user servers we started, then the servers we started, then forget the rest.
cleanup() {
  local hub user jar
  while read -r hub user jar; do
    [ -n "$hub" ] && stop_user_server "$hub" "$user" "$jar"
  done <"$spawned"
  # shellcheck disable=SC2046
  [ -s "$started" ] && "$servers_dir/stop.sh" $(cat "$started")
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Reporting: a flow is a list of steps; the first failing one ends it.

flow=""
flow_t0=""
flow_failed=0
begin_flow() {  # begin_flow ID TITLE
  flow="$1"
  flow_failed=0
  flow_t0=$(date +%s.%N)
  echo "--- flow $1: $2"
}
end_flow() {  # end_flow [NOTE]
  if [ "$flow_failed" = 0 ]; then
    echo "    flow $flow done in $(elapsed "$flow_t0") s${1:+, $1}"
  fi
}
ok() { passed=$((passed + 1)); echo "ok   [$flow] $1"; }
# ko STEP WHAT WHY LOG...: a failed step, with the tail of each named server log
ko() {
  local step="$1" what="$2" why="$3" log
  shift 3
  failed=$((failed + 1))
  flow_failed=1
  echo "FAIL [$flow] step $step: $what"
  [ -n "$why" ] && echo "$why" | sed 's/^/     | /' | head -n 20
  for log in "$@"; do
    [ -f "$run_dir/$log.log" ] || continue
    echo "     --- last 25 lines of $run_dir/$log.log"
    tail -n 25 "$run_dir/$log.log" | sed 's/^/     | /'
  done
}
skip_rest() { skipped=$((skipped + $1)); echo "     (the flow's $1 later step(s) skipped)"; }

# ---------------------------------------------------------------------------------------------
# The browser, played by curl. Each flow has its own cookie jar ($jar).

jar=""
status=""
url_now=""
body="$tmp/body"
hops="$tmp/hops"

# nav URL SITE [curl args]: a top-level navigation, as a browser does it (redirects followed,
# cookies kept, Sec-Fetch headers a browser sends). Sets $status, $url_now (the final URL);
# the body is in $body, the status line and Location of every hop in $hops.
nav() {
  local url="$1" site="$2" out
  shift 2
  out="$(curl -s -L --max-redirs 30 --max-time 90 -c "$jar" -b "$jar" -D "$tmp/headers" -o "$body" \
    -w '%{http_code} %{url_effective}' \
    -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' \
    -H 'Sec-Fetch-Mode: navigate' -H 'Sec-Fetch-Dest: document' -H "Sec-Fetch-Site: $site" \
    "$@" "$url")" || out="000 $url"
  status="${out%% *}"
  url_now="${out#* }"
  tr -d '\r' <"$tmp/headers" 2>/dev/null | grep -iE '^(HTTP/|location:)' >"$hops" || : >"$hops"
}
# fetch URL [curl args]: a same-origin fetch()/XHR from the page. Sets $status; body in $body.
fetch() {
  local url="$1" out
  shift
  out="$(curl -s --max-time 90 -c "$jar" -b "$jar" -o "$body" -w '%{http_code}' \
    -H 'Sec-Fetch-Mode: cors' -H 'Sec-Fetch-Dest: empty' -H 'Sec-Fetch-Site: same-origin' \
    "$@" "$url")" || out="000"
  status="$out"
}
# the value of cookie NAME for PATH in the jar (HttpOnly ones included)
cookie() { sed 's/^#HttpOnly_//' "$jar" | awk -v n="$1" -v p="$2" '$6 == n && (p == "" || $3 == p) { v = $7 } END { print v }'; }
response() { echo "→ HTTP $status at $url_now"; sed 's/^/  hop: /' "$hops" 2>/dev/null | tail -n 12; echo "  body: $(head -c 300 "$body" | tr '\n' ' ')"; }
origin_of() { python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(f"{p.scheme}://{p.netloc}")' "$1"; }

# py EXPR FILE...: evaluate a Python expression (helpers below in scope) over files; 0 when true.
# Any printed text (the `say(...)` calls) goes to stdout.
py() {
  local expr="$1"
  shift
  python3 - "$expr" "$@" <<'EOF'
import html, json, os, re, sys, urllib.parse as up
expr, files = sys.argv[1], sys.argv[2:]
text = [open(f, encoding="utf-8", errors="replace").read() if os.path.exists(f) else "" for f in files]
def query(url):
    """The query of a URL as a dict of single values (a repeated key makes a list)."""
    out = {}
    for k, v in up.parse_qsl(up.urlsplit(url).query, keep_blank_values=True):
        out[k] = v if k not in out else (out[k] if isinstance(out[k], list) else [out[k]]) + [v]
    return out
def decode_uri(s):
    """JavaScript's decodeURI: escapes decoded, but those of reserved characters kept. BinderHub's
    launch page applies it to its query before URLSearchParams."""
    def one(m):
        try:
            text = up.unquote_to_bytes(m.group(0)).decode("utf-8")
        except UnicodeDecodeError:
            return m.group(0)
        return "".join(up.quote(c, safe="") if c in ";/?:@&=+$,#" else c for c in text)
    return re.sub(r"(?:%[0-9A-Fa-f]{2})+", one, s)
def data_attrs(page):
    """nbgitpuller's status page: <body data-*> values, url-decoded as its index.js decodes them."""
    return {k: up.unquote(html.unescape(v)) for k, v in re.findall(r'\bdata-([a-z-]+)="([^"]*)"', page)}
def page_config(page):
    m = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(m.group(1)) if m else {}
def say(*a):
    print(*a)
    return True
env = os.environ
# in parentheses: the expression may span indented lines
sys.exit(0 if eval("(" + expr.strip() + "\n)") else 1)
EOF
}

# ---------------------------------------------------------------------------------------------
# Servers

if [ ! -x "$byob" ]; then
  echo "test-flows: no CLI at $byob (build it with \`make cli\`)"
  echo "0 passed, 1 failed"
  exit 1
fi
need=(git)
if want_flow a || want_flow b || want_flow c || want_flow g; then need+=(hub6); fi
if want_flow d; then need+=(hub52); fi
if want_flow e; then need+=(lab); fi
if want_flow f; then need+=(binder binder-prefix); fi
t0=$(date +%s.%N)
if ! "$servers_dir/start.sh" --record "$started" "${need[@]}"; then
  echo "test-flows: the servers did not start"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "servers up in $(elapsed "$t0") s (${need[*]}; started here: $(tr '\n' ' ' <"$started"))"

set -a
source "$servers_dir/ports.env"
set +a
export BOOK_URL="${GIT_URL}demo-book" ENV_URL="${GIT_URL}demo-env"
book_enc="$(python3 -c 'import sys, urllib.parse as u; print(u.quote(sys.argv[1], safe=""))' "$BOOK_URL")"
env_enc="$(python3 -c 'import sys, urllib.parse as u; print(u.quote(sys.argv[1], safe=""))' "$ENV_URL")"
book_commit="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["demo-book"]["commit"])' "$run_dir/git/repos.json")"
export BOOK_COMMIT="$book_commit"

# The links, as they appear on book pages.
# (a) Binder, git provider, the content repository's own environment
link_binder="https://mybinder.org/v2/git/${book_enc}/main?urlpath=lab/tree/intro.ipynb"
# (b) nbgitpuller, pointing at some other hub
link_nbgp="https://other.example.edu/hub/user-redirect/git-pull?repo=${book_enc}&branch=main&urlpath=lab%2Ftree%2Fdemo-book%2Fchapters%2Ftwo.ipynb"
# (c) Binder + nbgitpuller (nbgitpuller's link generator, Binder tab): environment demo-env, content demo-book
inner="git-pull?repo=${book_enc}&branch=main&urlpath=lab%2Ftree%2Fdemo-book%2Fintro.ipynb"
link_env="https://mybinder.org/v2/git/${env_enc}/main?urlpath=$(python3 -c 'import sys, urllib.parse as u; print(u.quote(sys.argv[1], safe=""))' "$inner")"

# Memory: the resident size of a server's process tree (user servers and kernels included).
declare -A peak_mib=()
tree_mib() {  # tree_mib SERVER → MiB
  local leader pids
  leader="$(recorded_process "$1")" || { echo 0; return; }
  leader="${leader%% *}"
  pids="$(echo "$leader"; descendants "$leader")"
  # shellcheck disable=SC2086
  ps -o rss= -p $(echo $pids | tr ' ' ',') 2>/dev/null | awk '{ s += $1 } END { printf "%d", s / 1024 }'
}
mem=0
note_mem() {  # note_mem SERVER: $mem = its size now; remembers its peak (no subshell: sets globals)
  mem="$(tree_mib "$1")"
  if [ -n "${BYOB_FLOWS_DEBUG_MEM:-}" ]; then
    local leader
    leader="$(recorded_process "$1")" && ps -o pid,rss,args -p "$(echo "${leader%% *}" $(descendants "${leader%% *}") | tr ' ' ',')" | cut -c1-150
  fi
  if [ "${peak_mib[$1]:-0}" -lt "$mem" ]; then peak_mib[$1]="$mem"; fi
}

stop_user_server() {  # stop_user_server HUB USER JAR: what the hub's "Stop My Server" does
  local hub="$1" user="$2" x
  x="$(sed 's/^#HttpOnly_//' "$3" 2>/dev/null | awk '$3 == "/hub/" && $6 == "_xsrf" { print $7 }')"
  curl -s -o /dev/null --max-time 30 -b "$3" -c "$3" -X DELETE -H "X-XSRFToken: $x" \
    -H 'Sec-Fetch-Mode: cors' -H 'Sec-Fetch-Site: same-origin' "${hub}hub/api/users/$user/server" || true
}

# ---------------------------------------------------------------------------------------------
# Steps shared by the JupyterHub and Jupyter Server flows

# What a flow expects of the git-pull link: the branch ("" = none: the remote's default) and the
# clone directory (nbgitpuller's targetpath). Set per flow; these are the defaults.
want_branch=main
want_dir=demo-book
expect() { want_branch="$1"; want_dir="$2"; export WANT_BRANCH="$1" WANT_DIR="$2"; }
expect main demo-book

# $converted: the link byob made; checked to be a git-pull link of demo-book on HUB with the
# expected urlpath, branch and targetPath, and nothing else
converted=""
step_convert() {  # step_convert KIND HUB LINK PULL_PATH WANT_URLPATH
  local kind="$1" hub="$2" link="$3" pull_path="$4" want_urlpath="$5" err
  converted="$("$byob" rewrite --hub "$hub" --kind "$kind" "$link" 2>"$tmp/err")"
  err="$(cat "$tmp/err")"
  if CONVERTED="$converted" PULL="${hub}${pull_path}" WANT_URLPATH="$want_urlpath" py '
    env["CONVERTED"].split("?")[0] == env["PULL"]
    and query(env["CONVERTED"]) == dict({"repo": env["BOOK_URL"], "urlpath": env["WANT_URLPATH"]},
        **({"branch": env["WANT_BRANCH"]} if env["WANT_BRANCH"] else {}),
        **({"targetPath": env["WANT_DIR"]} if env["WANT_DIR"] != "demo-book" else {}))' \
    /dev/null 2>/dev/null; then
    ok "convert: byob rewrite --kind $kind → $converted"
    [ -z "$err" ] || echo "$err" | sed 's/^byob: /     byob says: /'
  else
    ko convert "byob rewrite --hub $hub --kind $kind '$link'" \
      "got: $converted
stderr: $err
want: ${hub}${pull_path}?repo=$BOOK_URL${want_branch:+&branch=$want_branch}&urlpath=$want_urlpath (url-encoded)"
    return 1
  fi
}

# The nbgitpuller page is up: do what its JavaScript does, then check the clone on disk.
step_clone() {  # step_clone SERVER_LOG ORIGIN HOME_DIR WANT_URLPATH
  local log="$1" origin="$2" home="$3" want_urlpath="$4" api events
  cp "$body" "$tmp/pullpage"
  if ! WANT_URLPATH="$want_urlpath" py '
    (lambda d: d.get("repo") == env["BOOK_URL"] and d.get("branch") == (env["WANT_BRANCH"] or None)
       and d.get("targetpath") == env["WANT_DIR"] and d.get("path") == env["WANT_URLPATH"]
       and d.get("xsrf") and d.get("base-url", "").endswith("/"))(data_attrs(text[0]))' "$tmp/pullpage"; then
    ko clone "nbgitpuller's page carries repo, branch, targetpath, path (= urlpath) and xsrf" \
      "page data: $(py 'say(data_attrs(text[0]))' "$tmp/pullpage")" "$log"
    return 1
  fi
  # gitsync.js: new URLSearchParams({_xsrf, repo, targetpath}) + depth, branch, backup when set;
  # EventSource(baseUrl + 'git-pull/api?' + params)
  api="$origin$(py '
    (lambda d: say(d["base-url"] + "git-pull/api?" + up.urlencode(
        [("_xsrf", d["xsrf"]), ("repo", d["repo"]), ("targetpath", d["targetpath"])]
        + [(k, d[k]) for k in ("depth", "branch", "backup") if k in d])))(data_attrs(text[0]))' "$tmp/pullpage")"
  echo "$api" >"$tmp/api-url"
  local t0
  t0=$(date +%s.%N)
  # an EventSource: Accept text/event-stream, mode cors, same-origin, cookies; the server closes
  # the stream after {"phase": "finished"} (or "error")
  fetch "$api" -N -H 'Accept: text/event-stream' -H 'Cache-Control: no-cache' -H "Referer: $url_now"
  events="$(grep '^data: ' "$body" | sed 's/^data: //')"
  echo "$events" >"$tmp/events"
  if [ "$status" != 200 ] || ! py '[json.loads(l) for l in text[0].splitlines() if l][-1]["phase"] == "finished"' "$tmp/events" 2>/dev/null; then
    ko clone "git-pull/api (event stream) ends with {\"phase\": \"finished\"}" \
      "GET $api → $status
$(head -c 1500 "$body")" "$log" git
    return 1
  fi
  local took
  took="$(elapsed "$t0")"
  local dir="$home/$want_dir"
  if [ -f "$dir/intro.ipynb" ] && [ -f "$dir/chapters/two.ipynb" ] \
    && [ "$(git -C "$dir" rev-parse HEAD 2>/dev/null)" = "$book_commit" ] \
    && [ -f "$dir/.git/shallow" ]; then
    ok "clone: the page's git-pull/api stream finished in $took s: $(py 'say(" | ".join(json.loads(l).get("output", json.loads(l)["phase"]).strip() for l in text[0].splitlines() if l)[:300])' "$tmp/events")"
    ok "clone: ${dir#"$repo_root"/} is a shallow clone of demo-book (${want_branch:-the default branch}) at ${book_commit:0:12} with intro.ipynb and chapters/two.ipynb"
  else
    ko clone "the clone exists on disk: $dir (intro.ipynb, chapters/two.ipynb, HEAD $book_commit, shallow)" \
      "$(ls -la "$home" "$dir" 2>&1 | head -n 20)" "$log" git
    return 1
  fi
}

# A browser without the page's _xsrf is refused: proves the parameter the test sends matters.
step_xsrf() {  # step_xsrf LOG
  local api
  api="$(sed 's/_xsrf=[^&]*&//' "$tmp/api-url")"
  fetch "$api" -N -H 'Accept: text/event-stream'
  if [ "$status" = 403 ]; then
    ok "xsrf: the same EventSource request without the page's _xsrf → 403 (a browser's Sec-Fetch-Mode: cors needs it)"
  else
    ko xsrf "git-pull/api without _xsrf from a browser (Sec-Fetch-Mode: cors) → 403" "GET $api → $status $(head -c 200 "$body")" "$1"
    return 1
  fi
}

# The file JupyterLab opens for a urlpath lab/tree/<p> or doc/tree/<p> (single-document mode).
tree_path() { local p="${1#lab/tree/}"; echo "${p#doc/tree/}"; }

# Go where the page's script goes after "finished": baseUrl + path.
step_redirect() {  # step_redirect LOG ORIGIN WANT_FINAL_URL WANT_TREE_PATH
  local log="$1" origin="$2" want="$3" tree="$4" target
  target="$origin$(py '(lambda d: say(d["base-url"] + d["path"]))(data_attrs(text[0]))' "$tmp/pullpage")"
  nav "$target" same-origin
  if [ "$status" = 200 ] && [ "$url_now" = "$want" ] && TREE="$tree" py '
      (lambda c: c.get("appName") == "JupyterLab" and c.get("treePath") == env["TREE"])(page_config(text[0]))' "$body"; then
    ok "redirect: $url_now → 200, JupyterLab $(py 'say(page_config(text[0]).get("appVersion"))' "$body") opening treePath $tree"
  else
    ko redirect "GET $target → 200 JupyterLab at $want with treePath $tree" "$(response)" "$log"
    return 1
  fi
}

# The Contents API, as JupyterLab reads the notebook it opens.
step_notebook() {  # step_notebook LOG API_BASE XSRF_PATH FILE WANT_TEXT
  local log="$1" api_base="$2" xsrf_path="$3" file="$want_dir/$4" text="$5" x
  x="$(cookie _xsrf "$xsrf_path")"
  fetch "${api_base}api/contents/$file?content=1" -H "X-XSRFToken: $x" -H 'Accept: application/json'
  if [ "$status" = 200 ] && WANT="$text" FILE="$file" py '
      (lambda j: j["type"] == "notebook" and j["path"] == env["FILE"]
        and any(env["WANT"] in c["source"] for c in j["content"]["cells"]))(json.loads(text[0]))' "$body"; then
    ok "notebook: ${api_base}api/contents/$file → 200 notebook, first cell \"$(py 'say(json.loads(text[0])["content"]["cells"][0]["source"].strip())' "$body")\""
  else
    ko notebook "Contents API returns $file containing \"$text\"" "GET ${api_base}api/contents/$file → $status $(head -c 300 "$body")" "$log"
    return 1
  fi
}

# ---------------------------------------------------------------------------------------------
# JupyterHub flows (a, b, c, d)

hub_flow() {  # hub_flow ID SERVER HUB_URL USER LINK TITLE URLPATH FILE TEXT [xsrf]
  local id="$1" server="$2" hub="$3" user="$4" link="$5" title="$6" urlpath="$7" file="$8" text="$9" with_xsrf="${10:-}"
  local home="$run_dir/$server/home/$user" origin action x t_spawn spawn_s deadline
  local left=7
  [ -n "$with_xsrf" ] && left=8
  begin_flow "$id" "$title"
  jar="$tmp/jar-$server-$user"
  rm -f "$jar"
  # a fresh start: the clone must happen in this run
  rm -rf "${home:?}/$want_dir" "$home/demo-env"
  origin="$(origin_of "$hub")"

  step_convert jupyterhub "$hub" "$link" hub/user-redirect/git-pull "$urlpath" || { skip_rest $((left - 1)); return; }

  # login: the reader clicks the converted link, not logged in: the hub's login form
  nav "$converted" cross-site
  cp "$body" "$tmp/login"
  if ! { [ "$status" = 200 ] && [[ "$url_now" == "${hub}hub/login?next="* ]] && grep -q 'id="username_input"' "$tmp/login" \
      && CONVERTED="$converted" URL_NOW="$url_now" py '
        query(env["URL_NOW"])["next"] == "/hub/user-redirect/git-pull?" + up.urlsplit(env["CONVERTED"]).query' /dev/null; }; then
    ko login "GET the converted link → the hub's login form, next = the link's git-pull" "$(response)" "$server"
    skip_rest $((left - 2)); return
  fi
  action="$(py 'say(html.unescape(re.search(r"<form[^>]*action=\"([^\"]*)\"", text[0]).group(1)))' "$tmp/login")"
  x="$(py 'say(re.search(r"name=\"_xsrf\" value=\"([^\"]*)\"", text[0]).group(1))' "$tmp/login")"
  t_spawn=$(date +%s.%N)
  nav "$origin$action" same-origin -H "Origin: $origin" -H "Referer: $url_now" \
    --data-urlencode "username=$user" --data-urlencode "password=$HUB_PASSWORD" --data-urlencode "_xsrf=$x"
  echo "$hub $user $jar" >>"$spawned"
  if [ -n "$(cookie jupyterhub-hub-login /hub/)" ] && [[ "$url_now" != *"/hub/login"* ]]; then
    ok "login: POST $action as $user → logged in (jupyterhub-hub-login cookie), now at ${url_now%%\?*}"
  else
    ko login "POST the login form (user $user, password \$HUB_PASSWORD, the form's _xsrf)" "$(response)" "$server"
    skip_rest $((left - 2)); return
  fi

  # spawn: user-redirect sends a stopped server to hub/spawn, which starts it and shows the
  # pending page; its script reloads the page when the progress stream says ready. A stopped
  # server reached another way shows "not running" (424) with a Launch button (#start).
  deadline=$((SECONDS + 90))
  while :; do
    if [[ "$url_now" == "${hub}user/$user/git-pull?"* ]] && [ "$status" = 200 ]; then break; fi
    if [ "$status" = 424 ]; then
      local start_url
      start_url="$(py 'say(html.unescape(re.search(r"id=\"start\"[^>]*href=\"([^\"]*)\"|href=\"([^\"]*)\"[^>]*id=\"start\"", text[0]).group(1) or ""))' "$body" 2>/dev/null)"
      [ -n "$start_url" ] || break
      nav "$origin$start_url" same-origin
      continue
    fi
    [[ "$url_now" == "${hub}hub/spawn-pending/$user"* ]] || break
    [ $SECONDS -lt $deadline ] || break
    sleep 0.5
    nav "$url_now" same-origin
  done
  spawn_s="$(elapsed "$t_spawn")"
  if [[ "$url_now" == "${hub}user/$user/git-pull?"* ]] && [ "$status" = 200 ] && [ "${url_now#*\?}" = "${converted#*\?}" ]; then
    ok "spawn: $user's server started, OAuth done, nbgitpuller's page at ${url_now%%\?*}?<the link's query> (${spawn_s} s after login)"
  else
    ko spawn "the user's server starts and the hub sends the browser on to /user/$user/git-pull?<the link's query>" "$(response)" "$server"
    skip_rest $((left - 3)); return
  fi

  step_clone "$server" "$origin" "$home" "$urlpath" || { skip_rest $((left - 4)); return; }
  if [ -n "$with_xsrf" ]; then step_xsrf "$server" || { skip_rest $((left - 5)); return; }; fi
  local want_final="${hub}user/$user/$urlpath"
  step_redirect "$server" "$origin" "$want_final" "$(tree_path "$urlpath")" || { skip_rest 1; return; }
  step_notebook "$server" "${hub}user/$user/" "/user/$user/" "$file" "$text" || return
  if [ "$link" = "$link_env" ]; then
    if [ ! -e "$home/demo-env" ]; then ok "env: the environment repository was not cloned (the hub's own environment runs it)"
    else ko env "the environment repository is not cloned into the home" "$(ls "$home")" "$server"; fi
  fi
  note_mem "$server"
  if [ "$keep_server" != 1 ]; then
    stop_user_server "$hub" "$user" "$jar"
    sed -i "\| $user |d" "$spawned"
  fi
  end_flow "spawn ${spawn_s} s, $server tree ${mem} MiB with $user's server"
}
keep_server=0

# One more link for a reader already logged in, server running (flow g): no login, no spawn.
hub_again() {  # hub_again ID SERVER HUB USER LINK TITLE URLPATH FILE TEXT [WARNING]
  local id="$1" server="$2" hub="$3" user="$4" link="$5" title="$6" urlpath="$7" file="$8" text="$9" warning="${10:-}"
  local home="$run_dir/$server/home/$user" origin
  begin_flow "$id" "$title"
  jar="$tmp/jar-$server-$user"
  rm -rf "${home:?}/$want_dir"
  origin="$(origin_of "$hub")"
  step_convert jupyterhub "$hub" "$link" hub/user-redirect/git-pull "$urlpath" || { skip_rest 4; return; }
  if [ -n "$warning" ]; then
    if grep -qF "$warning" "$tmp/err"; then ok "warning: byob says \"$warning…\""
    else ko warning "byob rewrite warns \"$warning\"" "stderr: $(cat "$tmp/err")"; skip_rest 4; return; fi
  fi
  nav "$converted" cross-site
  if [[ "$url_now" == "${hub}user/$user/git-pull?"* ]] && [ "$status" = 200 ] && [ "${url_now#*\?}" = "${converted#*\?}" ]; then
    ok "open: logged in, server running: the link goes straight to ${url_now%%\?*}?<the link's query>"
  else
    ko open "logged in with a running server, the link opens /user/$user/git-pull?<the link's query>" "$(response)" "$server"
    skip_rest 3; return
  fi
  step_clone "$server" "$origin" "$home" "$urlpath" || { skip_rest 2; return; }
  step_redirect "$server" "$origin" "${hub}user/$user/$urlpath" "$(tree_path "$urlpath")" || { skip_rest 1; return; }
  step_notebook "$server" "${hub}user/$user/" "/user/$user/" "$file" "$text" || return
  end_flow
}

if want_flow a; then
  hub_flow a hub6 "$HUB6_URL" flow-a "$link_binder" "JupyterHub 6.1.1 ← Binder link (v2/git/<demo-book>/main, urlpath lab/tree/intro.ipynb)" \
    lab/tree/demo-book/intro.ipynb intro.ipynb "BYOB demo notebook 42" xsrf
fi
if want_flow b; then
  hub_flow b hub6 "$HUB6_URL" flow-b "$link_nbgp" "JupyterHub 6.1.1 ← nbgitpuller link to other.example.edu (chapters/two.ipynb)" \
    lab/tree/demo-book/chapters/two.ipynb chapters/two.ipynb "BYOB demo chapter two 7"
fi
if want_flow c; then
  hub_flow c hub6 "$HUB6_URL" flow-c "$link_env" "JupyterHub 6.1.1 ← Binder + nbgitpuller link (environment demo-env, content demo-book)" \
    lab/tree/demo-book/intro.ipynb intro.ipynb "BYOB demo notebook 42"
fi
if want_flow d; then
  hub_flow d-a hub52 "$HUB52_URL" flow-d-a "$link_binder" "JupyterHub 5.2.1 ← Binder link" \
    lab/tree/demo-book/intro.ipynb intro.ipynb "BYOB demo notebook 42" xsrf
  hub_flow d-b hub52 "$HUB52_URL" flow-d-b "$link_nbgp" "JupyterHub 5.2.1 ← nbgitpuller link to another hub" \
    lab/tree/demo-book/chapters/two.ipynb chapters/two.ipynb "BYOB demo chapter two 7"
  hub_flow d-c hub52 "$HUB52_URL" flow-d-c "$link_env" "JupyterHub 5.2.1 ← Binder + nbgitpuller link" \
    lab/tree/demo-book/intro.ipynb intro.ipynb "BYOB demo notebook 42"
fi

# g: links whose conversion changes more than the host, one reader (flow-g), one server
if want_flow g; then
  keep_server=1
  expect "" demo-book
  hub_flow g-head hub6 "$HUB6_URL" flow-g "https://mybinder.org/v2/git/${book_enc}/HEAD?urlpath=lab/tree/intro.ipynb" \
    "JupyterHub 6.1.1 ← Binder link at HEAD: no branch, nbgitpuller asks the server for its default (ls-remote --symref)" \
    lab/tree/demo-book/intro.ipynb intro.ipynb "BYOB demo notebook 42"
  keep_server=0
  expect v1 demo-book
  hub_again g-tag hub6 "$HUB6_URL" flow-g "https://mybinder.org/v2/git/${book_enc}/v1?labpath=chapters/two.ipynb" \
    "the same reader ← Binder link at tag v1 with the legacy labpath (→ doc/tree, JupyterLab's single-document mode)" \
    doc/tree/demo-book/chapters/two.ipynb chapters/two.ipynb "BYOB demo chapter two 7"
  expect "" demo-book
  hub_again g-pinned hub6 "$HUB6_URL" flow-g "https://mybinder.org/v2/git/${book_enc}/${book_commit}?urlpath=lab/tree/intro.ipynb" \
    "the same reader ← Binder link pinned to a commit (nbgitpuller cannot check one out: dropped, with a warning)" \
    lab/tree/demo-book/intro.ipynb intro.ipynb "BYOB demo notebook 42" "pinned commit"
  expect main mybook
  hub_again g-target hub6 "$HUB6_URL" flow-g "https://other.example.edu/hub/user-redirect/git-pull?repo=${book_enc}&branch=main&targetPath=mybook&urlpath=lab%2Ftree%2Fmybook%2Fintro.ipynb" \
    "the same reader ← nbgitpuller link with targetPath=mybook (kept: the clone directory)" \
    lab/tree/mybook/intro.ipynb intro.ipynb "BYOB demo notebook 42"
  expect main demo-book
  stop_user_server "$HUB6_URL" flow-g "$tmp/jar-hub6-flow-g"
  sed -i "\| flow-g |d" "$spawned"
fi

# ---------------------------------------------------------------------------------------------
# Jupyter Server flows (e)

lab_flow() {  # lab_flow ID LINK TITLE URLPATH FILE TEXT AUTH(url-token|login-form)
  local id="$1" link="$2" title="$3" urlpath="$4" file="$5" text="$6" auth="$7"
  local home="$run_dir/lab/home" origin
  begin_flow "$id" "$title"
  jar="$tmp/jar-lab-$id"
  rm -f "$jar"
  rm -rf "$home/demo-book"
  origin="$(origin_of "$LAB_URL")"
  step_convert jupyter-server "$LAB_URL" "$link" git-pull "$urlpath" || { skip_rest 5; return; }
  if [ "$auth" = url-token ]; then
    # the reader opens their server once with the token it printed (…/lab?token=…): a cookie
    nav "${LAB_URL}lab?token=$LAB_TOKEN" none
    if [ "$status" = 200 ] && [ -n "$(cookie "username-127-0-0-1-$LAB_PORT" /)" ]; then
      ok "login: ${LAB_URL}lab?token=… (first visit) → 200 and the server's login cookie"
    else
      ko login "GET ${LAB_URL}lab?token=\$LAB_TOKEN sets the login cookie" "$(response)" lab
      skip_rest 4; return
    fi
    nav "$converted" cross-site
  else
    # logged out: the link lands on the login form (next = the git-pull link); the reader types the token
    nav "$converted" cross-site
    if ! { [ "$status" = 200 ] && [[ "$url_now" == "${LAB_URL}login?next="* ]] \
        && CONVERTED="$converted" URL_NOW="$url_now" py 'query(env["URL_NOW"])["next"] == "/git-pull?" + up.urlsplit(env["CONVERTED"]).query' /dev/null; }; then
      ko login "GET the converted link logged out → the server's login form, next = the git-pull link" "$(response)" lab
      skip_rest 4; return
    fi
    local action x
    action="$(py 'say(html.unescape(re.search(r"<form[^>]*action=\"([^\"]*)\"", text[0]).group(1)))' "$body")"
    x="$(py 'say(re.search(r"name=\"_xsrf\" value=\"([^\"]*)\"", text[0]).group(1))' "$body")"
    nav "$origin$action" same-origin -H "Origin: $origin" -H "Referer: $url_now" \
      --data-urlencode "password=$LAB_TOKEN" --data-urlencode "_xsrf=$x"
    if [ -n "$(cookie "username-127-0-0-1-$LAB_PORT" /)" ]; then
      ok "login: the login form with the token typed in → the server's login cookie, sent on to ${url_now%%\?*}"
    else
      ko login "POST the token into the login form" "$(response)" lab
      skip_rest 4; return
    fi
  fi
  if [ "$status" = 200 ] && [ "$url_now" = "$converted" ] && grep -q 'data-repo=' "$body"; then
    ok "spawn: (nothing to start) the link opens nbgitpuller's page at $url_now"
  else
    ko spawn "the converted link opens nbgitpuller's page, logged in by cookie" "$(response)" lab
    skip_rest 3; return
  fi
  step_clone lab "$origin" "$home" "$urlpath" || { skip_rest 2; return; }
  step_redirect lab "$origin" "${LAB_URL}$urlpath" "$(tree_path "$urlpath")" || { skip_rest 1; return; }
  step_notebook lab "$LAB_URL" / "$file" "$text" || return
  note_mem lab
  end_flow "lab tree $mem MiB"
}

if want_flow e; then
  lab_flow e "$link_binder" "Jupyter Server ← Binder link; ?token= on the first visit, then the cookie" \
    lab/tree/demo-book/intro.ipynb intro.ipynb "BYOB demo notebook 42" url-token
  lab_flow e-login "$link_nbgp" "Jupyter Server ← nbgitpuller link opened logged out; the token typed into the login form" \
    lab/tree/demo-book/chapters/two.ipynb chapters/two.ipynb "BYOB demo chapter two 7" login-form
fi

# ---------------------------------------------------------------------------------------------
# BinderHub flows (f): what the stand-in receives, parsed the way BinderHub parses it

# binder_flow ID BASE TITLE LINK ENV_REPO PROVIDER WANT_RAW_PATH WANT_QUERY_PY
#   WANT_QUERY_PY: a Python expression over `q` (the recorded query, read as the launch page reads it) that must hold
binder_flow() {
  local id="$1" base="$2" title="$3" link="$4" env_repo="$5" provider="$6" want_path="$7" want_query="$8"
  local server=binder before entry path
  [ "$base" = "$BINDER_PREFIX_URL" ] && server=binder-prefix
  path="/${base#http://*/}"
  begin_flow "$id" "$title"
  jar="$tmp/jar-$id"
  rm -f "$jar"
  local -a extra=()
  [ -n "$env_repo" ] && extra=(--env-repo "$env_repo")
  converted="$("$byob" rewrite --hub "$base" --kind binderhub ${extra[@]+"${extra[@]}"} "$link" 2>"$tmp/err")"
  if [[ "$converted" == "${base}v2/$provider/"* ]]; then
    ok "convert: byob rewrite --kind binderhub${env_repo:+ --env-repo $env_repo} → $converted"
  else
    ko convert "byob rewrite --hub $base --kind binderhub ${extra[*]-} '$link' → ${base}v2/$provider/…" "got: $converted
stderr: $(cat "$tmp/err")"
    skip_rest 2; return
  fi
  before="$(curl -s --max-time 5 "${base}_standin/launches" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')"
  nav "$converted" cross-site
  if [ "$status" = 200 ] && [ "$url_now" = "$converted" ] && grep -q 'window.pageConfig' "$body"; then
    ok "launch: GET → 200, the BinderHub launch page (provider $provider known)"
  else
    ko launch "GET the converted link → 200 launch page" "$(response)" "$server"
    skip_rest 1; return
  fi
  curl -s --max-time 5 "${base}_standin/launches" >"$tmp/launches"
  # the entry this request made: after the count seen before, with the raw target curl sent
  # (another test may launch at the same time)
  if BEFORE="$before" RAW="${path}${converted#"$base"}" WANT_PATH="${path}${want_path}" PROVIDER="$provider" py '
      (lambda e: e is not None and say("     recorded raw: " + e["raw"]) and e["path"] == env["WANT_PATH"]
        and e["provider"] == env["PROVIDER"] and e["status"] == 200
        and (lambda q: '"$want_query"')(query("?" + decode_uri(e["query"]))))(
        next((e for e in json.loads(text[0])[int(env["BEFORE"]):] if e["raw"] == env["RAW"]), None))' "$tmp/launches"; then
    ok "recorded: path ${path}${want_path} raw, query as BinderHub's launch page reads it (decodeURI, then form decoding)"
  else
    ko recorded "the stand-in recorded path ${path}${want_path} and a query where $want_query" \
      "sent: ${path}${converted#"$base"}
recorded (new): $(py 'say(json.dumps(json.loads(text[0])[int(env["BEFORE"]):], indent=1)[:1500])' "$tmp/launches" 2>/dev/null)" "$server"
    return
  fi
  end_flow
}

# BinderHub's own reading of a git spec: split("/", 1), both halves unquoted
export BOOK_SPEC="v2/git/${book_enc}/main" ENV_SPEC_HEAD="v2/git/${env_enc}/HEAD" ENV_SPEC_MAIN="v2/git/${env_enc}/main"
nbgp_q='set(q) == {"urlpath"} and q["urlpath"].startswith("git-pull?") and query(q["urlpath"]) == {"repo": env["BOOK_URL"], "branch": "main", "urlpath": "lab/tree/demo-book/chapters/two.ipynb"}'
env_q='set(q) == {"urlpath"} and q["urlpath"].startswith("git-pull?") and query(q["urlpath"]) == {"repo": env["BOOK_URL"], "branch": "main", "urlpath": "lab/tree/demo-book/intro.ipynb"}'
if want_flow f; then
  for base in "$BINDER_URL" "$BINDER_PREFIX_URL"; do
    tag=f; [ "$base" = "$BINDER_PREFIX_URL" ] && tag=f-prefix
    binder_flow "$tag-git" "$base" "BinderHub at $base ← Binder link v2/git/<demo-book>/main" \
      "$link_binder" "" git "$BOOK_SPEC" 'q == {"urlpath": "lab/tree/intro.ipynb"}'
    binder_flow "$tag-gh" "$base" "BinderHub at $base ← mybinder.org gh link with labpath (kept as written)" \
      "https://mybinder.org/v2/gh/binder-examples/requirements/HEAD?labpath=index.ipynb" "" gh \
      v2/gh/binder-examples/requirements/HEAD 'q == {"labpath": "index.ipynb"}'
    binder_flow "$tag-gl" "$base" "BinderHub at $base ← mybinder.org gl link (%2F in the namespace kept)" \
      "https://mybinder.org/v2/gl/gitlab-org%2Fgitlab-foss/v10.0.6?urlpath=lab" "" gl \
      "v2/gl/gitlab-org%2Fgitlab-foss/v10.0.6" 'q == {"urlpath": "lab"}'
    binder_flow "$tag-nbgp" "$base" "BinderHub at $base ← nbgitpuller link, no environment repository (the content's own)" \
      "$link_nbgp" "" git "$BOOK_SPEC" 'q == {"urlpath": "lab/tree/chapters/two.ipynb"}'
    binder_flow "$tag-nbgp-env" "$base" "BinderHub at $base ← nbgitpuller link, --env-repo $ENV_URL" \
      "$link_nbgp" "$ENV_URL" git "$ENV_SPEC_HEAD" "$nbgp_q"
    binder_flow "$tag-nbgp-env-binder" "$base" "BinderHub at $base ← nbgitpuller link, --env-repo as a Binder link" \
      "$link_nbgp" "https://mybinder.org/v2/git/${env_enc}/main" git "$ENV_SPEC_MAIN" "$nbgp_q"
    binder_flow "$tag-env" "$base" "BinderHub at $base ← Binder + nbgitpuller link (kept, double encoding intact)" \
      "$link_env" "" git "$ENV_SPEC_MAIN" "$env_q"
  done
fi

echo "--- memory (peak resident size of each server's process tree during the flows)"
for s in "${!peak_mib[@]}"; do echo "    $s: ${peak_mib[$s]} MiB"; done
for s in git binder binder-prefix; do
  server_running "$s" && echo "    $s: $(tree_mib "$s") MiB"
done
echo "test-flows: $(elapsed "$t_script") s in all"
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed ($skipped steps skipped after a failure)"
else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]
