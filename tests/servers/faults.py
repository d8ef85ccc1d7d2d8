#!/usr/bin/env python3
"""Faulty hubs for the detection tests: one port per fault on 127.0.0.1, every path on it
behaving the same (ports in ports.env; the table in tests/servers/README.md).

  python3 tests/servers/faults.py --run-dir tests/servers/run/faults   (start.sh runs it as `faults`)

FAULTS_URL (the catalogue) answers GET / with a JSON list of the faults: name, url, what.
Standard library only; the TLS faults use certificates made at start with `openssl`
(run-dir/ca.pem is the CA of the wrong-host certificate: point SSL_CERT_FILE at it).
"""

import argparse
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

from servers import exit_on_signals, ports

# The 10 MB page: a BinderHub UI page (pageConfig first, as the real one has it) padded out.
HUGE_BYTES = 10 * 1024 * 1024
HUGE_HEAD = (
    b"<!DOCTYPE html>\n<html><head><title>Binder</title>"
    b'<script>window.pageConfig = {"baseUrl": "/", "binderVersion": "0.2.0+1763.gfaafab2"};</script>'
    b"</head><body>\n"
)
GARBAGE = (
    b"<html><<<>>>\x00\xff\xfe<scr<ipt>{\"version\": <body <<p>>> \xc3\x28 \xa0\xa1 </ht"
    b"\x1b[2J ]]> <!-- <!-- --> --> <div class=\"<div\">& &amp &#xffffff; \x07\x08\x7f"
)


def log(msg):
    sys.stderr.write("%s [faults] %s\n" % (time.strftime("%H:%M:%S"), msg))
    sys.stderr.flush()


def read_request(conn):
    """Read one request head (up to the blank line); returns its first line, or None."""
    data = b""
    conn.settimeout(10)
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                return None
            data += chunk
            if data.startswith(b"\x16\x03"):
                # a TLS handshake on a plain port: answer 400 as HTTP servers do
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return None
    except OSError:
        return None
    finally:
        conn.settimeout(None)
    return data.split(b"\r\n", 1)[0].decode("latin-1")


def respond(conn, status, body, content_type="text/html; charset=UTF-8", headers=()):
    head = "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n" % (
        status, content_type, len(body))
    for name, value in headers:
        head += "%s: %s\r\n" % (name, value)
    conn.sendall(head.encode() + b"\r\n" + body)


def path_of(request_line):
    parts = (request_line or "").split(" ")
    return parts[1] if len(parts) > 1 else "/"


# Each fault: a function of (connection, request line) run in a thread per connection.

def silent(conn, line):
    """Accepts and reads the request, never answers; holds the connection until the client goes."""
    conn.settimeout(None)
    while conn.recv(4096):
        pass


def late(conn, line):
    """Answers (a JupyterHub's hub/api/) only after 30 s."""
    time.sleep(30)
    respond(conn, "200 OK", b'{"version": "5.2.1"}', "application/json", [("X-JupyterHub-Version", "5.2.1")])


def trickle(conn, line):
    """Sends the status line and headers at once, then the body one byte a second (30 s)."""
    body = b"<html>" + b"." * 24
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body))
    for i in range(len(body)):
        conn.sendall(body[i:i + 1])
        time.sleep(1)


def closes(conn, line):
    """Reads the request and closes the connection without a word."""


def error500(conn, line):
    respond(conn, "500 Internal Server Error", b"<html><title>500: Internal Server Error</title></html>")


def garbage(conn, line):
    respond(conn, "200 OK", GARBAGE)


def not_http(conn, line):
    """Answers, but not in HTTP (an SMTP-like greeting)."""
    conn.sendall(b"220 mail.example ESMTP ready\r\n")


def huge(conn, line):
    """A BinderHub whose pages are 10 MB each (versions is the usual JSON)."""
    if path_of(line).startswith("/versions"):
        respond(conn, "200 OK", b'{"binderhub": "0.2.0+1763.gfaafab2"}', "application/json")
        return
    head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % HUGE_BYTES
    conn.sendall(head.encode() + HUGE_HEAD)
    chunk = b" " * 65536
    sent = len(HUGE_HEAD)
    while sent < HUGE_BYTES:
        n = min(len(chunk), HUGE_BYTES - sent)
        conn.sendall(chunk[:n])
        sent += n


def redirect_loop(conn, line):
    """/ → /loop/a → /loop/b → /loop/a …; any other path → /loop/a."""
    to = "/loop/b" if path_of(line) == "/loop/a" else "/loop/a"
    respond(conn, "302 Found", b"", headers=[("Location", to)])


def slow_redirects(conn, line):
    """Every answer is a redirect to the next hop, each after 1.5 s: /hop/1, /hop/2, …"""
    path = path_of(line)
    n = int(path.rsplit("/", 1)[1]) if path.startswith("/hop/") and path.rsplit("/", 1)[1].isdigit() else 0
    time.sleep(1.5)
    respond(conn, "302 Found", b"", headers=[("Location", "/hop/%d" % (n + 1))])


def tls_answer(conn, line):
    """Behind the bad certificate: a JupyterHub (if a client accepted the certificate)."""
    respond(conn, "200 OK", b'{"version": "5.2.1"}', "application/json", [("X-JupyterHub-Version", "5.2.1")])


# name: (port variable, scheme, what, handler); never-accepts has no handler (see below).
FAULTS = {
    "never-accepts": ("FAULT_NOACCEPT_PORT", "http", "a listening socket whose accept queue is full: connection attempts are dropped (a connect timeout)", None),
    "silent": ("FAULT_SILENT_PORT", "http", "accepts the connection, reads the request, never answers", silent),
    "late": ("FAULT_LATE_PORT", "http", "answers after 30 s", late),
    "trickle": ("FAULT_TRICKLE_PORT", "http", "sends status and headers at once, then the body one byte a second", trickle),
    "closes": ("FAULT_CLOSE_PORT", "http", "reads the request and closes the connection without an answer", closes),
    "error500": ("FAULT_500_PORT", "http", "HTTP 500 for every path", error500),
    "garbage": ("FAULT_GARBAGE_PORT", "http", "200 with garbage HTML (control bytes, broken tags, invalid UTF-8) for every path", garbage),
    "not-http": ("FAULT_NOT_HTTP_PORT", "http", "answers with a line that is not HTTP", not_http),
    "huge": ("FAULT_HUGE_PORT", "http", "a BinderHub whose pages are 10 MB (pageConfig at the top), versions as usual", huge),
    "redirect-loop": ("FAULT_LOOP_PORT", "http", "302 / → /loop/a → /loop/b → /loop/a …", redirect_loop),
    "slow-redirects": ("FAULT_SLOW_REDIRECTS_PORT", "http", "each answer a 302 to the next hop, after 1.5 s", slow_redirects),
    "tls-self-signed": ("FAULT_TLS_SELF_SIGNED_PORT", "https", "TLS with a self-signed certificate for 127.0.0.1", tls_answer),
    "tls-wrong-host": ("FAULT_TLS_WRONG_HOST_PORT", "https", "TLS with a certificate for wrong.example, signed by run-dir/ca.pem", tls_answer),
}


def make_certificates(run_dir):
    """A self-signed certificate for 127.0.0.1, and a CA with a certificate for wrong.example."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    d = run_dir
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE",
            "-keyout", f"{d}/self.key", "-out", f"{d}/self.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=byob test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", f"{d}/ca.key", "-out", f"{d}/ca.pem")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=wrong.example", "-keyout", f"{d}/wrong.key", "-out", f"{d}/wrong.csr")
    with open(f"{d}/wrong.ext", "w") as f:
        f.write("subjectAltName=DNS:wrong.example\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", f"{d}/wrong.csr", "-CA", f"{d}/ca.pem", "-CAkey", f"{d}/ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", f"{d}/wrong.ext", "-out", f"{d}/wrong.pem")
    contexts = {}
    for name, stem in (("tls-self-signed", "self"), ("tls-wrong-host", "wrong")):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(f"{d}/{stem}.pem", f"{d}/{stem}.key")
        contexts[name] = ctx
    return contexts


def serve(name, sock, handler, tls=None):
    """Accept forever; each connection in a thread of its own."""
    def one(conn):
        try:
            if tls is not None:
                conn.settimeout(10)
                conn = tls.wrap_socket(conn, server_side=True)
                conn.settimeout(None)
            line = read_request(conn)
            if line is not None:
                handler(conn, line)
        except (OSError, ssl.SSLError) as e:
            # a client giving up (the deadline) or refusing the certificate: expected here
            log(f"{name}: {type(e).__name__}: {e}")
        finally:
            try:
                conn.close()
            except OSError:
                pass

    while True:
        conn, _ = sock.accept()
        threading.Thread(target=one, args=(conn,), daemon=True).start()


def never_accepts(port):
    """A socket that listens and never accepts, its accept queue filled by our own connections:
    the kernel then drops every further SYN, so a client's connect times out."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(0)
    fillers = []
    for _ in range(64):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.settimeout(0.3)
        try:
            c.connect(("127.0.0.1", port))
        except OSError:
            c.close()  # this one was dropped: the queue is full
            break
        fillers.append(c)
    else:
        raise SystemExit("faults: never-accepts: the accept queue never filled")
    return sock, fillers


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", required=True, help="where the certificates go")
    args = parser.parse_args(argv)
    os.makedirs(args.run_dir, exist_ok=True)
    p = ports()
    exit_on_signals()

    contexts = make_certificates(args.run_dir)
    catalogue = []
    keep = []
    for name, (var, scheme, what, handler) in FAULTS.items():
        port = int(p[var])
        catalogue.append({"name": name, "url": f"{scheme}://127.0.0.1:{port}/", "what": what})
        if handler is None:
            keep.append(never_accepts(port))
            continue
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
        threading.Thread(target=serve, args=(name, sock, handler, contexts.get(name)), daemon=True).start()
    catalogue.append({"name": "dns", "url": "http://byob-fault.invalid/", "what": "a host name that never resolves (.invalid, RFC 2606)"})
    catalogue.append({"name": "refused", "url": p["UNUSED_URL"], "what": "nothing listens: connection refused"})
    body = json.dumps(catalogue, indent=1).encode()

    def index(conn, line):
        respond(conn, "200 OK", body, "application/json")

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", int(p["FAULTS_PORT"])))
    sock.listen(16)
    log("faults up: " + ", ".join(f"{c['name']} {c['url']}" for c in catalogue))
    serve("catalogue", sock, index)


if __name__ == "__main__":
    main()
