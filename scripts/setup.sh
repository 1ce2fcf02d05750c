#!/usr/bin/env bash
# Installs what the tests and the playground need on a fresh Debian machine, skipping what is there:
# Debian packages (chromium for the browser tests, postgresql, postfix's smtp-sink, dovecot) and
# the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pg_createcluster >/dev/null || need+=(postgresql)
command -v smtp-sink >/dev/null || need+=(postfix)
command -v dovecot >/dev/null || need+=(dovecot-imapd dovecot-pop3d dovecot-lmtpd)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# smtp-sink and Dovecot drop root privileges to this user in the tests.
id vmail >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin vmail

# better-sqlite3 compiles from source here; node-gyp must use the installed Node headers.
export npm_config_nodedir=${npm_config_nodedir:-/usr}
if [ ! -x node_modules/.bin/strapi ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
