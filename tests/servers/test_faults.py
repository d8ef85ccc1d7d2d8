#!/usr/bin/env python3
"""`byob detect` against faulty hubs (faults.py): each fault gets its own sentence, within the
one deadline of the whole detection (make test-faults; issue 9 defect 6).

Every case runs at once (each is a separate `byob detect`), so the tier takes about as long as
its slowest case: the server that answers after 30 s, waited for with --timeout 40. Timings
are checked with slack ("within the deadline + 2 s"), never exactly. Starts the fault server
(and reuses one already up), stops what it started. Ends with "N passed, N failed".
"""

import concurrent.futures
import os
import subprocess
import sys
import time

from servertest import HERE, Checks, Servers, ports, request, require_cli

P = ports()
BYOB = require_cli()
SLACK_S = 2.0
RUN_DIR = os.path.join(HERE, "run", "faults")


def url(port_var, scheme="http"):
    return f"{scheme}://127.0.0.1:{P[port_var]}/"


# (name, typed URL, extra arguments, environment, deadline in s, exit status, what stdout+stderr says)
def cases():
    slow = url("FAULT_SLOW_REDIRECTS_PORT")
    return [
        ("refused", P["UNUSED_URL"], [], {}, 5, 1,
         f"byob: could not reach {P['UNUSED_URL']}: connection refused (nothing listens at {P['UNUSED_URL'][7:-1]})\n"),
        ("dns", "http://byob-fault.invalid/", [], {}, 5, 1,
         "byob: could not reach http://byob-fault.invalid/: the host name byob-fault.invalid was not found (DNS)\n"),
        ("never accepts the connection", url("FAULT_NOACCEPT_PORT"), [], {}, 5, 1,
         f"byob: could not reach {url('FAULT_NOACCEPT_PORT')}: no connection within 5 s (the host is down, or drops connections)\n"),
        ("accepts and never answers", url("FAULT_SILENT_PORT"), [], {}, 5, 1,
         f"byob: {url('FAULT_SILENT_PORT')} accepted the connection but sent no answer within 5 s\n"),
        ("answers after 30 s, with the default deadline", url("FAULT_LATE_PORT"), [], {}, 5, 1,
         f"byob: {url('FAULT_LATE_PORT')} accepted the connection but sent no answer within 5 s\n"),
        ("answers after 30 s, with --timeout 40: the late answer is read", url("FAULT_LATE_PORT"), ["--timeout", "40"], {}, 40, 0,
         f"{url('FAULT_LATE_PORT')}: JupyterHub 5.2.1 — no CORS on /hub/api/"),
        ("a body still arriving at the deadline", url("FAULT_TRICKLE_PORT"), [], {}, 5, 1,
         f"byob: {url('FAULT_TRICKLE_PORT')} started to answer, but the answer was still arriving after 5 s\n"),
        ("closes the connection without an answer", url("FAULT_CLOSE_PORT"), [], {}, 5, 1,
         f"byob: {url('FAULT_CLOSE_PORT')} closed the connection without an answer\n"),
        ("HTTP 500 everywhere", url("FAULT_500_PORT"), [], {}, 5, 1,
         f"byob: {url('FAULT_500_PORT')} answered every request with a server error (500 {url('FAULT_500_PORT')}versions, "),
        ("garbage HTML", url("FAULT_GARBAGE_PORT"), [], {}, 5, 1,
         f"byob: {url('FAULT_GARBAGE_PORT')} answered, but not as a BinderHub, JupyterHub or Jupyter Server (200 "),
        ("not HTTP at all", url("FAULT_NOT_HTTP_PORT"), [], {}, 5, 1,
         f"byob: {url('FAULT_NOT_HTTP_PORT')} answered, but not in HTTP: not an HTTP answer ("),
        ("10 MB pages: the capped read is still classified", url("FAULT_HUGE_PORT"), [], {}, 5, 0,
         f"{url('FAULT_HUGE_PORT')}: BinderHub 0.2.0+1763.gfaafab2\n"),
        ("a redirect loop", url("FAULT_LOOP_PORT"), [], {}, 5, 1,
         f"byob: {url('FAULT_LOOP_PORT')} never stops redirecting: a redirect loop: "),
        ("a slow redirect chain (1.5 s a hop): one deadline for all its hops", slow, [], {}, 5, 1,
         f"byob: {slow} accepted the connection but sent no answer within 5 s, after redirects to {slow}hop/"),
        ("a self-signed certificate", url("FAULT_TLS_SELF_SIGNED_PORT", "https"), [], {}, 5, 1,
         f"byob: could not reach {url('FAULT_TLS_SELF_SIGNED_PORT', 'https')} securely: the certificate is not trusted (self-signed, or signed by an unknown authority)\n"),
        ("a certificate for another host (its CA trusted through SSL_CERT_FILE)", url("FAULT_TLS_WRONG_HOST_PORT", "https"), [],
         {"SSL_CERT_FILE": os.path.join(RUN_DIR, "ca.pem")}, 5, 1,
         f"byob: could not reach {url('FAULT_TLS_WRONG_HOST_PORT', 'https')} securely: the certificate is for another host (it names wrong.example)\n"),
        ("an http:// hub typed as https://", url("FAULTS_PORT", "https"), [], {}, 5, 1,
         f"byob: could not reach {url('FAULTS_PORT', 'https')} securely: the server does not speak TLS there (an http:// hub typed as https://?)\n"),
    ]


def one(case):
    name, typed, extra, env, deadline, want_rc, want = case
    t0 = time.monotonic()
    r = subprocess.run([BYOB, "detect", typed, *extra], capture_output=True, text=True,
                       env={**os.environ, **env}, timeout=deadline + 30)
    return case, r, time.monotonic() - t0


def main():
    c = Checks()
    with Servers(["faults"]):
        catalogue = request(P["FAULTS_URL"]).json()
        c.check("the fault server lists its faults", len(catalogue) >= 15, catalogue)
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(cases())) as pool:
            results = list(pool.map(one, cases()))
        for (name, typed, extra, env, deadline, want_rc, want), r, took in results:
            said = r.stdout + r.stderr
            ok = r.returncode == want_rc and said.startswith(want) and took < deadline + SLACK_S
            c.check(f"{name}: {said.splitlines()[0] if said else '(nothing)'} ({took:.1f} s)", ok,
                    f"byob detect {' '.join(extra)} {typed} → exit {r.returncode} (want {want_rc}) in {took:.1f} s "
                    f"(deadline {deadline} s + {SLACK_S} s)\nsaid:  {said}\nwant: {want}")
        garbage = next(r for case, r, _ in results if case[0] == "garbage HTML")
        c.check("garbage HTML: the message ends with the answers (no allow_origin advice)",
                garbage.stderr.rstrip("\n").endswith(")") and "allow_origin" not in garbage.stderr,
                garbage.stderr)
        # the sentences, the hub's URL aside
        failures = [(r.stdout + r.stderr).splitlines()[0].replace(case[1], "<hub>") for case, r, _ in results
                    if (r.stdout + r.stderr).startswith("byob: ")]
        c.check("every fault has a sentence of its own (the late and the silent server excepted: within "
                "the deadline they look the same)", len(set(failures)) == len(failures) - 1, "\n".join(failures))
    return c.summary()


if __name__ == "__main__":
    sys.exit(main())
