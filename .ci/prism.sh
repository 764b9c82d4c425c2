#!/usr/bin/env bash
# Installs Stoplight Prism (the OpenAPI mock server used by the contract tests)
# into .prism/ at the repo root (git-ignored, no global install) and prints
# the absolute path of the prism binary on stdout. A second run reuses the
# install when the pinned version is already there.
#
#   PRISM_BIN=$(bash .ci/prism.sh)
#
# Needs node + npm and access to the npm registry (cold install only).
set -euo pipefail

PRISM_VERSION="${PRISM_VERSION:-5.16.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="${PRISM_PREFIX:-$ROOT/.prism}"
BIN="$PREFIX/node_modules/.bin/prism"
PKG_JSON="$PREFIX/node_modules/@stoplight/prism-cli/package.json"

installed_version() {
	[ -f "$PKG_JSON" ] || return 0
	node -e 'process.stdout.write(require(process.argv[1]).version)' "$PKG_JSON" 2>/dev/null || true
}

if [ ! -x "$BIN" ] || [ "$(installed_version)" != "$PRISM_VERSION" ]; then
	command -v npm >/dev/null 2>&1 || { echo "prism.sh: npm not found (install nodejs + npm)" >&2; exit 1; }
	echo "prism.sh: installing @stoplight/prism-cli@$PRISM_VERSION into $PREFIX" >&2
	mkdir -p "$PREFIX"
	npm install --prefix "$PREFIX" --no-audit --no-fund --silent --no-save \
		"@stoplight/prism-cli@$PRISM_VERSION" >&2
	got="$(installed_version)"
	if [ "$got" != "$PRISM_VERSION" ] || [ ! -x "$BIN" ]; then
		echo "prism.sh: install failed (found version '${got:-none}', binary $BIN)" >&2
		exit 1
	fi
fi

echo "$BIN"
