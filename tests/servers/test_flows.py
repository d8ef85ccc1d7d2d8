#!/usr/bin/env python3
"""The launch flows of flows.json, server side, with HTTP playing the reader's browser (reader.py):
each link converted by `byob rewrite`, followed to an open notebook on the reader's own server, or
to the BinderHub's launch page and its record of the request (make test-flows).

  python3 tests/servers/test_flows.py [FLOW-ID-REGEX]      (default: every flow `on` http)

On a hub: GET the link → login form → POST it → spawn (pending page polled) → nbgitpuller's
git-pull page → its event-stream API called exactly as the page's JavaScript calls it (same URL,
same parameters, _xsrf from the page, a browser's Sec-Fetch headers) → the clone on disk → GET of
the page's redirect target (JupyterLab, treePath = the notebook) → the Contents API as JupyterLab
calls it (X-XSRFToken) returns the notebook with its distinctive text. A Jupyter Server: the
token once (?token= or the login form), then the same. A BinderHub: the launch page, and the raw
request the stand-in recorded read the way BinderHub reads it.

Steps (one check each): convert, warning, login, open, spawn, clone, xsrf, redirect, notebook,
env; launch, recorded. The first that fails ends its flow and prints the tail of the server's
log. Starts the servers it needs (reusing any already up) and stops those it started and the
single-user servers it spawned, whatever happens. BYOB=path/to/byob overrides target/release/byob.
Ends with "N passed, N failed".
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

import servers
from flowtable import Table, matches, pull_query
from reader import Reader
from servertest import Checks, Servers, ports, request, require_cli

P = ports()
RUN = servers.RUN
SPAWN_S = 90


class FlowFailed(Exception):
    """A step failed: the flow's later steps are skipped."""


class Flow:
    """One flow's steps, each a check: the first that fails ends the flow, with log tails."""

    def __init__(self, c, flow):
        self.c = c
        self.f = flow
        self.hub = flow["hub"]["url"]
        self.origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(self.hub))
        self.server = flow["hub"]["server"]
        self.t0 = time.monotonic()

    def ok(self, step, text):
        self.c.check(f"[{self.f['id']}] {step}: {text}", True)

    def fail(self, step, what, why="", logs=None):
        tails = "".join(f"\n--- last 25 lines of {RUN}/{log}.log\n{servers.log_tail(log, 25)}" for log in (logs or [self.server]))
        self.c.check(f"[{self.f['id']}] step {step}: {what}", False, f"{why}{tails}")
        raise FlowFailed(step)

    def expect(self, cond, step, ok_text, what, why="", logs=None):
        """A step's check; `why` (a string, or a function giving one) and the logs' tails explain a failure."""
        if cond:
            self.ok(step, ok_text)
        else:
            self.fail(step, what, why() if callable(why) else why, logs)


class Walk:
    """What the flows share: the CLI, the table, the readers and their servers, memory peaks."""

    def __init__(self, c, table, byob, book_commit):
        self.c = c
        self.table = table
        self.byob = byob
        self.book_commit = book_commit
        self.readers = {}  # reader key → (Reader, hub URL, user): logged in, server running
        self.peak = {}

    def rewrite(self, hub, kind, link, env_repo=None):
        args = [self.byob, "rewrite", "-v", "--hub", hub, "--kind", kind, *(["--env-repo", env_repo] if env_repo else []), link]
        r = subprocess.run(args, capture_output=True, text=True, timeout=60)
        return r.stdout.strip(), r.stderr

    def note_mem(self, server):
        mem = servers.tree_mib(server)
        self.peak[server] = max(self.peak.get(server, 0), mem)
        return mem

    def stop_user(self, key):
        """What the hub's "Stop My Server" does: DELETE of the user's server with the hub's _xsrf."""
        reader, hub, user = self.readers.pop(key)
        reader.fetch(f"{hub}hub/api/users/{user}/server", method="DELETE",
                     headers={"X-XSRFToken": reader.cookie("_xsrf", "/hub/") or ""})

    def stop_all(self):
        for key in list(self.readers):
            self.stop_user(key)


# ---------------------------------------------------------------------------------------------
# Steps shared by JupyterHub and Jupyter Server flows

def step_convert(w, fl, kind, pull_path):
    """The link becomes a git-pull link of demo-book on the hub with exactly the flow's query."""
    f = fl.f
    converted, err = w.rewrite(fl.hub, kind, f["href"])
    try:
        query = pull_query(converted)
    except ValueError as e:
        query = str(e)
    fl.expect(converted.split("?")[0] == fl.hub + pull_path and query == f["pull"], "convert",
              f"byob rewrite --kind {kind} → {converted}",
              f"byob rewrite --hub {fl.hub} --kind {kind} '{f['href']}'",
              f"got: {converted}\nstderr: {err}\nwant: {fl.hub}{pull_path}?{urllib.parse.urlencode(f['pull'])} (its query exactly)", logs=[])
    if "warning" in f:
        fl.expect(f"warning: {f['href']}: " in err and f["warning"] in err, "warning", f"byob says \"{f['warning']}…\"",
                  f"byob rewrite -v warns \"{f['warning']}\"", f"stderr: {err}", logs=[])
    return converted


def clone_dir(f):
    return f.get("clone", "demo-book")


def step_clone(w, fl, reader, page, home):
    """The git-pull page is up: do what its JavaScript does, then check the clone on disk."""
    f, d = fl.f, page.data_attrs()
    want = {"repo": f["pull"]["repo"], "branch": f["pull"].get("branch"), "targetpath": clone_dir(f), "path": f["pull"]["urlpath"]}
    got = {k: d.get(k) for k in want}
    if got != want or not d.get("xsrf") or not d.get("base-url", "").endswith("/"):
        fl.fail("clone", "nbgitpuller's page carries repo, branch, targetpath, path (= urlpath) and xsrf", f"page data: {d}\nwant: {want}")
    # gitsync.js: new URLSearchParams({_xsrf, repo, targetpath}) + depth, branch, backup when set;
    # EventSource(baseUrl + 'git-pull/api?' + params)
    params = [("_xsrf", d["xsrf"]), ("repo", d["repo"]), ("targetpath", d["targetpath"])] + [(k, d[k]) for k in ("depth", "branch", "backup") if k in d]
    api = f"{fl.origin}{d['base-url']}git-pull/api?{urllib.parse.urlencode(params)}"
    t0 = time.monotonic()
    # an EventSource: the server closes the stream after {"phase": "finished"} (or "error")
    r = reader.fetch(api, headers={"Accept": "text/event-stream", "Cache-Control": "no-cache", "Referer": page.url})
    events = [json.loads(line[5:]) for line in r.text.splitlines() if line.startswith("data:")]
    fl.expect(r.status == 200 and events and events[-1].get("phase") == "finished", "clone",
              f"the page's git-pull/api stream finished in {time.monotonic() - t0:.1f} s: "
              + " | ".join(e.get("output", e.get("phase", "")).strip() for e in events)[:300],
              "git-pull/api (event stream) ends with {\"phase\": \"finished\"}", f"GET {api} → {r.status}\n{r.text[:1500]}", logs=[fl.server, "git"])
    clone = os.path.join(home, clone_dir(f))
    head = subprocess.run(["git", "-C", clone, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    files = all(os.path.isfile(os.path.join(clone, p)) for p in ("intro.ipynb", "chapters/two.ipynb", ".git/shallow"))
    fl.expect(files and head == w.book_commit, "clone",
              f"{os.path.relpath(clone, servers.ROOT)} is a shallow clone of demo-book ({f['pull'].get('branch') or 'the default branch'}) "
              f"at {w.book_commit[:12]} with intro.ipynb and chapters/two.ipynb",
              f"the clone exists on disk: {clone} (intro.ipynb, chapters/two.ipynb, HEAD {w.book_commit}, shallow)",
              lambda: f"HEAD {head}; {sorted(os.listdir(clone)) if os.path.isdir(clone) else 'no such directory'}", logs=[fl.server, "git"])
    return api


def step_xsrf(fl, reader, api):
    """A browser without the page's _xsrf is refused: proves the parameter the test sends matters."""
    bare = re.sub(r"_xsrf=[^&]*&", "", api)
    r = reader.fetch(bare, headers={"Accept": "text/event-stream"})
    fl.expect(r.status == 403, "xsrf", "the same EventSource request without the page's _xsrf → 403 (a browser's Sec-Fetch-Mode: cors needs it)",
              "git-pull/api without _xsrf from a browser (Sec-Fetch-Mode: cors) → 403", f"GET {bare} → {r.status} {r.text[:200]}")


def step_land(w, fl, reader, page, base, xsrf_path):
    """Where the page's script goes after "finished" (baseUrl + path), then the notebook as
    JupyterLab reads it through the Contents API."""
    f, d = fl.f, page.data_attrs()
    urlpath = f["pull"]["urlpath"]
    tree = re.sub(r"^(lab|doc)/tree/", "", urlpath)
    r = reader.nav(f"{fl.origin}{d['base-url']}{d['path']}", "same-origin")
    cfg = r.page_config()
    fl.expect(r.status == 200 and r.url == base + urlpath and cfg.get("appName") == "JupyterLab" and cfg.get("treePath") == tree, "redirect",
              f"{r.url} → 200, JupyterLab {cfg.get('appVersion')} opening treePath {tree}",
              f"GET {fl.origin}{d['base-url']}{d['path']} → 200 JupyterLab at {base}{urlpath} with treePath {tree}", r.describe)
    nb = w.table.notebooks[f["notebook"]]
    file = f"{clone_dir(f)}/{nb['file']}"
    r = reader.fetch(f"{base}api/contents/{file}?content=1", headers={"X-XSRFToken": reader.cookie("_xsrf", xsrf_path) or "", "Accept": "application/json"})
    j = r.json() if r.status == 200 else {}
    cells = j.get("content", {}).get("cells", []) if isinstance(j.get("content"), dict) else []
    fl.expect(j.get("type") == "notebook" and j.get("path") == file and any(nb["text"] in c["source"] for c in cells), "notebook",
              f"{base}api/contents/{file} → 200 notebook, first cell \"{cells[0]['source'].strip() if cells else ''}\"",
              f"Contents API returns {file} containing \"{nb['text']}\"", f"GET {base}api/contents/{file} → {r.status} {r.text[:300]}")


# ---------------------------------------------------------------------------------------------
# JupyterHub

def hub_login(fl, reader, converted, user):
    """Not logged in, the link lands on the hub's login form (next = its git-pull); post it."""
    page = reader.nav(converted, "cross-site")
    want_next = "/hub/user-redirect/git-pull?" + urllib.parse.urlsplit(converted).query
    if not (page.status == 200 and page.url.startswith(f"{fl.hub}hub/login?next=") and 'id="username_input"' in page.text
            and pull_query(page.url).get("next") == want_next):
        fl.fail("login", "GET the converted link → the hub's login form, next = the link's git-pull", page.describe())
    action, xsrf = page.form()
    page = reader.nav(fl.origin + action, "same-origin", headers={"Origin": fl.origin, "Referer": page.url},
                      data={"username": user, "password": P["HUB_PASSWORD"], "_xsrf": xsrf})
    fl.expect(reader.cookie("jupyterhub-hub-login", "/hub/") and "/hub/login" not in page.url, "login",
              f"POST {action} as {user} → logged in (jupyterhub-hub-login cookie), now at {page.url.split('?')[0]}",
              "POST the login form (user, password $HUB_PASSWORD, the form's _xsrf)", page.describe)
    return page


def hub_spawn(fl, reader, page, converted, user):
    """user-redirect sends a stopped server to hub/spawn, which starts it and shows the pending
    page; its script reloads when the progress stream says ready (then OAuth, then git-pull).
    A stopped server reached another way shows "not running" (424) with a Launch button (#start)."""
    t0 = time.monotonic()
    pull = f"{fl.hub}user/{user}/git-pull?"
    while not (page.url.startswith(pull) and page.status == 200):
        if page.status == 424:
            start = re.search(r'id="start"[^>]*href="([^"]*)"|href="([^"]*)"[^>]*id="start"', page.text)
            if not start:
                break
            page = reader.nav(fl.origin + (start.group(1) or start.group(2)), "same-origin")
            continue
        if not page.url.startswith(f"{fl.hub}hub/spawn-pending/{user}") or time.monotonic() - t0 > SPAWN_S:
            break
        time.sleep(0.5)
        page = reader.nav(page.url, "same-origin")
    fl.expect(page.url.startswith(pull) and page.status == 200 and urllib.parse.urlsplit(page.url).query == urllib.parse.urlsplit(converted).query,
              "spawn", f"{user}'s server started, OAuth done, nbgitpuller's page at {pull}<the link's query> ({time.monotonic() - t0:.1f} s after login)",
              f"the user's server starts and the hub sends the browser on to /user/{user}/git-pull?<the link's query>", page.describe)
    return page


def walk_jupyterhub(w, fl):
    f = fl.f
    key = (f["hub"]["key"], f.get("reader", f["id"]))
    fresh = key not in w.readers
    user = f"http-{f['hub']['key']}-{f.get('reader', f['name'])}"
    reader = Reader() if fresh else w.readers[key][0]
    home = os.path.join(RUN, fl.server, "home", user)
    # a fresh start: the clone must happen in this run
    for d in [clone_dir(f)] + (["demo-env"] if fresh else []):
        shutil.rmtree(os.path.join(home, d), ignore_errors=True)
    converted = step_convert(w, fl, "jupyterhub", "hub/user-redirect/git-pull")
    if fresh:
        page = hub_login(fl, reader, converted, user)
        w.readers[key] = (reader, fl.hub, user)
        page = hub_spawn(fl, reader, page, converted, user)
    else:
        page = reader.nav(converted, "cross-site")
        fl.expect(page.url.startswith(f"{fl.hub}user/{user}/git-pull?") and page.status == 200
                  and urllib.parse.urlsplit(page.url).query == urllib.parse.urlsplit(converted).query, "open",
                  f"logged in, server running: the link goes straight to {page.url.split('?')[0]}?<the link's query>",
                  f"logged in with a running server, the link opens /user/{user}/git-pull?<the link's query>", page.describe)
    api = step_clone(w, fl, reader, page, home)
    if "xsrf" in f.get("checks", []):
        step_xsrf(fl, reader, api)
    step_land(w, fl, reader, page, f"{fl.hub}user/{user}/", f"/user/{user}/")
    if "env-not-cloned" in f.get("checks", []):
        fl.expect(not os.path.exists(os.path.join(home, "demo-env")), "env", "the environment repository was not cloned (the hub's own environment runs it)",
                  "the environment repository is not cloned into the home", lambda: str(os.listdir(home)))
    return f"{fl.server} tree {w.note_mem(fl.server)} MiB with {user}'s server"


# ---------------------------------------------------------------------------------------------
# Jupyter Server

def walk_lab(w, fl):
    f = fl.f
    reader, home = Reader(), os.path.join(RUN, "lab", "home")
    shutil.rmtree(os.path.join(home, clone_dir(f)), ignore_errors=True)
    converted = step_convert(w, fl, "jupyter-server", "git-pull")
    login_cookie = f"username-127-0-0-1-{P['LAB_PORT']}"
    if f["serverAuth"] == "url-token":
        # the reader opens their server once with the token it printed (…/lab?token=…): a cookie
        page = reader.nav(f"{fl.hub}lab?token={P['LAB_TOKEN']}", "none")
        fl.expect(page.status == 200 and reader.cookie(login_cookie, "/"), "login", f"{fl.hub}lab?token=… (first visit) → 200 and the server's login cookie",
                  f"GET {fl.hub}lab?token=$LAB_TOKEN sets the login cookie", page.describe)
        page = reader.nav(converted, "cross-site")
    else:
        # logged out: the link lands on the login form (next = the git-pull link); the reader types the token
        page = reader.nav(converted, "cross-site")
        if not (page.status == 200 and page.url.startswith(f"{fl.hub}login?next=")
                and pull_query(page.url).get("next") == "/git-pull?" + urllib.parse.urlsplit(converted).query):
            fl.fail("login", "GET the converted link logged out → the server's login form, next = the git-pull link", page.describe())
        action, xsrf = page.form()
        page = reader.nav(fl.origin + action, "same-origin", headers={"Origin": fl.origin, "Referer": page.url},
                          data={"password": P["LAB_TOKEN"], "_xsrf": xsrf})
        fl.expect(reader.cookie(login_cookie, "/"), "login", f"the login form with the token typed in → the server's login cookie, sent on to {page.url.split('?')[0]}",
                  "POST the token into the login form", page.describe)
    fl.expect(page.status == 200 and page.url == converted and "data-repo=" in page.text, "spawn", f"(nothing to start) the link opens nbgitpuller's page at {page.url}",
              "the converted link opens nbgitpuller's page, logged in by cookie", page.describe)
    step_clone(w, fl, reader, page, home)
    step_land(w, fl, reader, page, fl.hub, "/")
    return f"lab tree {w.note_mem('lab')} MiB"


# ---------------------------------------------------------------------------------------------
# BinderHub: what the stand-in receives, read the way BinderHub reads it

def binder_spec(provider, spec):
    """BinderHub's reading of a spec: gh splits at the second "/"; the others at the first, both
    halves unquoted."""
    if provider == "gh":
        parts = spec.split("/")
        return "/".join(parts[:2]), "/".join(parts[2:])
    repo, _, ref = spec.partition("/")
    return urllib.parse.unquote(repo), urllib.parse.unquote(ref)


def walk_binder(w, fl):
    f, launch = fl.f, fl.f["launch"]
    base = urllib.parse.urlsplit(fl.hub).path
    converted, err = w.rewrite(fl.hub, "binderhub", f["href"], f.get("envRepo") or None)
    fl.expect(converted.startswith(f"{fl.hub}v2/{launch['provider']}/"), "convert",
              f"byob rewrite --kind binderhub{' --env-repo ' + f['envRepo'] if f.get('envRepo') else ''} → {converted}",
              f"byob rewrite --hub {fl.hub} --kind binderhub '{f['href']}' → {fl.hub}v2/{launch['provider']}/…", f"got: {converted}\nstderr: {err}", logs=[])
    before = len(request(f"{fl.hub}_standin/launches").json())
    page = Reader().nav(converted, "cross-site")
    fl.expect(page.status == 200 and page.url == converted and "window.pageConfig" in page.text, "launch",
              f"GET → 200, the BinderHub launch page (provider {launch['provider']} known)", "GET the converted link → 200 launch page", page.describe)
    # the entry this request made: after those seen before, with the raw target sent (another test may launch at the same time)
    raw = base + converted[len(fl.hub):]
    entries = request(f"{fl.hub}_standin/launches").json()[before:]
    e = next((x for x in entries if x["raw"] == raw), None)
    try:
        query = pull_query("?" + decode_uri(e["query"])) if e else {}
        ok = e is not None and (e["path"], e["provider"], e["status"]) == (base + launch["path"], launch["provider"], 200) \
            and binder_spec(e["provider"], e["spec"]) == (launch["repo"], launch["ref"]) and matches(query, launch["query"])
    except ValueError as err:
        ok, query = False, str(err)
    fl.expect(ok, "recorded", f"path {base}{launch['path']} raw, {launch['repo']} at {launch['ref']}, the query as BinderHub's launch page reads it (decodeURI, then form decoding)",
              f"the stand-in recorded path {base}{launch['path']}, {launch['repo']} at {launch['ref']} and the query {json.dumps(launch['query'])}",
              f"sent: {raw}\nread: {json.dumps(query)}\nrecorded (new): {json.dumps(entries, indent=1)[:1500]}")


def decode_uri(s):
    """JavaScript's decodeURI: escapes decoded, but those of reserved characters kept. BinderHub's
    launch page applies it to its query before URLSearchParams."""
    def one(m):
        try:
            text = urllib.parse.unquote_to_bytes(m.group(0)).decode("utf-8")
        except UnicodeDecodeError:
            return m.group(0)
        return "".join(urllib.parse.quote(ch, safe="") if ch in ";/?:@&=+$,#" else ch for ch in text)
    return re.sub(r"(?:%[0-9A-Fa-f]{2})+", one, s)


# ---------------------------------------------------------------------------------------------

WALKERS = {"jupyterhub": walk_jupyterhub, "jupyter-server": walk_lab, "binderhub": walk_binder}


def run_flows(c, w, flows):
    for i, f in enumerate(flows):
        print(f"--- flow {f['id']}: {f['hub']['label']} ← {f['what']}", flush=True)
        fl = Flow(c, f)
        try:
            note = WALKERS[f["hub"]["kind"]](w, fl)
            print(f"    flow {f['id']} done in {time.monotonic() - fl.t0:.1f} s{', ' + note if note else ''}", flush=True)
        except FlowFailed:
            print("     (the flow's later steps skipped)", flush=True)
        finally:
            # a shared reader keeps its server only for the next flow of the same reader
            key = (f["hub"]["key"], f.get("reader", f["id"]))
            following = flows[i + 1] if i + 1 < len(flows) else None
            if key in w.readers and not (following and (following["hub"]["key"], following.get("reader", following["id"])) == key):
                w.stop_user(key)


def main(argv):
    c = Checks()
    byob = require_cli()
    only = re.compile(argv[1]) if len(argv) > 1 else None
    t0 = time.monotonic()
    table = Table(P)
    names = ["git", *[s for s in table.servers("http", only) if s != "git"]]
    with Servers(names):
        print(f"servers up in {time.monotonic() - t0:.1f} s ({' '.join(names)})", flush=True)
        with open(os.path.join(RUN, "git", "repos.json")) as f:
            book_commit = json.load(f)["demo-book"]["commit"]
        table = Table(P, book_commit)
        flows = [f for f in table.flows("http") if not only or only.search(f["id"])]
        w = Walk(c, table, byob, book_commit)
        try:
            run_flows(c, w, flows)
        finally:
            w.stop_all()
        print("--- memory (peak resident size of each server's process tree during the flows)")
        for s, mib in w.peak.items():
            print(f"    {s}: {mib} MiB")
        for s in ("git", "binder", "binder-prefix"):
            if servers.recorded(s):
                print(f"    {s}: {servers.tree_mib(s)} MiB")
    print(f"test-flows: {time.monotonic() - t0:.1f} s in all")
    return c.summary()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
