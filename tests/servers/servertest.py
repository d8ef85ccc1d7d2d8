"""What the Python server tiers share (check_servers.py, check_binderhub.py, test_detect.py,
test_faults.py, test_flows.py): the ports, starting and stopping exactly the servers a run
started (servers.py), HTTP requests that never follow redirects, and one line per check ending
in "N passed, N failed".
"""

import http.client
import json
import os
import signal
import sys
import traceback
import urllib.parse

import servers
from servers import HERE, ROOT, ports  # noqa: F401 (what the tiers import from here)


class Servers:
    """`with Servers(["hub6", ...]):` starts what is not up and stops, on the way out, only what
    it started, however the run ends (SIGTERM and SIGHUP too: they leave through here)."""

    def __init__(self, names):
        self.names = names
        self.started = []

    def __enter__(self):
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))
        record = []
        ok = servers.start(self.names, record=record)
        self.started = record
        if not ok:
            self.__exit__(None, None, None)
            raise SystemExit("the servers did not start\n0 passed, 1 failed")
        return self

    def __exit__(self, *exc):
        if self.started:
            servers.stop(self.started)
        self.started = []


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lowercase names
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)

    def text(self):
        return self.body.decode("utf-8", "replace")


def request(url, method="GET", headers=None, timeout=10, limit=None):
    """One request, no redirect followed; `limit` stops reading the body after that many bytes."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    target = u.path + ("?" + u.query if u.query else "")
    conn.request(method, target, headers=headers or {})
    r = conn.getresponse()
    body = r.read(limit) if limit else r.read()
    conn.close()
    return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, body)


def events(url, timeout=60, until=("ready", "failed")):
    """The `data:` events of an event stream, read until a phase in `until` (then closed)."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    conn.request("GET", u.path + ("?" + u.query if u.query else ""), headers={"Accept": "text/event-stream"})
    r = conn.getresponse()
    out = []
    content_type = r.getheader("Content-Type", "")
    try:
        for raw in r:
            line = raw.decode("utf-8", "replace").strip()
            if line.startswith("data:"):
                out.append(json.loads(line[5:]))
                if out[-1].get("phase") in until:
                    break
    finally:
        conn.close()
    return r.status, content_type, out


class Checks:
    """One line per check; `summary()` prints "N passed, N failed" and gives the exit status."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {what}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL {what}", flush=True)
            for line in str(detail).splitlines()[:30]:
                print(f"     | {line}", flush=True)
        return ok

    def run(self, what, fn):
        """A check whose body may raise: the exception fails it, with its message."""
        try:
            ok, detail = fn()
        except Exception as e:  # noqa: BLE001 (any failure of a check is that check's failure)
            ok, detail = False, f"{type(e).__name__}: {e}"
        return self.check(what, ok, detail)

    def sections(self, *fns):
        """Run each `fn(self)` in turn; one that raises is a failed check, and the next still runs."""
        for fn in fns:
            try:
                fn(self)
            except Exception as e:  # noqa: BLE001 (a section that breaks is that section's failure)
                self.check(f"{fn.__name__} ran to its end", False, "".join(traceback.format_exception(e))[-3000:])

    def summary(self, label=""):
        print(f"{label}{self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.failed == 0 else 1


def byob_path():
    return os.environ.get("BYOB", os.path.join(ROOT, "target", "release", "byob"))


def require_cli():
    path = byob_path()
    if not os.access(path, os.X_OK):
        print(f"no CLI at {path} (build it with `make cli`)\n0 passed, 1 failed")
        sys.exit(1)
    return path
