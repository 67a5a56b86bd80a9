#!/bin/sh
# Golden tests of the attribution extractor: each tests/regress/attribution/
# NAME.txt (plain text) is run through `test_attribution --dump` (mentions by
# exact match of the names and aliases in content/entities) and the TSV must
# equal NAME.tsv. MORGUE_REGRESS_UPDATE=1 rewrites the .tsv files.
set -u
cd "$(dirname "$0")/../.."
bin=${BUILD:-build}/tests/test_attribution
if [ ! -x "$bin" ]; then
	echo "SKIP regress attribution: $bin not built"
	exit 0
fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT INT TERM
for txt in tests/regress/attribution/*.txt; do
	name=$(basename "$txt" .txt)
	exp=tests/regress/attribution/$name.tsv
	if ! "$bin" --dump "$txt" >"$tmp" 2>&1; then
		echo "FAIL regress attribution/$name: driver failed"
		continue
	fi
	if [ "${MORGUE_REGRESS_UPDATE:-0}" = 1 ]; then
		cp "$tmp" "$exp"
		echo "SKIP regress attribution/$name: expected output rewritten"
	elif diff -u "$exp" "$tmp" >"$tmp.diff" 2>&1; then
		echo "PASS regress attribution/$name"
	else
		echo "FAIL regress attribution/$name: output differs from expected:"
		head -30 "$tmp.diff" | sed 's/^/  /'
	fi
	rm -f "$tmp.diff"
done
