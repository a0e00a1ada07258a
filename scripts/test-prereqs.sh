#!/usr/bin/env bash
# Makes this machine ready for `pnpm test`, or fails loudly. Never skips.
#   - Redis answers PING at $REDIS_URL (default redis://127.0.0.1:6379); a local one is started if needed.
#   - A Chromium for Playwright: $CHROMIUM_PATH, else Debian's /usr/bin/chromium (installed if missing).
#   - nginx (Debian's, installed if missing) for the compose-topology test (apps/bff/test/cluster).
# Idempotent, and quick when everything is already there.
set -euo pipefail

log() { printf '[test-prereqs] %s\n' "$*"; }
die() {
  printf '[test-prereqs] ERROR: %s\n' "$*" >&2
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }

apt_updated=0
apt_install() {
  have apt-get || return 1
  is_root || return 1
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    apt_updated=1
  fi
  log "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" || return 1
}

# ---------------------------------------------------------------- Redis
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
case "$REDIS_URL" in
  redis://* | rediss://*) ;;
  *) die "REDIS_URL must look like redis://host:port, got '$REDIS_URL'" ;;
esac
# redis://[user[:password]@]host[:port][/db]
redis_hostport="${REDIS_URL#*://}"
redis_hostport="${redis_hostport##*@}"
redis_hostport="${redis_hostport%%/*}"
if [[ "$redis_hostport" == \[* ]]; then # [::1]:6379
  redis_host="${redis_hostport%%]*}"
  redis_host="${redis_host#[}"
  redis_port="${redis_hostport##*]}"
  redis_port="${redis_port#:}"
else
  redis_host="${redis_hostport%%:*}"
  redis_port=""
  [[ "$redis_hostport" == *:* ]] && redis_port="${redis_hostport##*:}"
fi
redis_host="${redis_host:-127.0.0.1}"
redis_port="${redis_port:-6379}"
[[ "$redis_port" =~ ^[0-9]+$ ]] || die "REDIS_URL has an invalid port: '$REDIS_URL'"

redis_ping() {
  if have redis-cli; then
    local answer
    answer="$(timeout 3 redis-cli -u "$REDIS_URL" --no-auth-warning ping 2>/dev/null || true)"
    [ "$answer" = "PONG" ] && return 0
    # Up but guarded by a password the URL lacks still counts as "answering".
    [[ "$answer" == *NOAUTH* ]] && return 0
    return 1
  fi
  # No redis-cli: speak RESP over bash's /dev/tcp.
  (
    exec 3<>"/dev/tcp/$redis_host/$redis_port" || exit 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 3 line <&3 || exit 1
    exec 3>&- 3<&-
    case "$line" in +PONG* | -NOAUTH*) exit 0 ;; *) exit 1 ;; esac
  ) 2>/dev/null
}

is_local_host() {
  case "$1" in 127.0.0.1 | localhost | ::1) return 0 ;; *) return 1 ;; esac
}

if redis_ping; then
  log "redis: answering at $redis_host:$redis_port"
else
  is_local_host "$redis_host" ||
    die "Redis does not answer at $redis_host:$redis_port (REDIS_URL=$REDIS_URL), and it is not local: start it there, or unset REDIS_URL to use a local one."
  if ! have redis-server; then
    apt_install redis-server ||
      die "redis-server is not installed and cannot be installed here (needs root and apt-get). Install Redis, or start one at $redis_host:$redis_port."
  fi
  log "redis: starting redis-server on 127.0.0.1:$redis_port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >/dev/null ||
    die "redis-server failed to start on port $redis_port"
  for _ in $(seq 1 50); do
    redis_ping && break
    sleep 0.2
  done
  redis_ping || die "redis-server was started but does not answer PING at 127.0.0.1:$redis_port after 10s"
  log "redis: answering at 127.0.0.1:$redis_port"
fi

# ---------------------------------------------------------------- nginx and redis-server binaries
# The topology test runs its own nginx and redis-server (on spare ports), as `pnpm start:cluster` does.
nginx_bin=""
for candidate in /usr/sbin/nginx /usr/bin/nginx; do [ -x "$candidate" ] && nginx_bin="$candidate" && break; done
if [ -z "$nginx_bin" ]; then
  apt_install nginx ||
    die "nginx is not installed and cannot be installed here (needs root and apt-get). Install Debian's 'nginx' package."
  nginx_bin=/usr/sbin/nginx
  [ -x "$nginx_bin" ] || die "apt-get installed 'nginx' but /usr/sbin/nginx is missing."
fi
log "nginx: $("$nginx_bin" -v 2>&1)"
have redis-server || apt_install redis-server ||
  die "redis-server is not installed and cannot be installed here (needs root and apt-get). Install Redis."
log "redis-server: $(redis-server --version | head -n 1)"

# ---------------------------------------------------------------- Chromium
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file."
  chromium_bin="$CHROMIUM_PATH"
else
  chromium_bin=/usr/bin/chromium
  if [ ! -x "$chromium_bin" ]; then
    apt_install chromium ||
      die "No Chromium at /usr/bin/chromium and it cannot be installed here (needs root and apt-get). Install Debian's 'chromium' package or set CHROMIUM_PATH."
    [ -x "$chromium_bin" ] || die "apt-get installed 'chromium' but /usr/bin/chromium is still missing."
  fi
fi
chromium_version="$(timeout 30 "$chromium_bin" --version 2>/dev/null | head -n 1 || true)"
[ -n "$chromium_version" ] || die "$chromium_bin does not run ('$chromium_bin --version' failed)."
log "chromium: $chromium_version ($chromium_bin)"
