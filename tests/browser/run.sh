#!/bin/sh
# Browser tests: build the sample archive, check every page with the Nu HTML
# Checker (npm vnu-jar on Debian's Java; validate.spec.js needs no browser)
# and drive headless Chromium (Debian's /usr/bin/chromium) with
# playwright-core from npm (the other *.spec.js, axe-core among them).
# Each spec gets SITE (the sample archive) and PAGED (the same archive built
# with page_size 2, so every list page has page-N.html continuations).
set -u
here=$(cd "$(dirname "$0")" && pwd)
MORGUE=${MORGUE:-$here/../../build/morgue}
for m in playwright-core axe-core vnu-jar; do
	[ -d "$here/node_modules/$m" ] && continue
	(cd "$here" && npm install --no-audit --no-fund --loglevel=error >/dev/null 2>&1) || {
		echo "FAIL browser tests: npm install failed"; exit 1; }
	break
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
if ! "$MORGUE" build "$here/../../content" -o "$tmp/site" --quiet; then
	echo "FAIL browser tests: the sample site did not build"; exit 1
fi
# the paged copy: the sample content in a scratch repository, page_size 2
cp -R "$here/../../content" "$tmp/paged-src"
echo "page_size: 2" >>"$tmp/paged-src/morgue.yaml"
if ! (cd "$tmp/paged-src" && git -c init.defaultBranch=main init -q &&
	git add -A && GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org \
	git -c commit.gpgsign=false commit -qm paged) >/dev/null 2>&1 ||
   ! "$MORGUE" build "$tmp/paged-src" -o "$tmp/paged" --quiet; then
	echo "FAIL browser tests: the paged sample site did not build"; exit 1
fi
rc=0
node "$here/validate.spec.js" "$tmp/site" "$tmp/paged" || rc=1
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
	echo "SKIP browser tests: no /usr/bin/chromium (install Debian's chromium package)"
	exit $rc
fi
for spec in "$here"/*.spec.js; do
	case "$spec" in */validate.spec.js) continue ;; esac
	node "$spec" "$tmp/site" "$tmp/paged" || rc=1
done
exit $rc
