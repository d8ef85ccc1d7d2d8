#!/usr/bin/env python3
"""The BinderHub stand-ins answer with the real BinderHub's shapes (docs/binderhub-standin.md):
at / and under /binder/ (full, no hub behind: launches on fake servers), the API-only one with
its hub gone, the API-only service of hub6 and the full service of hub52 (launching on hub52
for real). Run by check_servers.py (make test-servers), or alone:
`python3 tests/servers/check_binderhub.py` (starts what it needs, stops what it started).
"""

import base64
import json
import re
import sys
import urllib.parse

from servertest import Checks, Servers, events, ports, request

P = ports()
VERSION = "0.2.0+1763.gfaafab2"
BOOK = f"{P['GIT_URL']}demo-book"
GIT_SPEC = f"git/{urllib.parse.quote(BOOK, safe='')}/main"


def page_config(r):
    m = re.search(rb"window\.pageConfig\s*=\s*(\{.*?\});\s*</script>", r.body, re.S)
    return json.loads(m.group(1)) if m else None


def jwt_claims(token):
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def api(c, name, base, hub_up=True):
    """What every mode answers: versions, OPTIONS, health, metrics, api/repoproviders."""
    r = request(f"{base}versions")
    c.check(f"{name} versions → 200 JSON with key binderhub, Access-Control-Allow-Origin: *, no X-JupyterHub-Version",
            r.status == 200 and r.json().get("binderhub") == VERSION and "builder_info" in r.json()
            and r.header("access-control-allow-origin") == "*" and r.header("x-jupyterhub-version") is None, r.headers)
    r = request(f"{base}versions", method="OPTIONS")
    c.check(f"{name} OPTIONS versions → 200, Access-Control-Allow-Origin: *, Access-Control-Allow-Headers: cache-control",
            r.status == 200 and r.header("access-control-allow-origin") == "*" and r.header("access-control-allow-headers") == "cache-control",
            f"{r.status} {r.headers}")
    r = request(f"{base}health")
    names = [ch.get("service") for ch in r.json().get("checks", [])] if r.body.startswith(b"{") else []
    want = (200, True) if hub_up else (503, False)
    c.check(f"{name} health → {want[0]} {{ok: {want[1]}}}, checks Docker registry and JupyterHub API, application/json; charset=UTF-8",
            (r.status, r.json().get("ok")) == want and names == ["Docker registry", "JupyterHub API"]
            and r.header("content-type") == "application/json; charset=UTF-8", f"{r.status} {r.headers} {r.body[:300]}")
    r = request(f"{base}metrics")
    c.check(f"{name} metrics → Prometheus text with the binderhub_* families",
            r.status == 200 and r.header("content-type", ).startswith("text/plain; version=0.0.4")
            and all(f"# TYPE {m} " in r.text() for m in ("binderhub_build_count", "binderhub_launch_time_seconds", "binderhub_inprogress_builds")),
            r.text()[:300])
    r = request(f"{base}api/repoproviders")
    providers = r.json() if r.status == 200 else []
    c.check(f"{name} api/repoproviders → the nine providers with spec.validateRegex and repo.urlEncode",
            [p["id"] for p in providers] == ["gh", "gist", "git", "gl", "zenodo", "figshare", "hydroshare", "dataverse", "ckan"]
            and all("validateRegex" in p["spec"] and "urlEncode" in p["repo"] for p in providers), r.body[:300])
    r = request(f"{base}build/{GIT_SPEC}")
    c.check(f"{name} build/… without Accept: text/event-stream → 400", r.status == 400, r.status)


def ui(c, name, base, path):
    """The full mode's UI: pageConfig everywhere, launch pages with a build token, recorded."""
    r = request(base)
    cfg = page_config(r)
    c.check(f"{name} home page → 200 HTML with pageConfig.baseUrl {path}",
            r.status == 200 and r.header("content-type") == "text/html; charset=UTF-8" and cfg and cfg["baseUrl"] == path
            and cfg["binderVersion"] == VERSION and cfg["repoProviders"], r.body[:300])
    for p in ("hub/api/", "api", "v2/nosuchprovider/a/b", "v2/gh/"):
        r = request(f"{base}{p}")
        cfg = page_config(r)
        c.check(f"{name} {p} → 200 UI page (the page's script says what is wrong), no build token",
                r.status == 200 and cfg is not None and "buildToken" not in cfg, f"{r.status} {r.body[:200]}")
    n0 = len(request(f"{base}_standin/launches").json())
    launch = "v2/gl/gitlab-org%2Fgitlab-foss/v10.0.6?urlpath=git-pull%3Frepo%3Dhttps%253A%252F%252Fgithub.com%252Fo%252Fc%26urlpath%3Dlab%252Ftree%252Fc%252Fx.ipynb"
    r = request(f"{base}{launch}")
    cfg = page_config(r) or {}
    token = cfg.get("buildToken", "")
    c.check(f"{name} v2/gl/… launch page → 200 with pageConfig.buildToken, a JWT for gl/<spec>",
            r.status == 200 and token.count(".") == 2 and jwt_claims(token)["aud"] == "gl/gitlab-org%2Fgitlab-foss/v10.0.6"
            and f'src="{path}static/dist/bundle.js"'.encode() in r.body, cfg)
    js = request(f"{base}static/dist/bundle.js")
    c.check(f"{name} the launch page's script → 200 JavaScript that reads the query with decodeURI",
            js.status == 200 and b"decodeURI" in js.body and b"EventSource" in js.body, js.status)
    got = request(f"{base}_standin/launches").json()
    c.check(f"{name} _standin/launches recorded the launch raw (%2F and %253A kept)",
            len(got) == n0 + 1 and got[-1]["raw"] == f"{path}{launch}" and got[-1]["provider"] == "gl", got[-1:])
    return token


def stream(c, name, base, query="", want_launch=True):
    """The build's event stream, to `ready`."""
    status, content_type, got = events(f"{base}build/{GIT_SPEC}{query}", timeout=90)
    phases = [e.get("phase") for e in got]
    last = got[-1] if got else {}
    if not want_launch:
        c.check(f"{name} build/{GIT_SPEC}?build_only=true → text/event-stream waiting … ready with imageName (no launch)",
                status == 200 and content_type == "text/event-stream" and phases[0] == "waiting" and phases[-1] == "ready"
                and "launching" not in phases and last.get("imageName"), got)
        return None
    c.check(f"{name} build/{GIT_SPEC} → text/event-stream waiting → built → launching → ready with url and token",
            status == 200 and content_type == "text/event-stream" and phases[0] == "waiting" and "built" in phases
            and "launching" in phases and phases[-1] == "ready" and last.get("url") and last.get("token")
            and last.get("binder_request") == f"v2/{GIT_SPEC}", got)
    return last


def failures(c, name, base, token):
    for what, url, want in (
        ("an unknown provider", f"{base}build/nosuch/a/b", "No provider found for prefix nosuch"),
        ("a build token for another spec", f"{base}build/{GIT_SPEC}?build_token={token}", "Invalid build token"),
        ("an unresolvable ref", f"{base}build/git/{urllib.parse.quote(BOOK, safe='')}/no-such-branch", "Could not resolve ref"),
    ):
        _, _, got = events(url, timeout=30)
        c.check(f"{name} build of {what} → a failed event: {want}",
                bool(got) and got[-1].get("phase") == "failed" and want in got[-1].get("message", ""), got)


def full_without_hub(c, name, base, path):
    api(c, name, base)
    token = ui(c, name, base, path)
    failures(c, name, base, token)
    ready = stream(c, name, base)
    if ready:
        server = request(f"{ready['url']}lab/tree/intro.ipynb?token={ready['token']}")
        seen = [e for e in request(f"{base}_standin/servers").json() if "path" in e]
        c.check(f"{name} the ready url is the stand-in's fake server, which records what reached it, token included",
                server.status == 200 and seen and seen[-1]["path"] == "lab/tree/intro.ipynb" and seen[-1]["token"] is True, seen[-1:])
    _, _, got = events(f"{base}build/{GIT_SPEC}?build_only=true", timeout=30)
    c.check(f"{name} build_only=true outside API-only mode → a failed event (as the real one refuses it)",
            bool(got) and got[-1].get("phase") == "failed" and "API only mode" in got[-1].get("message", ""), got)


def api_only(c, name, base, hub_up):
    api(c, name, base, hub_up)
    for p in ("hub/api/", "api", "v2/gh/binder-examples/requirements/HEAD", ""):
        r = request(f"{base}{p}")
        c.check(f"{name} {p or '(home page)'} → 404 (API only: no UI)", r.status == 404, r.status)
    stream(c, name, base, "?build_only=true", want_launch=False)


def run(c):
    """Every check of the stand-ins, the servers up: the root and prefix ones, binder-service, hub6's and hub52's services."""
    for name, base, path in (("binder", P["BINDER_URL"], "/"), ("binder-prefix", P["BINDER_PREFIX_URL"], "/binder/")):
        print(f"--- {name}: full BinderHub stand-in at {base}, launching on its fake servers")
        full_without_hub(c, name, base, path)
    r = request(f"http://127.0.0.1:{P['BINDER_PREFIX_PORT']}/versions")
    c.check("binder-prefix versions outside /binder/ → 404", r.status == 404, r.status)

    base = P["BINDER_SERVICE_URL"]
    print(f"--- binder-service: API-only stand-in at {base}, its JupyterHub gone")
    api_only(c, "binder-service", base, hub_up=False)
    _, _, got = events(f"{base}build/{GIT_SPEC}", timeout=60)
    c.check("binder-service a launch with its hub gone → a failed event: Failed to launch image",
            bool(got) and got[-1].get("phase") == "failed" and "Failed to launch image" in got[-1].get("message", ""), got)
    r = request(f"http://127.0.0.1:{P['BINDER_SERVICE_PORT']}/versions")
    c.check("binder-service versions outside /services/binder/ → 404", r.status == 404, r.status)

    print(f"--- hub6: the API-only stand-in as the hub's service at {P['HUB6_SERVICE_URL']}")
    api_only(c, "hub6 service", P["HUB6_SERVICE_URL"], hub_up=True)

    base = P["HUB52_SERVICE_URL"]
    print(f"--- hub52: the full stand-in as the hub's service at {base}, launching on hub52")
    api(c, "hub52 service", base)
    token = ui(c, "hub52 service", base, "/services/binder/")
    failures(c, "hub52 service", base, token)
    ready = stream(c, "hub52 service", base)
    if ready:
        r = request(f"{ready['url']}api/status?token={ready['token']}")
        c.check("hub52 service the launched server runs at hub52's /user/<name>/ and takes the launch's token "
                "(a plain Jupyter Server, as BinderHub's spawner starts it)",
                ready["url"].startswith(f"{P['HUB52_URL']}user/") and r.status == 200 and "started" in r.json(), f"{ready} {r.status} {r.body[:200]}")
        r = request(f"{ready['url']}api/contents/intro.ipynb?token={ready['token']}&content=0")
        c.check("hub52 service the image (the repository's files) is the server's root: intro.ipynb is there",
                r.status == 200 and r.json().get("type") == "notebook", f"{r.status} {r.body[:200]}")
    stopped = request(f"{base}_standin/servers", method="DELETE", timeout=60).json()["stopped"]
    c.check("hub52 service _standin/servers DELETE stops and deletes the temporary users", len(stopped) == (1 if ready else 0), stopped)


def main():
    c = Checks()
    with Servers(["binder", "binder-prefix", "binder-service", "hub6", "hub52", "git"]):
        run(c)
    return c.summary()


if __name__ == "__main__":
    sys.exit(main())
