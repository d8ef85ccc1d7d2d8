#!/usr/bin/env python3
"""A stand-in for BinderHub, written from the upstream sources' shapes (jupyterhub/binderhub:
binderhub/app.py, base.py, main.py, builder.py, health.py, launcher.py; docs/binderhub-standin.md
says what it models and what it leaves out). No registry reachable here ships a current
BinderHub, so the tests' servers play it with the standard library only.

Every path is under --base. Both modes:
  versions               200 JSON {"builder_info", "binderhub", "builder"}; Access-Control-Allow-Origin: *
  health                 {"ok", "checks": [{"service": "Docker registry"|"JupyterHub API", "ok"}]},
                         application/json; charset=UTF-8, 503 when the JupyterHub behind it is down
  metrics                Prometheus text (binderhub_* families)
  api/repoproviders      JSON list of the providers' display config
  build/<provider>/<spec>  text/event-stream (Accept: text/event-stream, else 400): waiting →
                         fetching → built → launching … → ready {url, token, image, repo_url, …}
                         (?build_only=true in API-only mode: ready with imageName, no launch)
  OPTIONS <any handled path>  200; every answer carries Access-Control-Allow-Headers: cache-control
full mode adds the UI:
  v2/<provider>/<spec>   200 launch page: pageConfig with buildToken (a JWT for
                         "<provider>/<spec>"), and a script that reads the query as the real
                         page does and follows the build stream (binderhub-launch-page.js);
                         every request is recorded raw in --log
  anything else          200 UI page with window.pageConfig (hub/api/, api and unknown
                         providers included)
--api-only (the binderhub-service chart): 404 for everything but the list above.

Launches: with --hub-url (and JUPYTERHUB_API_URL, JUPYTERHUB_API_TOKEN, which JupyterHub gives
a managed service) the "image" is a shallow clone of the repository (git provider) under
--images, and the launch is real: a temporary user on that JupyterHub, whose spawner starts a
plain Jupyter Server on the image with the launch's token (jupyterhub_config.py,
BinderLikeSpawner). Without --hub-url, launches go to a fake single-user server inside the
stand-in (<base>_standin/server/<name>/…) that records what reached it.

Test hooks (not BinderHub's): GET/DELETE <base>_standin/launches (the v2/ requests),
GET <base>_standin/servers (each launch {launched: <user>, url, token}, and each request that
reached a fake server {name, path, query, params, token: whether the launch's token came}),
DELETE <base>_standin/servers (stop and delete them).
"""

import argparse
import base64
import hashlib
import hmac
import html
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import servers

HERE = os.path.dirname(os.path.abspath(__file__))
BINDERHUB_VERSION = "0.2.0+1763.gfaafab2"
BUILD_IMAGE = "quay.io/jupyterhub/repo2docker:2024.07.0-153.g0e13bf1"
NOT_FOUND = "<html><title>404: Not Found</title><body>404: Not Found</body></html>"
# How long a finished build stream stays open (the real one: 60 s, so that a browser's
# EventSource closes first and does not reconnect into a new build).
STREAM_LINGER_S = 60

# id: (displayName, spec validateRegex, detect regex, repo label, urlEncode, ref)
PROVIDERS = {
    "gh": ("GitHub", r"[^/]+/[^/]+/.+", r"^(https?://github.com/)?(?<repo>.*[^/])/?", "GitHub repository name or URL", False, True),
    "gist": ("GitHub Gist", r"[^/]+/[^/]+(/[^/]+)?", r"^(https?://gist.github.com/)?(?<repo>.*[^/])/?", "Gist ID (username/gistId) or URL", False, True),
    "git": ("Git repository", r"[^/]+/.+", None, "Arbitrary git repository URL", True, True),
    "gl": ("GitLab", r"[^/]+/.+", r"^(https?://gitlab.com/)?(?<repo>.*[^/])/?", "GitLab repository name or URL", True, True),
    "zenodo": ("Zenodo DOI", r"10\.\d+\/(.)+", None, "Zenodo DOI", False, False),
    "figshare": ("FigShare DOI", r"10\.\d+\/(.)+", None, "FigShare DOI", False, False),
    "hydroshare": ("Hydroshare resource", r"[^/]+", None, "Hydroshare resource id", True, False),
    "dataverse": ("Dataverse DOI", r"10\.\d+\/(.)+", None, "Dataverse DOI", False, False),
    "ckan": ("CKAN dataset", r"[^/]+", None, "CKAN dataset URL", True, False),
}
METRICS = [
    ("binderhub_build_time_seconds", "histogram", "Histogram of build times"),
    ("binderhub_launch_time_seconds", "histogram", "Histogram of launch times"),
    ("binderhub_build_count", "counter", "Counter of builds by repo"),
    ("binderhub_launch_count", "counter", "Counter of launches by repo"),
    ("binderhub_inprogress_builds", "gauge", "Builds currently in progress"),
    ("binderhub_inprogress_launches", "gauge", "Launches currently in progress"),
]


def repo_providers():
    """`api/repoproviders` and `pageConfig.repoProviders`: each provider's display config."""
    out = []
    for pid, (name, regex, detect, label, encode, ref) in PROVIDERS.items():
        entry = {"displayName": name, "id": pid, "spec": {"validateRegex": regex}}
        if detect:
            entry["detect"] = {"regex": detect}
        entry["repo"] = {"label": label, "placeholder": "", "urlEncode": encode}
        entry["ref"] = {"enabled": True, "default": "HEAD"} if ref else {"enabled": False}
        out.append(entry)
    return out


def log(msg):
    sys.stderr.write("%s [standin] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class BuildTokens:
    """Build tokens as BinderHub makes them: HS256 JWTs {exp, aud: "<provider>/<spec>", origin}."""

    def __init__(self):
        self.secret = os.urandom(32)

    def make(self, audience, origin, seconds=3600):
        head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = b64(json.dumps({"exp": int(time.time()) + seconds, "aud": audience, "origin": origin}).encode())
        sig = b64(hmac.new(self.secret, f"{head}.{body}".encode(), hashlib.sha256).digest())
        return f"{head}.{body}.{sig}"

    def valid(self, token, audience):
        try:
            head, body, sig = token.split(".")
            want = b64(hmac.new(self.secret, f"{head}.{body}".encode(), hashlib.sha256).digest())
            claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        except (ValueError, TypeError):
            return False
        return hmac.compare_digest(sig, want) and claims.get("aud") == audience and claims.get("exp", 0) > time.time()


class JsonLines:
    """A record of requests: one JSON object a line, appended and flushed per request."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            open(path, "a").close()

    def add(self, entry):
        if self.path:
            with self.lock, open(self.path, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def read(self):
        if not self.path:
            return []
        with self.lock, open(self.path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def clear(self):
        if self.path:
            with self.lock:
                open(self.path, "w").close()


def unique_name(repo_url):
    """A temporary user's name from the repository (BinderHub's scheme: path, dashes, suffix)."""
    path = urllib.parse.urlparse(repo_url).path if "://" in repo_url else repo_url
    prefix = re.sub(r"[^a-z0-9-]", "-", path.strip("/").replace("/", "-").lower()).removesuffix(".git")
    if len(prefix) > 32:
        prefix = f"{prefix[:15]}-{prefix[-15:]}"
    return f"{prefix}-{''.join(random.choices(string.ascii_lowercase + string.digits, k=8))}"


def repo_of(provider, spec):
    """(clone URL or None, ref) of a spec: gh and gl by BinderHub's reading, git as written."""
    if provider == "gh":
        parts = spec.split("/", 2)
        return (f"https://github.com/{parts[0]}/{parts[1]}", parts[2]) if len(parts) == 3 else (None, "")
    if provider in ("git", "gl"):
        repo, _, ref = spec.partition("/")
        repo = urllib.parse.unquote(repo)
        return (repo if provider == "git" else f"https://gitlab.com/{repo}", urllib.parse.unquote(ref) or "HEAD")
    return None, ""


class FakeHub:
    """No JupyterHub behind the stand-in: launches go to a fake single-user server inside it."""

    def __init__(self, servers_log):
        self.servers = servers_log
        self.launched = []

    def healthy(self):
        return True

    def launch(self, image, repo_url, public_base, emit):
        name = unique_name(repo_url or "repo")
        token = b64(os.urandom(16))
        emit({"phase": "launching", "message": f"Server requested for {name}\n"})
        self.launched.append({"name": name, "token": token})
        url = f"{public_base}_standin/server/{name}/"
        self.servers.add({"time": time.time(), "launched": name, "url": url, "token": token})
        return {"url": url, "token": token}

    def stop_all(self):
        stopped, self.launched = self.launched, []
        return [s["name"] for s in stopped]


class JupyterHubLauncher:
    """Launches on a real JupyterHub through its REST API, as BinderHub's launcher does without
    authentication: a temporary user, a server started with {image, token, repo_url}, its
    progress stream followed to `ready`."""

    def __init__(self, hub_url, api_url, token, servers_log):
        self.servers = servers_log
        self.hub_url = hub_url
        self.api_url = api_url.rstrip("/") + "/"
        self.token = token
        self.launched = []

    def request(self, method, path, body=None, timeout=10):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.api_url + path, data=data, method=method,
                                     headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        return urllib.request.urlopen(req, timeout=timeout)

    def healthy(self):
        try:
            with self.request("GET", "health", timeout=3) as r:
                return r.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def launch(self, image, repo_url, public_base, emit):
        name = unique_name(repo_url or "repo")
        token = b64(os.urandom(16))
        self.request("POST", f"users/{name}", body={}).close()
        self.launched.append(name)
        self.request("POST", f"users/{name}/server", body={"image": image, "token": token, "repo_url": repo_url}).close()
        with self.request("GET", f"users/{name}/server/progress", timeout=120) as stream:
            for raw in stream:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                event = json.loads(line[5:])
                emit({"phase": "launching", "message": event.get("message", "") + "\n"})
                if event.get("failed"):
                    raise RuntimeError(event.get("message", "the server failed to start"))
                if event.get("ready"):
                    break
        url = f"{self.hub_url}user/{name}/"
        self.servers.add({"time": time.time(), "launched": name, "url": url, "token": token})
        return {"url": url, "token": token}

    def stop_all(self):
        names, self.launched = self.launched, []
        for name in names:
            for path in (f"users/{name}/server", f"users/{name}"):
                try:
                    self.request("DELETE", path, timeout=30).close()
                except (OSError, urllib.error.URLError) as e:
                    log(f"deleting {path}: {e}")
        return names


class Builder:
    """The build: the ref resolved (git ls-remote) and, when a JupyterHub runs the image, the
    image made: a shallow clone of the repository under `images`."""

    def __init__(self, images):
        self.images = images
        self.lock = threading.Lock()

    def build(self, provider, spec, emit, need_image):
        repo, ref = repo_of(provider, spec)
        if provider != "git":
            # Only the git provider's repositories are reachable here (the local git server).
            emit({"phase": "fetching", "message": f"Not fetching {provider}:{spec} (the stand-in builds only git repositories)\n"})
            return f"standin/{provider}-{hashlib.sha1(spec.encode()).hexdigest()[:12]}:{ref or 'latest'}", None, repo
        emit({"phase": "fetching", "message": f"Resolving {ref} of {repo}\n"})
        out = subprocess.run(["git", "ls-remote", repo, ref], capture_output=True, text=True, timeout=30)
        commit = (out.stdout.split() or [""])[0]
        if out.returncode != 0 or not commit:
            raise RuntimeError(f"Could not resolve ref for git:{spec}. Double check your URL and that your repo is public.")
        image_name = f"standin/{unique_name(repo).rsplit('-', 1)[0]}:{commit}"
        if not need_image:
            return image_name, None, repo
        path = os.path.join(self.images, commit)
        with self.lock:
            if not os.path.isdir(path):
                emit({"phase": "building", "message": f"Cloning {repo} at {ref} into the image\n"})
                branch = [] if ref == "HEAD" else ["--branch", ref]
                tmp = path + ".tmp"
                shutil.rmtree(tmp, ignore_errors=True)
                subprocess.run(["git", "clone", "--quiet", "--depth", "1", *branch, repo, tmp], check=True, capture_output=True, timeout=60)
                shutil.rmtree(os.path.join(tmp, ".git"))
                os.rename(tmp, path)
        return image_name, path, repo


class Metrics:
    """The counts behind `metrics`, in Prometheus' text format."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts = {}

    def inc(self, name, labels):
        with self.lock:
            key = (name, tuple(sorted(labels.items())))
            self.counts[key] = self.counts.get(key, 0) + 1

    def text(self):
        lines = []
        with self.lock:
            for name, kind, help_text in METRICS:
                lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
                if kind == "gauge":
                    lines.append(f"{name} 0.0")
                for (n, labels), value in sorted(self.counts.items()):
                    if n == name:
                        shown = ",".join(f'{k}="{v}"' for k, v in labels)
                        lines.append(f"{name}{{{shown}}} {float(value)}")
        return "\n".join(lines) + "\n"


class Standin:
    """What the handlers share: the configuration and the state of one stand-in."""

    def __init__(self, args):
        self.base = args.base
        self.api_only = args.api_only
        self.launches = JsonLines(args.log)
        self.servers = JsonLines(args.servers_log)
        self.tokens = BuildTokens()
        self.metrics = Metrics()
        self.builder = Builder(args.images)
        if args.hub_url:
            api = os.environ.get("JUPYTERHUB_API_URL") or args.hub_url + "hub/api"
            self.hub = JupyterHubLauncher(args.hub_url, api, os.environ.get("JUPYTERHUB_API_TOKEN", ""), self.servers)
        else:
            self.hub = FakeHub(self.servers)
        with open(os.path.join(HERE, "binderhub-launch-page.js"), "rb") as f:
            self.bundle = f.read()

    def page_config(self, extra=None):
        config = {
            "baseUrl": self.base,
            "badgeBaseUrl": "",
            "logoUrl": f"{self.base}static/logo.svg",
            "logoWidth": "320px",
            "repoProviders": repo_providers(),
            "aboutMessage": "",
            "bannerHtml": "",
            "binderVersion": BINDERHUB_VERSION,
        }
        config.update(extra or {})
        return config


class Handler(BaseHTTPRequestHandler):
    """BinderHub's surface, one request at a time; the stand-in's state is the server's (`st`)."""
    server_version = "TornadoServer/6.4"
    protocol_version = "HTTP/1.1"

    @property
    def st(self):
        return self.server.st

    def log_message(self, fmt, *args):
        log(fmt % args)

    def send(self, status, body, content_type, headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        # BaseHandler.set_default_headers: on every answer of a BinderHub handler
        self.send_header("Access-Control-Allow-Headers", "cache-control")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def json(self, status, value, content_type="application/json", headers=()):
        self.send(status, json.dumps(value), content_type, headers)

    def not_found(self):
        # tornado's own 404: no BinderHub handler, so no BinderHub headers
        data = NOT_FOUND.encode()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def public_base(self):
        return f"http://{self.headers.get('Host', '127.0.0.1')}{self.st.base}"

    def ui(self, title, extra=None):
        config = json.dumps(self.st.page_config(extra)).replace("<", "\\u003c")
        body = (
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
            f"  <title>{html.escape(title)}</title>\n"
            f"  <script>\n    window.pageConfig = {config};\n  </script>\n</head>\n"
            "<body>\n<div id=\"root\"><h1>Binder</h1><p>Phase: <span id=\"phase\">page</span></p>"
            "<pre id=\"log\"></pre></div>\n</body>\n"
            f"<script src=\"{self.st.base}static/dist/bundle.js\"></script>\n</html>\n"
        )
        self.send(200, body, "text/html; charset=UTF-8")

    def route(self):
        raw = self.path  # the request target as received: never unquoted here
        path, _, query = raw.partition("?")
        if not path.startswith(self.st.base):
            return self.not_found()
        rel = path[len(self.st.base):]
        if self.command == "DELETE" and not rel.startswith("_standin/"):
            return self.send(405, "Method Not Allowed", "text/plain")
        if self.command == "OPTIONS":
            return self.options(rel)
        api = {"versions": self.versions, "health": self.health, "metrics": self.metrics,
               "api/repoproviders": self.repoproviders}
        if rel in api:
            return api[rel]()
        if rel.startswith("build/") and re.match(r"build/[^/]+/.+", rel):
            return self.build(rel, query)
        if rel.startswith("_standin/"):
            return self.hooks(rel, query)
        if self.st.api_only:
            return self.not_found()
        if rel == "static/dist/bundle.js":
            return self.send(200, self.st.bundle, "application/javascript")
        if rel.startswith("v2/"):
            return self.launch_page(raw, path, query, rel)
        return self.ui("Binder")

    def options(self, rel):
        handled = rel in ("versions", "health", "metrics", "api/repoproviders") or rel.startswith("build/")
        if not handled and self.st.api_only:
            return self.not_found()
        headers = [("Access-Control-Allow-Origin", "*")] if rel == "versions" else []
        self.send(200, b"", "text/html; charset=UTF-8", headers)

    def versions(self):
        self.json(200, {"builder_info": {"build_image": BUILD_IMAGE}, "binderhub": BINDERHUB_VERSION,
                        "builder": BUILD_IMAGE}, headers=[("Access-Control-Allow-Origin", "*")])

    def health(self):
        checks = [{"service": "Docker registry", "ok": True}, {"service": "JupyterHub API", "ok": self.st.hub.healthy()}]
        ok = all(c["ok"] for c in checks)
        self.json(200 if ok else 503, {"ok": ok, "checks": checks}, "application/json; charset=UTF-8")

    def metrics(self):
        self.send(200, self.st.metrics.text(), "text/plain; version=0.0.4; charset=utf-8")

    def repoproviders(self):
        self.json(200, repo_providers())

    def launch_page(self, raw, path, query, rel):
        provider, _, spec = rel[3:].partition("/")
        extra = {}
        if provider in PROVIDERS and spec:
            extra["buildToken"] = self.st.tokens.make(f"{provider}/{spec}", self.headers.get("Host", ""))
        self.st.launches.add({"time": time.time(), "method": self.command, "raw": raw, "path": path, "query": query,
                         "provider": provider, "spec": spec, "status": 200})
        self.ui(f"Binder: {provider}/{spec}", extra)

    def hooks(self, rel, query):
        if rel == "_standin/launches":
            if self.command == "DELETE":
                self.st.launches.clear()
            return self.json(200, self.st.launches.read())
        if rel == "_standin/servers":
            if self.command == "DELETE":
                return self.json(200, {"stopped": self.st.hub.stop_all()})
            return self.json(200, self.st.servers.read())
        m = re.match(r"_standin/server/([^/]+)/(.*)$", rel)
        if m and isinstance(self.st.hub, FakeHub):
            return self.fake_server(m.group(1), m.group(2), query)
        return self.not_found()

    def fake_server(self, name, rest, query):
        """A single-user server that only says what reached it."""
        known = next((s for s in self.st.hub.launched if s["name"] == name), None)
        params = urllib.parse.parse_qsl(query, keep_blank_values=True)
        entry = {"time": time.time(), "name": name, "path": rest, "query": query, "params": params,
                 "token": known is not None and ("token", known["token"]) in params}
        self.st.servers.add(entry)
        self.send(200, "<!DOCTYPE html><html><head><title>stand-in Jupyter server</title></head><body>"
                  f"<h1>stand-in Jupyter server {html.escape(name)}</h1><pre id=\"request\">{html.escape(json.dumps(entry))}</pre>"
                  "</body></html>", "text/html; charset=UTF-8")

    def build(self, rel, query):
        if "text/event-stream" not in self.headers.get("Accept", ""):
            return self.send(400, "Missing Accept header: text/event-stream", "text/plain")
        _, provider, spec = rel.split("/", 2)
        args = urllib.parse.parse_qs(query)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Access-Control-Allow-Headers", "cache-control")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            self.build_events(provider, spec.rstrip("/"), args)
            self.linger()
        except (BrokenPipeError, ConnectionResetError):
            log(f"build {provider}/{spec}: the client went away")

    def emit(self, event):
        self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        self.wfile.flush()

    def build_events(self, provider, spec, args):
        token = (args.get("build_token") or [""])[0]
        if token and not self.st.tokens.valid(token, f"{provider}/{spec}"):
            return self.emit({"phase": "failed", "status_code": 403, "message": "Invalid build token\n"})
        if provider not in PROVIDERS:
            return self.emit({"phase": "failed", "message": f"No provider found for prefix {provider}\n"})
        build_only = (args.get("build_only") or [""])[0].lower() == "true"
        if build_only and not self.st.api_only:
            return self.emit({"phase": "failed", "status_code": 400, "message": "Building but not launching is not permitted when the API only mode was not enabled by setting `enable_api_only_mode` to True.\n"})
        self.emit({"phase": "waiting", "message": "Waiting for build to start...\n"})
        try:
            image, image_dir, repo = self.st.builder.build(provider, spec, self.emit, need_image=not build_only and isinstance(self.st.hub, JupyterHubLauncher))
        except (RuntimeError, subprocess.SubprocessError, OSError) as e:
            self.st.metrics.inc("binderhub_build_count", {"status": "failure", "provider": provider, "repo": spec})
            return self.emit({"phase": "failed", "message": f"{e}\n"})
        self.st.metrics.inc("binderhub_build_count", {"status": "success", "provider": provider, "repo": spec})
        if build_only:
            return self.emit({"phase": "ready", "imageName": image, "message": "Done! Image built\n"})
        self.emit({"phase": "built", "imageName": image, "message": "Found built image, launching...\n"})
        self.emit({"phase": "launching", "message": "Launching server...\n"})
        try:
            server = self.st.hub.launch(image_dir or image, repo or "", self.public_base(), self.emit)
        except (RuntimeError, OSError, urllib.error.URLError, ValueError) as e:
            self.st.metrics.inc("binderhub_launch_count", {"status": "failure", "provider": provider, "repo": spec})
            return self.emit({"phase": "failed", "message": f"Failed to launch image {image}: {e}\n"})
        self.st.metrics.inc("binderhub_launch_count", {"status": "success", "provider": provider, "repo": spec})
        self.emit({"phase": "ready", "message": f"server running at {server['url']}\n", "image": image,
                   "repo_url": repo or "", "token": server["token"], "binder_ref_url": repo or "",
                   "binder_launch_host": self.public_base(), "binder_request": f"v2/{provider}/{spec}",
                   "binder_persistent_request": f"v2/{provider}/{spec}", "url": server["url"]})

    def linger(self):
        """Keep the finished stream open (keepalive comments) until the client closes it."""
        for _ in range(STREAM_LINGER_S):
            time.sleep(1)
            self.wfile.write(b":keepalive\n\n")
            self.wfile.flush()

    do_GET = do_HEAD = do_OPTIONS = do_DELETE = route


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--base", default="/", help="base path, starting and ending with / (default /)")
    parser.add_argument("--api-only", action="store_true", help="play binderhub-service: no UI, no launch pages")
    parser.add_argument("--hub-url", default=None, help="public URL of the JupyterHub that runs the launches "
                        "(its API: $JUPYTERHUB_API_URL or <hub-url>hub/api, token $JUPYTERHUB_API_TOKEN); "
                        "without it, launches go to a fake server inside the stand-in")
    parser.add_argument("--images", default=None, help="where built images (shallow clones) go (default: a temporary directory)")
    parser.add_argument("--log", default=None, help="JSON-lines file recording each v2/ launch page request")
    parser.add_argument("--servers-log", default=None, help="JSON-lines file recording what reached the fake servers")
    parser.add_argument("--pid-file", default=None, help="write the PID here (for stop.sh, when a hub runs this)")
    args = parser.parse_args(argv)
    args.base = "/" + args.base.strip("/") + "/" if args.base.strip("/") else "/"
    if args.hub_url and not args.hub_url.endswith("/"):
        args.hub_url += "/"
    if not args.images:
        args.images = tempfile.mkdtemp(prefix="byob-standin-images-")
    os.makedirs(args.images, exist_ok=True)
    st = Standin(args)
    if args.pid_file:
        with open(args.pid_file, "w") as f:
            f.write(f"{os.getpid()}\n")
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.st = st
    server.daemon_threads = True
    mode = "api-only" if args.api_only else "full"
    where = f"launches on {args.hub_url}" if args.hub_url else "launches on its fake servers"
    print(f"binderhub stand-in ({mode}, {where}) on http://{args.host}:{args.port}{args.base}", flush=True)

    servers.serve(server)

if __name__ == "__main__":
    main()
