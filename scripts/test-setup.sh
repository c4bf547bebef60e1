#!/usr/bin/env bash
# Everything the tests need on a fresh Debian machine with Node, then every suite:
# Chromium (the e2e suite), nginx (the integration suite runs the app behind it), PostgreSQL's
# server binaries (the suites start a throwaway cluster of their own from them) and the tools
# that may build the SQLite driver's native module from the system's packages when they are
# missing, the npm packages (`npm ci`), then `npm test`.
# Run from anywhere: `bash scripts/test-setup.sh`. Needs root or sudo only to install packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# The browsers tests/e2e/chromium.ts looks for, or CHROMIUM_PATH.
has_chromium() {
	[ -n "${CHROMIUM_PATH:-}" ] && return 0
	for path in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
		[ -x "$path" ] && return 0
	done
	return 1
}

missing=()
has_chromium || missing+=(chromium)
[ ! -x /usr/sbin/nginx ] && missing+=(nginx)
# tests/helpers/postgres-cluster.ts looks in PG_BIN, or /usr/lib/postgresql/<version>/bin.
has_postgres() {
	[ -n "${PG_BIN:-}" ] && [ -x "$PG_BIN/initdb" ] && return 0
	compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null
}
has_postgres || missing+=(postgresql)
# `npm ci` compiles the SQLite driver with these where no prebuilt binary can be downloaded.
for tool in python3 make g++; do
	command -v "$tool" > /dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
	sudo=''
	[ "$(id -u)" -ne 0 ] && sudo='sudo'
	$sudo apt-get update
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# In a subshell, so a failing `npm ci` stops the script too (set -e spares all but the last
# command of an && list).
(npm ci && npm test)
