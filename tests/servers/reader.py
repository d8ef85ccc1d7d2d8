"""A reader's browser played over HTTP, for the server tiers (test_flows.py, check_servers.py):
one cookie jar, redirects followed and recorded, and the headers a browser sends
(`Sec-Fetch-Mode: navigate` for page loads, `cors` for the page's own requests: a JupyterHub's
single-user server checks `_xsrf` only for those; tests/servers/README.md). Standard library only.
"""

import html
import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request

ACCEPT_HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class Page:
    """One answer: status, final URL, the redirects on the way, headers and body."""

    def __init__(self, status, url, hops, headers, body):
        self.status = status
        self.url = url
        self.hops = hops  # [(status, Location)]
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def describe(self):
        """What a failed step prints: the status, the redirects, the start of the body."""
        hops = "".join(f"\n  hop: {s} → {loc}" for s, loc in self.hops[-12:])
        return f"→ HTTP {self.status} at {self.url}{hops}\n  body: {self.text[:300]!r}"

    def data_attrs(self):
        """nbgitpuller's page: its <body data-*> values, url-decoded as its index.js decodes them."""
        return {k: urllib.parse.unquote(html.unescape(v)) for k, v in re.findall(r'\bdata-([a-z-]+)="([^"]*)"', self.text)}

    def page_config(self):
        """JupyterLab's page config (the JSON of #jupyter-config-data), or {}."""
        m = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', self.text, re.S)
        return json.loads(m.group(1)) if m else {}

    def form(self):
        """The first form's action and its _xsrf field (a login form)."""
        action = re.search(r'<form[^>]*action="([^"]*)"', self.text)
        xsrf = re.search(r'name="_xsrf" value="([^"]*)"', self.text)
        return (html.unescape(action.group(1)) if action else None), (xsrf.group(1) if xsrf else "")


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects as a browser does (up to 30), recording each hop; or none at all."""
    max_redirections = 30

    def __init__(self, follow):
        self.follow = follow
        self.hops = []

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.hops.append((code, headers.get("Location")))
        return super().redirect_request(req, fp, code, msg, headers, newurl) if self.follow else None


class Reader:
    """A browser with its own cookie jar (cookies ignore ports, as in a browser)."""

    def __init__(self, timeout=90):
        self.jar = http.cookiejar.CookieJar()
        self.timeout = timeout

    def _open(self, url, headers, data=None, method=None, follow=True):
        redirects = _Redirects(follow)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), redirects)
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        req = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with opener.open(req, timeout=self.timeout) as r:
                return Page(r.status, r.url, redirects.hops, r.headers, r.read())
        except urllib.error.HTTPError as e:
            with e:
                return Page(e.code, e.url, redirects.hops, e.headers, e.read())
        except OSError as e:
            return Page(0, url, redirects.hops, {}, f"{type(e).__name__}: {e}".encode())

    def nav(self, url, site, data=None, headers=None):
        """A top-level navigation (redirects followed; `site`: cross-site, same-origin or none)."""
        h = {"Accept": ACCEPT_HTML, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": site, **(headers or {})}
        return self._open(url, h, data)

    def fetch(self, url, headers=None, method=None, data=None):
        """The page's own same-origin request (fetch, EventSource): no redirect followed."""
        h = {"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty", "Sec-Fetch-Site": "same-origin", **(headers or {})}
        return self._open(url, h, data, method, follow=False)

    def cookie(self, name, path=None):
        """The value of cookie `name` (for `path`, when given), HttpOnly ones included."""
        value = None
        for c in self.jar:
            if c.name == name and (path is None or c.path == path):
                value = c.value
        return value
