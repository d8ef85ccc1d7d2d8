#!/usr/bin/env python3
"""A stand-in for BinderHub, written from the shapes in docs/protocols.md section 1.

No registry reachable here ships a current BinderHub, so the test servers play its public
surface with the standard library only:

full mode (a BinderHub with its UI), everything under --base:
  versions            200 JSON {"builder_info", "binderhub", "builder"}, Access-Control-Allow-Origin: *
  health              200 JSON {"ok": true, "checks": [...]}
  api/repoproviders   200 JSON list of the enabled providers
  v2/<provider>/<spec> 200 HTML launch page with window.pageConfig; each request is recorded
                       (raw path and query exactly as received) as one JSON line in --log
  anything else       200 HTML UI page with window.pageConfig (the UI catch-all; this is why
                       a BinderHub answers hub/api/ and api with HTML)
  _standin/launches   GET: the recorded launches as a JSON list; DELETE: forget them

--api-only (binderhub-service, a BinderHub API behind a JupyterHub at /services/binder/):
  versions and health as above, 404 for everything else, including v2/ and the UI.

Paths outside --base are 404 in both modes.
"""

import argparse
import html
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BINDERHUB_VERSION = "0.2.0+1763.gfaafab2"
BUILD_IMAGE = "quay.io/jupyterhub/repo2docker:2024.07.0-153.g0e13bf1"

# (id, display name, validateRegex of the spec, whether the repo part is url-encoded)
PROVIDERS = [
    ("gh", "GitHub", r"[^/]+/[^/]+/.+", False),
    ("gist", "Gist", r"[^/]+/[^/]+(/.*)?", False),
    ("gl", "GitLab.com", r"[^/]+/.+", True),
    ("git", "Git repository", r"[^/]+/.+", True),
    ("zenodo", "Zenodo DOI", r"10\.\d+/(.)+", False),
    ("figshare", "Figshare DOI", r"10\.\d+/(.)+", False),
    ("hydroshare", "Hydroshare resource", r".+", False),
    ("dataverse", "Dataverse DOI", r"10\.\d+/(.)+", False),
    ("ckan", "CKAN dataset", r".+", True),
]


def repo_providers():
    """The shape of BinderHub's `api/repoproviders` and of `pageConfig.repoProviders`."""
    return [
        {
            "id": pid,
            "displayName": name,
            "spec": {"validateRegex": regex},
            "repo": {"label": "Repository", "placeholder": "", "urlEncode": encode},
            "ref": {"enabled": pid not in ("zenodo", "figshare", "hydroshare", "dataverse", "ckan")},
        }
        for pid, name, regex, encode in PROVIDERS
    ]


def versions():
    return {
        "builder_info": {"build_image": BUILD_IMAGE},
        "binderhub": BINDERHUB_VERSION,
        "builder": BUILD_IMAGE,
    }


def health():
    return {
        "ok": True,
        "checks": [
            {"service": "Hub", "ok": True},
            {"service": "Pod quota", "ok": True, "total_pods": 0, "build_pods": 0, "user_pods": 0, "quota": None},
        ],
    }


class Launches:
    """The launch log: one JSON object a line, appended and flushed per request."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        if path:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            open(path, "a").close()

    def record(self, entry):
        if not self.path:
            return
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


def make_handler(base, api_only, launches):
    class Handler(BaseHTTPRequestHandler):
        server_version = "byob-binderhub-standin/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            sys.stderr.write("%s [standin] %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

        def send(self, status, body, content_type, headers=()):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def send_json(self, status, value, headers=()):
            self.send(status, json.dumps(value), "application/json", headers)

        def not_found(self):
            self.send(404, "<html><title>404: Not Found</title><body>404: Not Found</body></html>",
                      "text/html; charset=UTF-8")

        def page(self, title, status=200):
            config = {
                "baseUrl": base,
                "badgeBaseUrl": "",
                "logoUrl": "",
                "logoWidth": "",
                "repoProviders": repo_providers(),
                "aboutMessage": "",
                "bannerHtml": "",
                "binderVersion": BINDERHUB_VERSION,
            }
            # json.dumps escapes no "<"; keep "</script>" in a spec from closing the tag.
            config_js = json.dumps(config).replace("<", "\\u003c")
            body = (
                "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(title)}</title>\n"
                f"<script>window.pageConfig = {config_js};</script>\n"
                "</head><body><div id=\"root\"></div></body></html>\n"
            )
            self.send(status, body, "text/html; charset=UTF-8")

        def route(self):
            raw = self.path  # the request-target exactly as received: never unquoted here
            path, _, query = raw.partition("?")
            if not path.startswith(base):
                return self.not_found()
            rel = path[len(base):]
            if rel == "versions":
                return self.send_json(200, versions(), [("Access-Control-Allow-Origin", "*")])
            if rel == "health":
                return self.send_json(200, health())
            if api_only:
                return self.not_found()
            if rel == "api/repoproviders":
                return self.send_json(200, repo_providers())
            if rel == "_standin/launches":
                if self.command == "DELETE":
                    launches.clear()
                    return self.send_json(200, [])
                return self.send_json(200, launches.read())
            if rel.startswith("v2/"):
                provider, _, spec = rel[3:].partition("/")
                known = any(provider == p[0] for p in PROVIDERS)
                status = 200 if known and spec else 404
                launches.record({
                    "time": time.time(),
                    "method": self.command,
                    "raw": raw,
                    "path": path,
                    "query": query,
                    "provider": provider,
                    "spec": spec,
                    "status": status,
                })
                return self.page(f"Binder: {provider}/{spec}", status)
            return self.page("Binder")

        def do_GET(self):
            self.route()

        def do_HEAD(self):
            self.route()

        def do_DELETE(self):
            raw_path = self.path.partition("?")[0]
            if not self.path.startswith(base) or raw_path[len(base):] != "_standin/launches" or api_only:
                return self.send(405, "method not allowed", "text/plain")
            self.route()

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0") or 0))
    parser.add_argument("--base", default="/", help="base path, starting and ending with / (default /)")
    parser.add_argument("--api-only", action="store_true", help="play binderhub-service: versions and health only")
    parser.add_argument("--log", default=None, help="JSON-lines file recording each v2/ launch request")
    parser.add_argument("--pid-file", default=None, help="write the PID here (for stop.sh, when a hub runs this)")
    args = parser.parse_args(argv)

    base = args.base
    if not base.startswith("/"):
        base = "/" + base
    if not base.endswith("/"):
        base += "/"
    if not args.port:
        parser.error("--port is required")

    handler = make_handler(base, args.api_only, Launches(args.log))
    if args.pid_file:
        with open(args.pid_file, "w") as f:
            f.write(f"{os.getpid()}\n")
    server = ThreadingHTTPServer((args.host, args.port), handler)
    server.daemon_threads = True
    mode = "api-only" if args.api_only else "full"
    print(f"binderhub stand-in ({mode}) on http://{args.host}:{args.port}{base}", flush=True)
    # A process started in the background by a non-interactive shell inherits SIGINT ignored,
    # and JupyterHub stops a managed service with SIGINT first (then waits 10 s): exit at once
    # on SIGINT and SIGTERM whatever the parent did.
    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
