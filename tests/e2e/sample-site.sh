#!/bin/sh
# The sample archive (content/ at HEAD of this repository) builds, every
# link resolves, pages are well-formed and the entity linking meets its
# quality bar against the hand-labelled gold file.
set -u
. "$(dirname "$0")/lib.sh"
SITE=$TMP/site

if ! git rev-parse --verify -q HEAD:content/morgue.yaml >/dev/null; then
	echo "SKIP sample site: content/ is not committed in this checkout"
	exit 0
fi
"$MORGUE" build content -o "$SITE" --quiet 2>"$TMP/err"; rc=$?
if [ $rc -ne 0 ]; then
	fail "sample archive builds" "exit $rc: $(head -3 "$TMP/err")"
	exit 1
fi
pass "sample archive builds"
[ -s "$TMP/err" ] && { echo "  warnings:"; sed 's/^/  /' "$TMP/err" | head -20; }
n=$(find "$SITE/articles" -name '*.html' | wc -l)
[ "$n" -eq 4 ] && pass "four article pages" || fail "four article pages" "found $n"
n=$(find "$SITE/entities" -name '*.html' ! -name index.html | wc -l)
[ "$n" -ge 40 ] && pass "at least 40 entity pages ($n)" || fail "at least 40 entity pages" "found $n"
python3 "$(dirname "$0")/linkcheck.py" "$SITE"
python3 "$(dirname "$0")/gold.py" "$SITE" tests/gold/mentions.tsv 0.95

# every page: doctype, lang, title, one h1, CSP, no inline script
bad=0
for f in $(find "$SITE" -name '*.html'); do
	grep -q '^<!DOCTYPE html>' "$f" && grep -q '<html lang="' "$f" && grep -q '<title>' "$f" &&
	grep -q 'Content-Security-Policy' "$f" && ! grep -q '<script>' "$f" || { bad=$((bad+1)); echo "  bad page: $f"; }
done
[ $bad -eq 0 ] && pass "every page has doctype, lang, title, CSP and no inline script" || fail "page basics" "$bad pages"

# seed bodies are kept verbatim
shared=${MORGUE_SHARED:-../shared}
if [ -d "$shared/seeds" ]; then
	ok=1
	for s in "$shared"/seeds/*.txt; do
		found=0
		for a in content/articles/*/*.md; do
			if tail -c "$(wc -c <"$s")" "$a" | cmp -s - "$s"; then found=1; fi
		done
		[ $found -eq 1 ] || { ok=0; echo "  seed not verbatim: $s"; }
	done
	[ $ok -eq 1 ] && pass "sample articles keep the seed texts verbatim" || fail "seed texts verbatim" "see above"
else
	echo "SKIP seed texts verbatim: ../shared/seeds absent (not part of a user's clone)"
fi
