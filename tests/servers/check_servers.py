#!/usr/bin/env python3
"""Smoke test of the test servers: each answers the discovery probes of docs/protocols.md
section 1 with the shape its real counterpart has, so tests built on them test something real
(make test-servers). Starts every server (reusing any already up), stops those it started.

  python3 tests/servers/check_servers.py

The hubs: their API with and without CORS, redirects, a login starting a single-user server, a
kernel run over its websocket through the proxy (kernel_client.py, in the hub's venv); the plain
Jupyter Server; the git server (smart HTTP, shallow clones, ls-remote); the BinderHub stand-ins
(check_binderhub.py). Ends with "N passed, N failed".
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

import check_binderhub
import servers
from reader import Reader
from servertest import Checks, Servers, ports, request

P = ports()
STOPPING = []  # the threads stopping the check users' servers, joined before the servers stop


def shows(r):
    """A response, as a failed check shows it."""
    where = f" → {r.header('location')}" if r.header("location") else ""
    return f"{r.status}{where}: {r.text()[:160]!r} {r.headers}"


def json_of(r):
    try:
        return r.json()
    except ValueError:
        return None


def spawn_user(hub, user):
    """Log in as `user` (DummyAuthenticator), start the user's server, wait for its /api: the reader."""
    reader = Reader(timeout=60)
    reader.nav(f"{hub}hub/login", "none")
    reader.nav(f"{hub}hub/login?next=%2Fhub%2Fuser-redirect%2Fapi", "same-origin",
               data={"username": user, "password": P["HUB_PASSWORD"], "_xsrf": reader.cookie("_xsrf") or ""})
    for _ in range(120):
        page = reader.nav(f"{hub}user/{user}/api", "none")
        try:
            if page.status == 200 and "version" in page.json():
                return reader, page
        except ValueError:
            pass  # not the server's JSON yet (a spawn page)
        time.sleep(0.5)
    return None, page


def kernel_roundtrip(hub, user, reader):
    """Run print(6 * 7) in a new kernel of the user's server over its websocket, through the
    proxy (kernel_client.py runs in the hub's venv: tornado's websocket client); the kernel's output."""
    reader.nav(f"{hub}user/{user}/lab", "none")  # sets the server's _xsrf cookie
    xsrf = reader.cookie("_xsrf", f"/user/{user}/") or ""
    r = reader.fetch(f"{hub}user/{user}/api/kernels", method="POST", data=b'{"name": "python3"}',
                     headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"})
    kid = r.json()["id"]
    cookies = "; ".join(f"{c.name}={c.value}" for c in reader.jar)
    out = subprocess.run([f"{servers.VENV}/hub6/bin/python", os.path.join(servers.HERE, "kernel_client.py"),
                          f"{hub}user/{user}/api/kernels/{kid}/channels", cookies], capture_output=True, text=True, timeout=90)
    reader.fetch(f"{hub}user/{user}/api/kernels/{kid}", method="DELETE", headers={"X-XSRFToken": xsrf})
    return out.stdout.strip(), out.stderr


def check_hub(c, name, hub, version, cors):
    print(f"--- {name}: JupyterHub {version} at {hub}", flush=True)
    r = request(f"{hub}hub/api/")
    c.check(f'{name} hub/api/ → 200 {{"version": "{version}"}}', r.status == 200 and json_of(r) == {"version": version}, shows(r))
    c.check(f"{name} hub/api/ sends X-JupyterHub-Version: {version}", r.header("x-jupyterhub-version") == version, shows(r))
    if cors:
        c.check(f"{name} hub/api/ sends Access-Control-Allow-Origin: *", r.header("access-control-allow-origin") == "*", shows(r))
    else:
        c.check(f"{name} hub/api/ sends no Access-Control-Allow-Origin", r.header("access-control-allow-origin") is None, shows(r))
    r = request(f"{hub}hub/api")
    c.check(f"{name} hub/api (no slash) → 200 JSON version", r.status == 200 and (json_of(r) or {}).get("version") == version, shows(r))
    r = request(f"{hub}api")
    c.check(f"{name} api → 302 to /hub/api", r.status == 302 and (r.header("location") or "").endswith("/hub/api"), shows(r))
    r = Reader().nav(f"{hub}api", "none")
    c.check(f"{name} api, redirects followed → the hub's JSON", r.status == 200 and r.json().get("version") == version, r.describe())
    r = request(f"{hub}versions")
    c.check(f"{name} versions → 302 to hub/versions", r.status == 302 and (r.header("location") or "").endswith("/hub/versions"), shows(r))
    r = Reader().nav(f"{hub}versions", "none")
    c.check(f"{name} versions, redirects followed → 404", r.status == 404, r.describe())
    r = request(f"{hub}hub/login")
    c.check(f"{name} hub/login → 200 with X-JupyterHub-Version", r.status == 200 and r.header("x-jupyterhub-version") == version, shows(r))
    reader, page = spawn_user(hub, "check")
    c.check(f"{name} login (any user, password {P['HUB_PASSWORD']}) starts a single-user server: /user/check/api → JSON", reader is not None, page.describe())
    c.check(f"{name} the user's home is run/{name}/home/check", os.path.isdir(f"{servers.RUN}/{name}/home/check"))
    if reader:
        said, err = kernel_roundtrip(hub, "check", reader)
        c.check(f"{name} a kernel runs print(6 * 7) over its websocket through the proxy → 42", said == "42", f"got {said!r} {err[-300:]}")
        # the user stops their own server through the REST API; the hub answers once it stopped
        # (seconds): the next checks need not wait for that
        stopping = threading.Thread(target=reader.fetch, args=(f"{hub}hub/api/users/check/server",),
                                    kwargs={"method": "DELETE", "headers": {"X-XSRFToken": reader.cookie("_xsrf", "/hub/") or ""}})
        stopping.start()
        STOPPING.append(stopping)
    else:
        c.check(f"{name} a kernel runs print(6 * 7) over its websocket through the proxy → 42", False, "no server to run it in")


def check_lab(c):
    lab = P["LAB_URL"]
    print(f"--- lab: plain Jupyter Server at {lab}", flush=True)
    r = request(f"{lab}api")
    c.check('lab api → 200 {"version": "2.x"}', r.status == 200 and (json_of(r) or {}).get("version", "").startswith("2."), shows(r))
    c.check("lab api sends no X-JupyterHub-Version", r.header("x-jupyterhub-version") is None, shows(r))
    # Started as a reader starts it, without allow_origin: every foreign Origin is refused, a
    # browser extension's too (the flows show the extension reads it once it has host access,
    # when the browser sends no Origin).
    for origin in ("chrome-extension://abcdefghijklmnop", "moz-extension://0f5e8f3c-1d2b-4c5a-9e6f-7a8b9c0d1e2f", "https://evil.example"):
        r = request(f"{lab}api", headers={"Origin": origin})
        c.check(f"lab api with Origin {origin.split(':')[0]}://… → 404, no Access-Control-Allow-Origin",
                r.status == 404 and r.header("access-control-allow-origin") is None, shows(r))
    r = request(f"{lab}versions")
    c.check("lab versions → 404", r.status == 404, shows(r))
    r = request(f"{lab}hub/api/")
    c.check("lab hub/api/ → 302", r.status == 302, shows(r))
    r = Reader().nav(f"{lab}hub/api/", "none")
    c.check("lab hub/api/, redirects followed → 404", r.status == 404, r.describe())
    r = request(f"{lab}git-pull?repo=https%3A%2F%2Fexample.org%2Frepo&token={P['LAB_TOKEN']}")
    c.check("lab git-pull (nbgitpuller) → 200 HTML", r.status == 200 and re.search(r"git-pull|nbgitpuller", r.text(), re.I) is not None, shows(r))
    r = request(f"{lab}git-pull")
    c.check("lab git-pull without a token → 302 to the login page (not a 404: detection says nothing of nbgitpuller)",
            r.status == 302 and "/login?next=" in (r.header("location") or ""), shows(r))
    # Detection and hub health read a Jupyter Server's git-pull 404 as its own by this header: every page of its own names it.
    csp = "api/security/csp-report"
    login = request(f"{lab}{(r.header('location') or '/').lstrip('/')}")
    c.check(f"lab's login page → 200, its CSP header names {csp} (jupyter_server's own page: detection and hub health read it)",
            login.status == 200 and csp in (login.header("content-security-policy") or ""), shows(login))
    nopull = P["LAB_NOPULL_URL"]
    print(f"--- lab-nopull: the same server without nbgitpuller at {nopull}", flush=True)
    r = request(f"{nopull}api")
    c.check('lab-nopull api → 200 {"version": "2.x"}', r.status == 200 and (json_of(r) or {}).get("version", "").startswith("2."), shows(r))
    for path in ("git-pull", f"git-pull?repo=https%3A%2F%2Fexample.org%2Frepo&token={P['LAB_TOKEN']}"):
        r = request(f"{nopull}{path}")
        c.check(f"lab-nopull {path.split('&')[0]} → 404 (no nbgitpuller), in jupyter_server's name (its CSP header names {csp})",
                r.status == 404 and csp in (r.header("content-security-policy") or ""), shows(r))


def check_git(c, tmp):
    git = P["GIT_URL"]
    print(f"--- git: smart HTTP (git http-backend) at {git}", flush=True)
    r = request(f"{git}demo-book/info/refs?service=git-upload-pack")
    c.check("git demo-book/info/refs?service=git-upload-pack → 200 smart advertisement",
            r.status == 200 and r.header("content-type") == "application/x-git-upload-pack-advertisement", shows(r))
    r = request(f"{git}demo-book/info/refs?service=git-receive-pack")
    c.check("git receive-pack → 403 (read-only)", r.status == 403, shows(r))
    r = request(f"{git}nosuchrepo/info/refs?service=git-upload-pack")
    c.check("git an unknown repository → 404", r.status == 404, shows(r))
    said = subprocess.run(["git", "ls-remote", "--symref", f"{git}demo-book", "HEAD"], capture_output=True, text=True).stdout
    c.check("git ls-remote --symref demo-book HEAD → refs/heads/main (nbgitpuller's default-branch lookup)",
            said.startswith("ref: refs/heads/main\tHEAD"), said)
    with open(f"{servers.RUN}/git/repos.json") as f:
        commit = json.load(f)["demo-book"]["commit"]
    c.check(f"git run/git/repos.json names the commit the server advertises ({commit})", bool(commit) and commit in said, said)
    for repo, branch, what, files, text in (
            ("demo-book", ["--branch", "main"], ' (--depth 1, as nbgitpuller does) of demo-book: intro.ipynb with "BYOB demo notebook 42"',
             ["intro.ipynb", "chapters/two.ipynb", ".git/shallow"], "BYOB demo notebook 42"),
            ("demo-env", [], " of demo-env: requirements.txt", ["requirements.txt"], None)):
        dest = os.path.join(tmp, repo)
        r = subprocess.run(["git", "clone", "--quiet", "--depth", "1", *branch, f"{git}{repo}", dest], capture_output=True, text=True)
        ok = r.returncode == 0 and all(os.path.isfile(os.path.join(dest, p)) for p in files)
        if ok and text:
            with open(os.path.join(dest, "intro.ipynb")) as f:
                ok = text in f.read()
        c.check(f"git shallow clone{what}", ok, r.stderr[-300:])


def main():
    c = Checks()
    with Servers(servers.ALL), tempfile.TemporaryDirectory() as tmp:
        def hub6(c):
            check_hub(c, "hub6", P["HUB6_URL"], "6.1.1", cors=True)

        def hub52(c):
            check_hub(c, "hub52", P["HUB52_URL"], "5.2.1", cors=False)

        def git(c):
            check_git(c, tmp)

        c.sections(hub6, hub52, check_lab, git, check_binderhub.run)
        for t in STOPPING:
            t.join()
    return c.summary()


if __name__ == "__main__":
    sys.exit(main())
