#!/usr/bin/env bash
# A Python that makes virtual environments, for the tiers that build one (the test servers'
# .venv/hub6 and .venv/hub52, jupyter-book's .venv/jb1). Debian's python3 makes them only with
# its optional python3-venv package (ensurepip), installed here when missing (tools/apt-install.sh).
#   tools/setup-python.sh      (PYTHON names the interpreter; python3 by default)
set -euo pipefail
python="${PYTHON:-python3}"
makes_venvs() { "$python" -c 'import ensurepip, venv' 2>/dev/null; }
makes_venvs && exit 0
if command -v dpkg-query >/dev/null; then
  "$(dirname "$0")/apt-install.sh" setup-python python3-venv
  makes_venvs && exit 0
fi
echo "setup-python: $python cannot make virtual environments (no venv or ensurepip module):" >&2
echo "  install them for it (Debian: python3-venv), or set PYTHON to a Python that has them" >&2
exit 1
