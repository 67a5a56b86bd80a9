#!/bin/sh
# The documentation against the program: man pages lint clean (mandoc),
# every command and option of `morgue --help` / `morgue CMD --help` is in
# morgue(1), help goes to stdout with status 0 and misuse to stderr with
# status 2, every template of the default theme is in morgue-theme(5), and
# the README's two commands are `make site` and `make check`.
set -u
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."

# in_man WORD PAGE: WORD occurs in the roff source, where "-" is written "\-"
in_man() {
	w=$(printf '%s' "$1" | sed 's/-/\\-/g')
	grep -qF -- "$w" "$2"
}

# --- man pages -------------------------------------------------------------
if command -v mandoc >/dev/null 2>&1; then
	for page in docs/*.1 docs/*.5; do
		out=$(mandoc -T lint -W warning "$page" 2>&1); rc=$?
		if [ $rc -eq 0 ] && [ -z "$out" ]; then
			pass "man: $page lints without warnings"
		else
			fail "man: $page lints without warnings" "$(echo "$out" | head -3)"
		fi
	done
	# the pages written with morgue(1) in mind are held to the style level too
	for page in docs/morgue.1 docs/morgue-theme.5; do
		out=$(mandoc -T lint "$page" 2>&1); rc=$?
		[ $rc -eq 0 ] && [ -z "$out" ] && pass "man: $page lints clean (style)" ||
			fail "man: $page lints clean (style)" "$(echo "$out" | head -3)"
	done
else
	echo "SKIP man: mandoc not installed (apt-get install mandoc)"
fi
for page in morgue.1 morgue-content.5 morgue-theme.5; do
	[ -s "docs/$page" ] && pass "man: docs/$page exists" || fail "man: docs/$page exists" "missing"
done

# --- morgue --help ---------------------------------------------------------
"$MORGUE" --help >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && [ -s "$TMP/out" ] && [ ! -s "$TMP/err" ] &&
	pass "morgue --help: stdout, exit 0" || fail "morgue --help: stdout, exit 0" "exit $rc"
# the command table: indented "  name   summary" lines after "Commands:"
cmds=$(sed -n '/^Commands:/,/^$/p' "$TMP/out" | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
n=$(echo "$cmds" | grep -c .)
[ "$n" -ge 6 ] && pass "morgue --help lists the commands ($n)" ||
	fail "morgue --help lists the commands" "found $n: $cmds"

"$MORGUE" --version >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && grep -q '^morgue [0-9]' "$TMP/out" && pass "morgue --version" ||
	fail "morgue --version" "exit $rc: $(cat "$TMP/out")"
"$MORGUE" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q '^usage:' "$TMP/err" &&
	pass "morgue without a command: usage on stderr, exit 2" ||
	fail "morgue without a command: usage on stderr, exit 2" "exit $rc"
"$MORGUE" no-such-command >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "unknown command" "$TMP/err" &&
	pass "unknown command: stderr, exit 2" || fail "unknown command: stderr, exit 2" "exit $rc"

# --- each command ----------------------------------------------------------
for c in $cmds; do
	grep -q "^\.SS $c\$" docs/morgue.1 && pass "morgue.1 has a section for $c" ||
		fail "morgue.1 has a section for $c" "no '.SS $c'"

	"$MORGUE" "$c" --help >"$TMP/help" 2>"$TMP/err"; rc=$?
	if [ $rc -eq 0 ] && head -1 "$TMP/help" | grep -q "^usage: morgue $c" && [ ! -s "$TMP/err" ]; then
		pass "morgue $c --help: usage on stdout, exit 0"
	else
		fail "morgue $c --help: usage on stdout, exit 0" "exit $rc: $(head -1 "$TMP/help") $(head -1 "$TMP/err")"
	fi
	"$MORGUE" "$c" -h >"$TMP/out" 2>/dev/null && cmp -s "$TMP/out" "$TMP/help" &&
		pass "morgue $c -h is --help" || fail "morgue $c -h is --help" "differs"

	# every long option of the help text is documented in morgue(1)
	missing=""
	for o in $(grep -o -- '--[a-z][a-z-]*' "$TMP/help" | sort -u); do
		in_man "$o" docs/morgue.1 || missing="$missing $o"
	done
	[ -z "$missing" ] && pass "morgue.1 documents the options of $c" ||
		fail "morgue.1 documents the options of $c" "missing:$missing"

	"$MORGUE" "$c" --no-such-option >"$TMP/out" 2>"$TMP/err"; rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "Try 'morgue $c --help'" "$TMP/err"; then
		pass "morgue $c misuse: stderr, exit 2"
	else
		fail "morgue $c misuse: stderr, exit 2" "exit $rc: $(head -1 "$TMP/err")"
	fi
	"$MORGUE" help "$c" >"$TMP/out" 2>/dev/null && cmp -s "$TMP/out" "$TMP/help" &&
		pass "morgue help $c" || fail "morgue help $c" "differs from --help"
done

# the exit codes of cmd.h are all in morgue(1)
for code in 0 1 2 3 4 5 70; do
	grep -A1 '^\.TP' docs/morgue.1 | grep -q "^\.B $code\$" || missing_code="${missing_code:-} $code"
done
[ -z "${missing_code:-}" ] && pass "morgue.1 lists exit codes 0-5 and 70" ||
	fail "morgue.1 lists exit codes 0-5 and 70" "missing:$missing_code"

# --- morgue-theme(5) -------------------------------------------------------
missing=""
for t in themes/default/templates/*.mustache; do
	name=$(basename "$t" .mustache)
	in_man "$name" docs/morgue-theme.5 || missing="$missing $name"
done
[ -z "$missing" ] && pass "morgue-theme.5 names every default template" ||
	fail "morgue-theme.5 names every default template" "missing:$missing"
missing=""
for k in article entity entities tags tag archive 'archive\\-period' index search redirect; do
	grep -q "^\.SS $k\$" docs/morgue-theme.5 || missing="$missing $k"
done
[ -z "$missing" ] && pass "morgue-theme.5 has a section per page kind" ||
	fail "morgue-theme.5 has a section per page kind" "missing:$missing"
missing=""
for v in root site.title site.base_url page_title page_path canonical_url commit commit_short \
	build_date feed_url feed_title jsonld og_type og_description history_partial \
	pagination.page pagination.prev_url data-entity data-source; do
	in_man "$v" docs/morgue-theme.5 || missing="$missing $v"
done
[ -z "$missing" ] && pass "morgue-theme.5 documents the common variables" ||
	fail "morgue-theme.5 documents the common variables" "missing:$missing"

# --- README ----------------------------------------------------------------
two=$(sed -n '/^## Two commands/,/^## /p' README.md | sed -n 's/^    \(make [a-z-]*\).*/\1/p' | tr '\n' ',')
[ "$two" = "make site,make check," ] && pass "README: the two commands are make site and make check" ||
	fail "README: the two commands are make site and make check" "found '$two'"
for t in site check; do
	grep -q "^$t:" Makefile && pass "Makefile has target $t" || fail "Makefile has target $t" "missing"
done
if grep -q '](docs/screenshot.png)' README.md && [ -s docs/screenshot.png ]; then
	size=$(wc -c <docs/screenshot.png)
	head -c 8 docs/screenshot.png | od -An -c | grep -q 'P   N   G' && [ "$size" -lt 307200 ] &&
		pass "README: screenshot is a PNG under 300 KB ($size bytes)" ||
		fail "README: screenshot is a PNG under 300 KB" "$size bytes"
else
	fail "README: screenshot is referenced and present" "docs/screenshot.png"
fi

# --- the worked example of morgue-theme(5) builds ---------------------------
if git -C content rev-parse HEAD >/dev/null 2>&1; then
	mkdir -p "$TMP/mytheme/templates" "$TMP/mytheme/static"
	# the example template, from {{<layout}} to {{/layout}}, roff escapes undone
	sed -n '/^{{<layout}}$/,/^{{\/layout}}$/p' docs/morgue-theme.5 |
		sed 's/\\-/-/g; s/\\(em/-/g' >"$TMP/mytheme/templates/article.mustache"
	echo 'h2 { color: #333 }' >"$TMP/mytheme/static/mine.css"
	"$MORGUE" build content -o "$TMP/site" --theme "$TMP/mytheme" -q 2>"$TMP/err"; rc=$?
	page=$TMP/site/articles/2017/kushner-secret-channel.html
	if [ $rc -eq 0 ] && grep -q 'People, places and organisations' "$page" &&
	   grep -q 'href="../../static/mine.css"' "$page" && [ -s "$TMP/site/static/mine.css" ] &&
	   grep -q 'class="mention" data-entity=' "$page"; then
		pass "morgue-theme.5: the article.mustache override example builds"
	else
		fail "morgue-theme.5: the article.mustache override example builds" "exit $rc: $(head -2 "$TMP/err")"
	fi
else
	echo "SKIP morgue-theme.5 example: content/ is not in a git checkout"
fi
