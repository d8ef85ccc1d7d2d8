#!/usr/bin/env bash
# Installs the Debian packages a test tier needs, only those missing: with sudo when not root;
# when that is impossible, names the exact command and stops. Plain `make` never runs this.
#   tools/apt-install.sh WHO PACKAGE...      (WHO names the caller in its messages)
# BYOB_APT_HINT, if set, is one more line for the reader when the packages cannot be installed.
set -euo pipefail
who="${1:?usage: tools/apt-install.sh WHO PACKAGE...}"
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

install=(apt-get install -y -qq "${missing[@]}")
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "$who: ${missing[*]} missing, and this user cannot install system packages." >&2
  echo "  As root, run: apt-get update && ${install[*]}" >&2
  [[ -z "${BYOB_APT_HINT:-}" ]] || echo "  $BYOB_APT_HINT" >&2
  exit 1
fi
echo "$who: installing ${missing[*]} (Debian packages${sudo:+, with sudo})"
# env, not an assignment before sudo: sudo's env_reset would drop it
if ! { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "${install[@]}"; }; then
  echo "$who: the install failed. Run it yourself, then make test again:" >&2
  echo "  ${sudo[*]:+sudo }apt-get update && ${sudo[*]:+sudo }${install[*]}" >&2
  exit 1
fi
