#!/usr/bin/env python3
"""A local git server over smart HTTP: `git http-backend` behind a standard-library HTTP server.

nbgitpuller clones shallow (`git clone --depth 1`), which the dumb HTTP protocol cannot serve:
this server runs git's own CGI, `git http-backend`, for every request, so clones, shallow
clones, fetches and `git ls-remote` behave as on any real git host.

  python3 tests/servers/git_server.py --port 18007 --root tests/servers/run/git --init

--init (re)creates the test repositories under --root before serving, with fixed authors and
dates, so their commit IDs are the same on every machine and every run:

  demo-book   branch main (tag v1): intro.ipynb ("BYOB demo notebook 42"),
              chapters/two.ipynb ("BYOB demo chapter two 7"), README.md
  demo-env    branch main: requirements.txt, README.md

Each repository is a bare repository named without `.git`, served at /<name>
(http://127.0.0.1:18007/demo-book): nbgitpuller names the clone directory after the last path
segment of the URL, so the clone is `demo-book/`. What was created (URL, branch, commit, files,
the distinctive texts) is written to <root>/repos.json for tests to read.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import servers

# Fixed identities and dates: the same commit IDs everywhere.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "BYOB Test",
    "GIT_AUTHOR_EMAIL": "byob-test@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_NAME": "BYOB Test",
    "GIT_COMMITTER_EMAIL": "byob-test@example.invalid",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    # no user or system configuration (hooks, templates, signing) leaks in
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "LANG": "C",
}

BOOK_TEXT = "BYOB demo notebook 42"
CHAPTER_TEXT = "BYOB demo chapter two 7"


def notebook(markdown, code):
    """A minimal valid nbformat 4.5 notebook: one markdown cell, one code cell."""
    return json.dumps(
        {
            "cells": [
                {"cell_type": "markdown", "id": "md-1", "metadata": {}, "source": [markdown]},
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": "code-1",
                    "metadata": {},
                    "outputs": [],
                    "source": [code],
                },
            ],
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    ) + "\n"


REPOS = {
    "demo-book": {
        "files": {
            "README.md": "# demo-book\n\nContent repository of the byob launch-flow tests.\n",
            "intro.ipynb": notebook("# " + BOOK_TEXT + "\n", "print(6 * 7)"),
            "chapters/two.ipynb": notebook("# " + CHAPTER_TEXT + "\n", "print(2 + 5)"),
        },
        "tags": ["v1"],
        "texts": {"intro.ipynb": BOOK_TEXT, "chapters/two.ipynb": CHAPTER_TEXT},
    },
    "demo-env": {
        "files": {
            "README.md": "# demo-env\n\nEnvironment repository of the byob launch-flow tests.\n",
            "requirements.txt": "nbgitpuller\n",
        },
        "tags": [],
        "texts": {},
    },
}


def git(*args, cwd=None):
    env = dict(os.environ, **GIT_ENV)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def init_repos(root, base_url):
    """Create the bare repositories under root from scratch; return what repos.json records."""
    os.makedirs(root, exist_ok=True)
    made = {}
    for name, spec in REPOS.items():
        bare = os.path.join(root, name)
        shutil.rmtree(bare, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="byob-git-") as work:
            git("init", "--quiet", "--initial-branch=main", work)
            for rel, text in spec["files"].items():
                path = os.path.join(work, rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(text)
            git("add", "--all", cwd=work)
            git("commit", "--quiet", "--message", "%s: the test content" % name, cwd=work)
            for tag in spec["tags"]:
                git("tag", tag, cwd=work)
            git("clone", "--quiet", "--bare", "--no-hardlinks", work, bare)
        git("--git-dir", bare, "config", "http.receivepack", "false")
        made[name] = {
            "url": base_url + name,
            "branch": "main",
            "tags": spec["tags"],
            "commit": git("--git-dir", bare, "rev-parse", "refs/heads/main"),
            "files": sorted(spec["files"]),
            "texts": spec["texts"],
        }
    with open(os.path.join(root, "repos.json"), "w") as f:
        json.dump(made, f, indent=1)
        f.write("\n")
    return made


def make_handler(root):
    class Handler(BaseHTTPRequestHandler):
        server_version = "byob-git-server/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            sys.stderr.write("%s [git] %s\n" % (time.strftime("%H:%M:%S"), fmt % args))

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                # git sends requests larger than http.postBuffer chunked
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def cgi(self):
            path, _, query = self.path.partition("?")
            body = self.read_body() if self.command == "POST" else b""
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "GIT_PROJECT_ROOT": root,
                "GIT_HTTP_EXPORT_ALL": "1",
                "GIT_CONFIG_NOSYSTEM": "1",
                "GIT_CONFIG_GLOBAL": os.devnull,
                "GATEWAY_INTERFACE": "CGI/1.1",
                "SERVER_PROTOCOL": "HTTP/1.1",
                "SERVER_SOFTWARE": self.server_version,
                "REQUEST_METHOD": self.command,
                "PATH_INFO": unquote(path),
                "QUERY_STRING": query,
                "REMOTE_ADDR": self.client_address[0],
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
            }
            for name, value in self.headers.items():
                key = "HTTP_" + name.upper().replace("-", "_")
                if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_TRANSFER_ENCODING"):
                    env[key] = value
            proc = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True)
            if proc.stderr:
                sys.stderr.write("%s [git] http-backend: %s\n" % (time.strftime("%H:%M:%S"), proc.stderr.decode(errors="replace").rstrip()))
            head, sep, out = proc.stdout.partition(b"\r\n\r\n")
            if not sep:
                head, sep, out = proc.stdout.partition(b"\n\n")
            if not sep:
                return self.reply(500, b"git http-backend: no CGI headers\n", [("Content-Type", "text/plain")])
            status = 200
            headers = []
            for line in head.decode("latin-1").splitlines():
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.reply(status, out, headers)

        def reply(self, status, data, headers):
            self.send_response(status)
            for name, value in headers:
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_HEAD = cgi

    return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", required=True, help="directory holding the bare repositories")
    parser.add_argument("--init", action="store_true", help="(re)create the test repositories first")
    args = parser.parse_args(argv)

    root = os.path.abspath(args.root)
    base_url = "http://%s:%d/" % (args.host, args.port)
    if args.init:
        for name, info in init_repos(root, base_url).items():
            print("git server: %s %s (main %s)" % (name, info["url"], info["commit"]), flush=True)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(root))
    server.daemon_threads = True
    print("git server (smart HTTP, git http-backend) on %s serving %s" % (base_url, root), flush=True)

    servers.serve(server)

if __name__ == "__main__":
    main()
