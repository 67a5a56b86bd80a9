#!/bin/sh
# Browser tests: build the sample archive and drive headless Chromium
# (Debian's /usr/bin/chromium) with playwright-core from npm.
set -u
here=$(cd "$(dirname "$0")" && pwd)
MORGUE=${MORGUE:-$here/../../build/morgue}
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "SKIP browser tests: no /usr/bin/chromium (install Debian's chromium package)"
	exit 0
fi
if [ ! -d "$here/node_modules/playwright-core" ]; then
	(cd "$here" && npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1) || {
		echo "FAIL browser tests: npm install playwright-core failed"; exit 1; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! "$MORGUE" build content -o "$tmp/site" --quiet; then
	echo "FAIL browser tests: the sample site did not build"; exit 1
fi
rc=0
for spec in "$here"/*.spec.js; do
	node "$spec" "$tmp/site" || rc=1
done
exit $rc
