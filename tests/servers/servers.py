#!/usr/bin/env python3
"""Start and stop the test servers on 127.0.0.1 (ports in ports.env; tests/servers/README.md).

  python3 tests/servers/servers.py start [--record FILE] [NAME...]   (also tests/servers/start.sh)
  python3 tests/servers/servers.py stop [NAME...]                    (also tests/servers/stop.sh)

NAME: hub6 hub52 lab lab-nopull binder binder-prefix binder-service git faults (default: all; for
stop, every server with a PID file). `start` leaves a server already up alone, starts the others
in parallel, each in a session of its own (PID in run/NAME.pid with its start time in
run/NAME.pidstart, log in run/NAME.log), and waits until each answers; --record FILE appends
the names this call started, so a caller stops exactly those. `stop` signals only the processes
a start recorded and their descendants (never a search by name), each checked against its start
time first, so a recycled PID is never signalled.

Standard library only. From Python: `start(names, record)` and `stop(names)`; the test tiers use
them through `servertest.Servers`.
"""

import argparse
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RUN = os.path.join(HERE, "run")
VENV = os.path.join(ROOT, ".venv")
ALL = ["hub6", "hub52", "lab", "lab-nopull", "binder", "binder-prefix", "binder-service", "git", "faults"]


def ports():
    """ports.env as a dict."""
    out = {}
    with open(os.path.join(HERE, "ports.env")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                out[key] = value
    return out


P = ports()

# name: (port variable, the URLs that must answer 200 before it counts as up)
READY = {
    "hub6": ("HUB6_PORT", [f"{P['HUB6_URL']}hub/api/", f"{P['HUB6_SERVICE_URL']}versions"]),
    "hub52": ("HUB52_PORT", [f"{P['HUB52_URL']}hub/api/", f"{P['HUB52_SERVICE_URL']}versions"]),
    "lab": ("LAB_PORT", [f"{P['LAB_URL']}api"]),
    "lab-nopull": ("LAB_NOPULL_PORT", [f"{P['LAB_NOPULL_URL']}api"]),
    "binder": ("BINDER_PORT", [f"{P['BINDER_URL']}versions"]),
    "binder-prefix": ("BINDER_PREFIX_PORT", [f"{P['BINDER_PREFIX_URL']}versions"]),
    "binder-service": ("BINDER_SERVICE_PORT", [f"{P['BINDER_SERVICE_URL']}versions"]),
    "git": ("GIT_PORT", [f"{P['GIT_URL']}{r}/info/refs?service=git-upload-pack" for r in ("demo-book", "demo-env")]),
    "faults": ("FAULTS_PORT", [P["FAULTS_URL"]]),
}


def command(name, d):
    """The command line and the extra environment of server `name`, run in its directory `d`."""
    py = [sys.executable, "-u"]
    if name in ("hub6", "hub52"):
        up = name.upper()
        env = {"BYOB_HUB_NAME": name, "BYOB_HUB_PORT": P[f"{up}_PORT"], "BYOB_HUB_API_PORT": P[f"{up}_API_PORT"],
               "BYOB_PROXY_API_PORT": P[f"{up}_PROXY_API_PORT"], "BYOB_HUB_PASSWORD": P["HUB_PASSWORD"],
               "BYOB_SERVERS_DIR": HERE, "PATH": f"{VENV}/{name}/bin:{os.environ['PATH']}",
               # hub6: the API-only BinderHub as its service; hub52: a full BinderHub as its service
               "BYOB_BINDER_SERVICE_PORT": P[f"{up}_SERVICE_PORT"],
               "BYOB_BINDER_SERVICE_MODE": "full" if name == "hub52" else "api-only"}
        return [f"{VENV}/{name}/bin/jupyterhub", "-f", f"{HERE}/jupyterhub_config.py"], env
    if name in ("lab", "lab-nopull"):
        os.makedirs(f"{d}/home", exist_ok=True)
        env = {"JUPYTER_CONFIG_DIR": f"{d}/config", "JUPYTER_RUNTIME_DIR": f"{d}/runtime", "PATH": f"{VENV}/hub6/bin:{os.environ['PATH']}"}
        port = P["LAB_PORT"] if name == "lab" else P["LAB_NOPULL_PORT"]
        # lab-nopull: the same server with nbgitpuller turned off (a reader who never installed it)
        nopull = ["--ServerApp.jpserver_extensions=nbgitpuller=False"] if name == "lab-nopull" else []
        return [f"{VENV}/hub6/bin/jupyter-lab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={P['LAB_TOKEN']}",
                # no allow_origin: the server a reader starts, refusing every foreign Origin
                f"--ServerApp.root_dir={d}/home", *nopull,
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"], env
    if name in ("binder", "binder-prefix"):
        # no JupyterHub behind them: launches go to the stand-in's own fake servers
        port, base = (P["BINDER_PORT"], "/") if name == "binder" else (P["BINDER_PREFIX_PORT"], "/binder/")
        return py + [f"{HERE}/binderhub_standin.py", "--port", port, "--base", base, "--log", f"{d}/launches.jsonl",
                     "--servers-log", f"{d}/servers.jsonl", "--images", f"{d}/images"], {}
    if name == "binder-service":
        # the binderhub-service shape whose JupyterHub is gone (nothing listens at UNUSED_URL): health 503
        return py + [f"{HERE}/binderhub_standin.py", "--port", P["BINDER_SERVICE_PORT"], "--base", "/services/binder/",
                     "--api-only", "--hub-url", P["UNUSED_URL"], "--images", f"{d}/images"], {}
    if name == "faults":
        return py + [f"{HERE}/faults.py", "--run-dir", d], {}
    # git: recreates run/git/demo-book and run/git/demo-env (the same commit IDs every time), then serves them
    return py + [f"{HERE}/git_server.py", "--port", P["GIT_PORT"], "--root", d, "--init"], {}


# ---------------------------------------------------------------------------------------------
# Processes, named for good by their PID and start time

def proc_start(pid):
    """Field 22 of /proc/PID/stat (the start time in clock ticks since boot), or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    # the command name (field 2) may hold spaces: split after its closing parenthesis
    return stat.rsplit(")", 1)[1].split()[19]


def alive(pid, start=None):
    """Alive, not a zombie, and (when given) still the process that started at `start`."""
    try:
        with open(f"/proc/{pid}/status") as f:
            state = next((line.split()[1] for line in f if line.startswith("State:")), "X")
    except OSError:
        return False
    return state not in ("Z", "X") and (start is None or proc_start(pid) == start)


def recorded(name):
    """(pid, start) of server `name`'s recorded process when it is alive, else None."""
    try:
        with open(f"{RUN}/{name}.pid") as f:
            pid = int(f.read().strip())
        with open(f"{RUN}/{name}.pidstart") as f:
            start = f.read().strip()
    except (OSError, ValueError):
        return None
    return (pid, start) if alive(pid, start) else None


def descendants(root):
    """Every descendant of `root` as (pid, start), found breadth-first."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, queue = [], [root]
    while queue:
        for child in children.get(queue.pop(0), []):
            out.append((child, proc_start(child)))
            queue.append(child)
    return out


def tree_mib(name):
    """The resident size of server `name`'s process tree (user servers and kernels included), MiB."""
    leader = recorded(name)
    if not leader:
        return 0
    kib = 0
    for pid, _ in [leader, *descendants(leader[0])]:
        try:
            with open(f"/proc/{pid}/status") as f:
                kib += next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
        except OSError:
            pass
    return kib // 1024


def signal_all(sig, procs):
    for pid, start in procs:
        if alive(pid, start):
            try:
                os.kill(pid, sig)
            except OSError:
                pass  # gone in between: nothing to signal


def wait_gone(procs, seconds):
    deadline = time.monotonic() + seconds
    while any(alive(pid, start) for pid, start in procs):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


# ---------------------------------------------------------------------------------------------
# What every server of ours does while it runs

def exit_on_signals():
    """Exit at once on SIGINT and SIGTERM, whatever the parent did: a process started in the
    background by a non-interactive shell inherits SIGINT ignored, and JupyterHub stops a managed
    service with SIGINT first (then waits 10 s)."""
    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def serve(server):
    """Serve an http.server until a signal ends the process (exit_on_signals), then close it."""
    exit_on_signals()
    try:
        server.serve_forever()
    finally:
        server.server_close()


# ---------------------------------------------------------------------------------------------
# start

def port_busy(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", int(port))) == 0


def answers(name):
    for url in READY[name][1]:
        u = urllib.parse.urlsplit(url)
        try:
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=3)
            conn.request("GET", u.path + ("?" + u.query if u.query else ""))
            status = conn.getresponse().status
            conn.close()
        except OSError:
            return False
        if status != 200:
            return False
    return True


def log_tail(name, lines=40):
    try:
        with open(f"{RUN}/{name}.log", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


def launch(name):
    d = f"{RUN}/{name}"
    os.makedirs(d, exist_ok=True)
    cmd, env = command(name, d)
    with open(f"{RUN}/{name}.log", "w") as log:
        log.write(f"=== {time.strftime('%F %T')} servers.py start: {' '.join(cmd)}\n")
        log.flush()
        # a session of its own (nothing of ours signals it by accident, and stop() finds its whole
        # tree from this one PID); stdin from /dev/null: CI has none
        proc = subprocess.Popen(cmd, cwd=d, env={**os.environ, **env}, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    with open(f"{RUN}/{name}.pid", "w") as f:
        f.write(f"{proc.pid}\n")
    with open(f"{RUN}/{name}.pidstart", "w") as f:
        f.write(f"{proc_start(proc.pid)}\n")


def setup_venvs(names):
    """The Python environments the servers need: setup.sh builds what is missing (a stamp check otherwise)."""
    labs = ("hub6", "lab", "lab-nopull")
    need = sorted({"hub6" if n in labs else "hub52" for n in names if n in (*labs, "hub52")})
    if need:
        subprocess.run([f"{HERE}/setup.sh", *need], check=True)


def start(names=None, record=None, timeout=None):
    """Start `names` (default: all) and wait until each answers; True when all did. The names
    this call started are appended to `record`: a list, or the name of a file."""
    names = names or ALL
    timeout = float(timeout or os.environ.get("BYOB_SERVER_TIMEOUT", 60))
    os.makedirs(RUN, exist_ok=True)
    setup_venvs(names)
    t0 = time.monotonic()
    started = []
    for name in names:
        if recorded(name):
            continue  # ours and alive: it only has to answer (it may still be starting)
        if os.path.exists(f"{RUN}/{name}.pid"):
            stop([name])  # it died (or the machine rebooted): stop what it may have left behind
        port = P[READY[name][0]]
        if port_busy(port):
            # its log is from an earlier run, not about this failure: not shown
            print(f"servers: {name}: port {port} is taken by a process that servers.py did not record "
                  "(another checkout, or a server started by hand); stop it first", file=sys.stderr)
            return False
        launch(name)
        started.append(name)
        if isinstance(record, list):
            record.append(name)
        elif record:
            with open(record, "a") as f:
                f.write(f"{name}\n")
    return wait_up(names, started, t0, timeout)


def wait_up(names, started, t0, timeout):
    """Poll every server together (they start in parallel) until each answers or the deadline."""
    ok, pending = True, list(names)
    while pending:
        for name in list(pending):
            proc = recorded(name)
            if not proc:
                ok = False
                print(f"servers: {name}: exited while starting\n--- last 40 lines of {RUN}/{name}.log\n{log_tail(name)}---",
                      file=sys.stderr)
            elif answers(name):
                if name in started:
                    print(f"servers: {name:<14} up    pid {proc[0]:<7} {READY[name][1][0]} ({time.monotonic() - t0:.1f} s)", flush=True)
                else:
                    print(f"servers: {name:<14} was already up (pid {proc[0]})", flush=True)
            elif time.monotonic() - t0 > timeout:
                ok = False
                print(f"servers: {name}: no answer from {' '.join(READY[name][1])} within {timeout:.0f} s\n"
                      f"--- last 40 lines of {RUN}/{name}.log\n{log_tail(name)}---", file=sys.stderr)
            else:
                continue
            pending.remove(name)
        if pending:
            time.sleep(0.2)
    return ok


# ---------------------------------------------------------------------------------------------
# stop

def hub_recorded(name):
    """(pid, start) of what a hub recorded itself, alive and of this checkout's environments: its
    proxy, its binder service, its single-user servers (in sessions of their own: after a crash of
    the hub they are no longer its descendants)."""
    d = f"{RUN}/{name}"
    pids = []
    for f in ("proxy.pid", "binder-service.pid"):
        try:
            with open(f"{d}/{f}") as fh:
                pids.append(int(fh.read().strip()))
        except (OSError, ValueError):
            pass
    if os.path.exists(f"{d}/jupyterhub.sqlite"):
        try:
            db = sqlite3.connect(f"file:{d}/jupyterhub.sqlite?mode=ro", uri=True)
            for (state,) in db.execute("select state from spawners"):
                state = json.loads(state) if isinstance(state, (str, bytes)) else state
                if state and state.get("pid"):
                    pids.append(int(state["pid"]))
            db.close()
        except (sqlite3.Error, ValueError):
            pass  # a database being written or gone: the PID files above still count
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        # only processes of the hub's venv or the proxy's: a recycled PID is someone else's
        if alive(pid) and (f"{VENV}/{name}/" in cmdline or f"{VENV}/proxy/" in cmdline):
            out.append((pid, proc_start(pid)))
    return out


def stop_one(name):
    t0 = time.monotonic()
    leader = recorded(name)
    extra = hub_recorded(name) if name in ("hub6", "hub52") else []
    if not leader:
        for suffix in (".pid", ".pidstart"):
            if os.path.exists(f"{RUN}/{name}{suffix}"):
                os.unlink(f"{RUN}/{name}{suffix}")
        if extra:
            print(f"servers: {name}: hub gone, stopping what it left: {' '.join(str(p) for p, _ in extra)}", flush=True)
            signal_all(signal.SIGTERM, extra)
            if not wait_gone(extra, 5):
                signal_all(signal.SIGKILL, extra)
        else:
            print(f"servers: {name}: not running", flush=True)
        return
    # the tree as it is now: after the signal, orphans are reparented and cannot be found
    tree = descendants(leader[0]) + extra
    try:
        os.killpg(leader[0], signal.SIGTERM)  # its session (start_new_session) and process group
    except OSError:
        signal_all(signal.SIGTERM, [leader])
    if not wait_gone([leader], 20):
        print(f"servers: {name}: pid {leader[0]} ignored SIGTERM for 20 s: SIGKILL", file=sys.stderr)
        signal_all(signal.SIGKILL, [leader])
    if any(alive(pid, start) for pid, start in tree):
        signal_all(signal.SIGTERM, tree)
        if not wait_gone(tree, 5):
            signal_all(signal.SIGKILL, tree)
    for suffix in (".pid", ".pidstart"):
        if os.path.exists(f"{RUN}/{name}{suffix}"):
            os.unlink(f"{RUN}/{name}{suffix}")
    print(f"servers: {name:<14} stopped ({time.monotonic() - t0:.1f} s)", flush=True)


def stop(names=None):
    """Stop `names` (default: every server with a PID file), in parallel: a hub takes about a
    second to stop its servers and its proxy."""
    names = names if names else [n for n in ALL if os.path.exists(f"{RUN}/{n}.pid")]
    threads = [threading.Thread(target=stop_one, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--record", help="start: append the names this call started to this file")
    parser.add_argument("names", nargs="*", metavar="NAME")
    args = parser.parse_intermixed_args(argv)
    unknown = [n for n in args.names if n not in ALL]
    if unknown:
        parser.error(f"unknown server {' '.join(unknown)} (known: {' '.join(ALL)})")
    if args.action == "stop":
        stop(args.names)
        return 0
    return 0 if start(args.names, args.record) else 1


if __name__ == "__main__":
    sys.exit(main())
