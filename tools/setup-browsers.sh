#!/usr/bin/env bash
# Chromium and Firefox ESR for the tiers that drive a browser (make test-e2e, test-e2e-flows,
# run, bench-ext, screenshots). Plain `make` never runs this: installing system packages needs
# root. Installs only what is missing, from Debian's packages, with sudo when not root; when that
# is impossible it names the exact command and stops. CHROMIUM=/path and FIREFOX=/path point the
# tests at other binaries instead (then nothing is installed).
set -euo pipefail

packages=(chromium firefox-esr)
if [[ -n "${CHROMIUM:-}" && -x "${CHROMIUM}" && -n "${FIREFOX:-}" && -x "${FIREFOX}" ]]; then
  exit 0
fi
if ! command -v dpkg-query >/dev/null; then
  command -v chromium >/dev/null && command -v firefox-esr >/dev/null && exit 0
  echo "setup-browsers: not a Debian system: install Chromium and Firefox ESR, then run again with" >&2
  echo "  CHROMIUM=/path/to/chromium FIREFOX=/path/to/firefox make test" >&2
  exit 1
fi
BYOB_APT_HINT="(or point the tests at browsers you have: CHROMIUM=/path FIREFOX=/path make test)" \
  exec "$(dirname "$0")/apt-install.sh" setup-browsers "${packages[@]}"
