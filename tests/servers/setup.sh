#!/usr/bin/env bash
# Create the environments of the test servers, once: .venv/hub6 and .venv/hub52 (Python) in the
# repository root, and .venv/proxy, the hubs' proxy (the Node configurable-http-proxy, from
# tests/servers/proxy/package-lock.json), all gitignored. Idempotent: an environment whose stamp
# matches what it was built from is kept as it is; any other is rebuilt from scratch.
#   tests/servers/setup.sh [hub6|hub52]...     (default: both; either brings the proxy)
# Needs python3 (with venv: tools/setup-python.sh installs Debian's python3-venv when missing),
# npm, PyPI and the npm registry. About 60 s from nothing (2 cores).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(hub6 hub52)

PYTHON="$python" "$root/tools/setup-python.sh"
mkdir -p "$root/.venv"
# The repository's package.json says "type": "module"; without a nearer package.json, Node takes
# the JavaScript inside the venvs (JupyterLab's bundled yarn.js, run at every `jupyter lab`
# start) for ES modules and it crashes ("Dynamic require of "util" is not supported").
echo '{"private": true, "type": "commonjs"}' >"$root/.venv/package.json"
# Two setups at once (make -j, two terminals) must not build the same venv twice.
exec 9>"$root/.venv/.setup.lock"
flock 9

build() {  # build NAME: one venv, from scratch
  local name="$1" req="$here/requirements-$1.txt" venv="$root/.venv/$1" want="$2" start=$SECONDS
  echo "setup.sh: building .venv/$name from $(basename "$req") (30-60 s)"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$req"
  # Fail here, not in a test: the commands start.sh runs must exist and import.
  "$venv/bin/jupyterhub" --version >/dev/null
  "$venv/bin/configurable-http-proxy" --version >/dev/null
  "$venv/bin/jupyter-lab" --version >/dev/null
  "$venv/bin/python" -c 'import nbgitpuller'
  echo "$want" >"$venv/.byob-stamp"
  echo "setup.sh: .venv/$name ready ($((SECONDS - start)) s, jupyterhub $("$venv/bin/jupyterhub" --version))"
}

# The hubs' proxy: the Node configurable-http-proxy passes request paths as they came (a
# BinderHub spec's %2F survives) and streams answers (a build's event stream); the PyPI port
# re-encodes paths and buffers whole answers.
build_proxy() {
  local dir="$root/.venv/proxy" want start=$SECONDS
  want="$(cat "$here/proxy/package.json" "$here/proxy/package-lock.json" | sha256sum | cut -d' ' -f1) $(node --version)"
  if [ "$(cat "$dir/.byob-stamp" 2>/dev/null)" = "$want" ] && [ -x "$dir/node_modules/.bin/configurable-http-proxy" ]; then
    echo "setup.sh: .venv/proxy is up to date"
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$here/proxy/package.json" "$here/proxy/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --no-audit --no-fund --silent)
  "$dir/node_modules/.bin/configurable-http-proxy" --version >/dev/null
  echo "$want" >"$dir/.byob-stamp"
  echo "setup.sh: .venv/proxy ready ($((SECONDS - start)) s, configurable-http-proxy $("$dir/node_modules/.bin/configurable-http-proxy" --version))"
}

# The venvs build in parallel: pip spends most of its time waiting on downloads.
pids=()
build_proxy &
pids+=($!)
for name in "${names[@]}"; do
  req="$here/requirements-$name.txt"
  venv="$root/.venv/$name"
  [ -f "$req" ] || { echo "setup.sh: no $req" >&2; exit 2; }
  # The stamp records what the venv was built from: the requirement set and the interpreter.
  want="$(sha256sum "$req" | cut -d' ' -f1) $("$python" -c 'import sys; print(sys.version.split()[0])')"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.byob-stamp" 2>/dev/null)" = "$want" ]; then
    echo "setup.sh: .venv/$name is up to date"
    continue
  fi
  build "$name" "$want" &
  pids+=($!)
done
status=0
for pid in ${pids[@]+"${pids[@]}"}; do
  wait "$pid" || status=1
done
[ $status -eq 0 ] || echo "setup.sh: FAILED (see above); a venv without its stamp is rebuilt on the next run" >&2
exit $status
