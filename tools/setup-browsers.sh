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
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

install=(apt-get install -y -qq "${missing[@]}")
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "setup-browsers: ${missing[*]} missing, and this user cannot install system packages." >&2
  echo "  As root, run: apt-get update && ${install[*]}" >&2
  echo "  (or point the tests at browsers you have: CHROMIUM=/path FIREFOX=/path make test)" >&2
  exit 1
fi
echo "setup-browsers: installing ${missing[*]} (Debian packages${sudo:+, with sudo})"
if ! { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" "${install[@]}"; }; then
  echo "setup-browsers: the install failed. Run it yourself, then make test again:" >&2
  echo "  sudo apt-get update && sudo ${install[*]}" >&2
  exit 1
fi
