#!/usr/bin/env python3
"""`byob detect` (and `byob rewrite` without --kind) against the real servers: what a reader
may type, and what the CLI must say (make test-detect).

Starts the servers it needs (reusing any already up) and stops those it started, even on
failure. BYOB=path/to/byob overrides target/release/byob. Ends with "N passed, N failed".
"""

import json
import subprocess
import sys

from servertest import Checks, Servers, ports, request, require_cli

P = ports()
BYOB = require_cli()
SERVERS = ["hub6", "hub52", "lab", "lab-nopull", "binder", "binder-prefix", "binder-service", "git"]
VERSION = "0.2.0+1763.gfaafab2"


def run(*args):
    r = subprocess.run([BYOB, *args], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def detect(c, what, typed, want_rc, test):
    """`byob detect --json TYPED`: passes when the exit status is `want_rc` and test(d) holds."""
    def body():
        rc, out, err = run("detect", "--json", typed)
        d = json.loads(out)
        return rc == want_rc and test(d), f"byob detect --json '{typed}' → exit {rc} (want {want_rc})\n{out}{err}"
    c.run(what, body)


def launches(base):
    return len(request(f"{base}_standin/launches").json())


def check_hubs(c):
    """JupyterHub 6.1.1 and its API-only BinderHub service."""
    hub6_svc = P["HUB6_SERVICE_URL"]
    hub6 = P["HUB6_URL"]
    print("--- JupyterHub 6.1.1 (CORS on /hub/api/), its API-only BinderHub service at /services/binder/")
    detect(c, "hub6 root → jupyterhub 6.1.1, cors true", hub6, 0,
           lambda d: (d["kind"], d["version"], d["cors"], d["url"], d["launchUrl"], d["known"]) == ("jupyterhub", "6.1.1", True, hub6, hub6, False))
    detect(c, "hub6 root: a note names the API-only service and says it is no launch target", hub6, 0,
           lambda d: any(hub6_svc in n and "API-only" in n and "not a launch target" in n for n in d["notes"]))
    detect(c, f"hub6 typed without a scheme: 127.0.0.1:{P['HUB6_PORT']}/hub/home", f"127.0.0.1:{P['HUB6_PORT']}/hub/home", 0,
           lambda d: (d["kind"], d["version"], d["url"]) == ("jupyterhub", "6.1.1", hub6))
    detect(c, "hub6 a user's page: /user/alice/lab", f"{hub6}user/alice/lab", 0,
           lambda d: (d["kind"], d["version"], d["url"]) == ("jupyterhub", "6.1.1", hub6))
    detect(c, "hub6 an nbgitpuller link: /hub/user-redirect/git-pull?repo=…",
           f"{hub6}hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab", 0,
           lambda d: (d["kind"], d["url"]) == ("jupyterhub", hub6))
    detect(c, "hub6 /services/binder/ → binderhub-service; launches go to the hub in front, in one sentence", hub6_svc, 0,
           lambda d: (d["kind"], d["url"], d["launchUrl"]) == ("binderhub-service", hub6_svc, hub6)
           and d["message"] == f"BinderHub {VERSION} in API-only mode (no launch pages): launches go to the JupyterHub 6.1.1 in front of it")


def check_hub52(c):
    """JupyterHub 5.2.1 and its full BinderHub service."""
    hub52_svc = P["HUB52_SERVICE_URL"]
    hub52 = P["HUB52_URL"]
    print("--- JupyterHub 5.2.1 (no CORS), its full BinderHub service at /services/binder/")
    detect(c, "hub52 root → jupyterhub 5.2.1, cors false", hub52, 0,
           lambda d: (d["kind"], d["version"], d["cors"], d["url"], d["launchUrl"]) == ("jupyterhub", "5.2.1", False, hub52, hub52))
    detect(c, "hub52 root: a note names the full BinderHub service as a launch target", hub52, 0,
           lambda d: any(n.startswith(f"a full BinderHub {VERSION} runs at {hub52_svc}: save that URL") for n in d["notes"]))
    detect(c, "hub52 the login page with a next= query", f"{hub52}hub/login?next=%2Fhub%2Fhome", 0,
           lambda d: (d["kind"], d["version"], d["url"]) == ("jupyterhub", "5.2.1", hub52))
    detect(c, "hub52 /services/binder/ → binderhub, the service URL is the launch target", hub52_svc, 0,
           lambda d: (d["kind"], d["version"], d["url"], d["launchUrl"]) == ("binderhub", VERSION, hub52_svc, hub52_svc)
           and d["message"] == f"BinderHub {VERSION}, running as a service of the JupyterHub 5.2.1 at {hub52}")
    detect(c, "hub52 a launch URL under the service → binderhub at the service", f"{hub52_svc}v2/gh/o/r/HEAD?urlpath=lab", 0,
           lambda d: (d["kind"], d["launchUrl"]) == ("binderhub", hub52_svc))
    detect(c, "hub52 /services/nothere/ (no such service) → the hub itself, with a note", f"{hub52}services/nothere/", 0,
           lambda d: (d["kind"], d["version"], d["url"]) == ("jupyterhub", "5.2.1", hub52)
           and d["notes"][0] == f"nothing answered as a BinderHub at {hub52}services/nothere/")


def check_lab(c):
    """A plain Jupyter Server."""
    lab = P["LAB_URL"]
    print("--- plain Jupyter Server (jupyter lab)")
    detect(c, "lab root → jupyter-server 2.x, nothing said of nbgitpuller (installed)", lab, 0,
           lambda d: d["kind"] == "jupyter-server" and (d["version"] or "").startswith("2.") and d["url"] == lab == d["launchUrl"]
           and d["message"] == f"Jupyter Server {d['version']}" and d["launchProblem"] is None)
    nopull = P["LAB_NOPULL_URL"]
    detect(c, "lab-nopull (nbgitpuller off) → jupyter-server, still a launch target, the message says nbgitpuller is missing", nopull, 0,
           lambda d: (d["kind"], d["launchUrl"]) == ("jupyter-server", nopull)
           and "nbgitpuller is not installed or not enabled (git-pull answers 404)" in d["message"]
           and d["launchProblem"].startswith("nbgitpuller is not installed") and d["message"].endswith(d["launchProblem"]))
    detect(c, f"lab typed as localhost:{P['LAB_PORT']}", f"localhost:{P['LAB_PORT']}", 0,
           lambda d: (d["kind"], d["url"]) == ("jupyter-server", f"http://localhost:{P['LAB_PORT']}/"))
    detect(c, "lab a notebook URL: /lab/tree/x.ipynb", f"{lab}lab/tree/x.ipynb", 0,
           lambda d: (d["kind"], d["url"]) == ("jupyter-server", lab))


def check_stand_ins(c):
    """The BinderHub stand-ins on their own."""
    print("--- BinderHub stand-ins")
    binder, prefix, service = P["BINDER_URL"], P["BINDER_PREFIX_URL"], P["BINDER_SERVICE_URL"]
    detect(c, f"binder root → binderhub {VERSION}", binder, 0,
           lambda d: (d["kind"], d["version"], d["url"], d["launchUrl"], d["known"]) == ("binderhub", VERSION, binder, binder, False))
    before = launches(binder)
    detect(c, "binder a full launch URL: /v2/gh/…?urlpath=…", f"{binder}v2/gh/binder-examples/requirements/HEAD?urlpath=lab%2Ftree%2Findex.ipynb", 0,
           lambda d: (d["kind"], d["url"]) == ("binderhub", binder))
    after = launches(binder)
    c.check("binder detecting a launch URL does not launch it (no v2/ request)", before == after, f"launches {before} → {after}")
    detect(c, "binder-prefix /binder/ → binderhub at …/binder/", prefix, 0,
           lambda d: (d["kind"], d["url"], d["launchUrl"]) == ("binderhub", prefix, prefix))
    detect(c, "binder-prefix a launch URL under /binder/v2/", f"{prefix}v2/gl/gitlab-org%2Fgitlab-foss/v10.0.6", 0,
           lambda d: (d["kind"], d["url"]) == ("binderhub", prefix))
    detect(c, "binder-service /services/binder/ (no hub in front) → binderhub-service, no launch URL", service, 0,
           lambda d: (d["kind"], d["version"], d["launchUrl"]) == ("binderhub-service", VERSION, None))


def check_nothing(c):
    """Nothing listening."""
    print("--- nothing there")
    detect(c, "unreachable port → unknown, exit 1, says the connection was refused", P["UNUSED_URL"], 1,
           lambda d: d["kind"] == "unknown" and d["launchUrl"] is None
           and d["message"] == f"could not reach {P['UNUSED_URL']}: connection refused (nothing listens at 127.0.0.1:{P['UNUSED_URL'].rsplit(':', 1)[1].strip('/')})")


def check_text(c):
    """The text form, as a person reads it."""
    hub6_svc = P["HUB6_SERVICE_URL"]
    hub6 = P["HUB6_URL"]
    hub52 = P["HUB52_URL"]
    print("--- the text form, as a person reads it")
    rc, out, err = run("detect", hub52)
    c.check("text output names JupyterHub 5.2.1", rc == 0 and "JupyterHub 5.2.1" in out, out + err)
    rc, out, err = run("detect", hub6_svc)
    c.check("text output of the API-only service says where launches go",
            rc == 0 and f"\n  launches go to {hub6}\n" in out, out + err)


def check_rewrite(c):
    """`byob rewrite` without --kind, and every prefix a BinderHub launches under."""
    hub6_svc = P["HUB6_SERVICE_URL"]
    hub52_svc = P["HUB52_SERVICE_URL"]
    hub6 = P["HUB6_URL"]
    binder, prefix = P["BINDER_URL"], P["BINDER_PREFIX_URL"]
    print("--- byob rewrite: the hub detected, and every prefix a BinderHub launches under kept")
    link = "https://mybinder.org/v2/gh/binder-examples/requirements/HEAD?urlpath=lab/tree/index.ipynb"
    rc, out, err = run("rewrite", "--hub", hub52_svc, link)
    c.check("rewrite without --kind on hub52's full service launches under /services/binder/",
            rc == 0 and out == f"{hub52_svc}v2/gh/binder-examples/requirements/HEAD?urlpath=lab/tree/index.ipynb\n", out + err)
    rc, out, err = run("rewrite", "--hub", hub6_svc, link)
    c.check("rewrite without --kind on hub6's API-only service launches on the hub in front (nbgitpuller)",
            rc == 0 and out.startswith(f"{hub6}hub/user-redirect/git-pull?"), out + err)
    lab, nopull = P["LAB_URL"], P["LAB_NOPULL_URL"]
    rc, out, err = run("rewrite", "--hub", nopull, link)
    c.check("rewrite without --kind on lab-nopull converts the link and warns, before it, that nbgitpuller is missing",
            rc == 0 and out.startswith(f"{nopull}git-pull?")
            and err.startswith(f"byob: warning: {nopull}: nbgitpuller is not installed or not enabled"), out + err)
    rc, out, err = run("rewrite", "-q", "--hub", nopull, link)
    c.check("rewrite -q without --kind on lab-nopull converts the link silently (-q silences warnings)",
            rc == 0 and out.startswith(f"{nopull}git-pull?") and err == "", out + err)
    rc, out, err = run("rewrite", "--hub", lab, link)
    c.check("rewrite without --kind on lab (nbgitpuller installed) says nothing of nbgitpuller",
            rc == 0 and out.startswith(f"{lab}git-pull?") and "nbgitpuller" not in err, out + err)
    for name, base in (("/", binder), ("/binder/", prefix), ("/services/binder/", hub52_svc)):
        rc, out, err = run("rewrite", "--kind", "binderhub", "--hub", base, link)
        converted = out.strip()
        ok = rc == 0 and converted == f"{base}v2/gh/binder-examples/requirements/HEAD?urlpath=lab/tree/index.ipynb"
        page = request(converted) if ok else None
        c.check(f"rewrite --kind binderhub --hub …{name}: the link keeps {name} and its launch page answers 200",
                ok and page.status == 200 and b"window.pageConfig" in page.body,
                f"{out}{err}{page.status if page else ''}")


def main():
    c = Checks()
    with Servers(SERVERS):
        c.sections(check_hubs, check_hub52, check_lab, check_stand_ins, check_nothing, check_text, check_rewrite)
    return c.summary()


if __name__ == "__main__":
    sys.exit(main())
