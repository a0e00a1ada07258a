#!/usr/bin/env bash
# Makes this machine ready for `pnpm bench` / `pnpm bench:smoke`, or fails loudly: the load client is wrk
# (Debian's package, installed when missing and we are root). Redis is checked by the bench itself.
set -euo pipefail

if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo '[bench-prereqs] apt-get install -y wrk'
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
fi
command -v wrk >/dev/null 2>&1 || {
  echo '[bench-prereqs] ERROR: the load client wrk is missing and cannot be installed here (needs root and apt-get): install wrk.' >&2
  exit 1
}
