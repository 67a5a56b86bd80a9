#!/bin/sh
# Bad input: every case of bad/cases.tsv gives its documented exit code and
# a file:line message; a failed build (exit 1) leaves the previous site
# intact, a warning (exit 0) skips the item and builds the rest. Then the
# cases a text table cannot hold: symbolic links and submodules in the git
# tree. Decisions per case: bad/README.md.
set -u
. "$(dirname "$0")/lib.sh"
CASES=$(dirname "$0")/bad/cases.tsv

R=$TMP/repo
new_repo "$R"
article "$R" 2020/good "Good" 2020-02-02
commit "$R" "good"
"$MORGUE" build "$R" -o "$TMP/site" --quiet || { fail "baseline build" "failed"; exit 1; }
sum() { (cd "$TMP/site" && find . -type f | LC_ALL=C sort | xargs cat | cksum); }

# verdict NAME EXPECTED-CODE MESSAGE BEFORE: check the last build
verdict() {
	after=$(sum)
	if [ "$rc" -ne "$2" ]; then
		fail "bad input: $1" "exit $rc, expected $2: $(head -2 "$TMP/err")"
	elif ! grep -qF -- "$3" "$TMP/err"; then
		fail "bad input: $1" "message lacks '$3': $(head -2 "$TMP/err")"
	elif [ "$rc" -ne 0 ] && [ "$4" != "$after" ]; then
		fail "bad input: $1" "the previous site changed"
	elif [ "$rc" -eq 0 ] && [ ! -f "$TMP/site/articles/2020/good.html" ]; then
		fail "bad input: $1" "a warning, but the rest of the site was not built"
	else
		pass "bad input: $1"
	fi
}

tab=$(printf '\t')
grep -v '^#' "$CASES" | while IFS="$tab" read -r name file content code message; do
	[ -n "$name" ] || continue
	g -C "$R" reset -q --hard HEAD
	# \n, \t, \xHH and \0 escapes of the table (in the content and the
	# file name), written byte for byte
	python3 -c 'import os, sys
d = lambda s: s.encode("latin-1").decode("unicode_escape").encode("latin-1")
path = os.fsencode(sys.argv[1]) + b"/" + d(sys.argv[2])
os.makedirs(os.path.dirname(path), exist_ok=True)
open(path, "wb").write(d(sys.argv[3]))' "$R" "$file" "$content"
	commit "$R" "case: $name"
	before=$(sum)
	"$MORGUE" build "$R" -o "$TMP/site" --quiet 2>"$TMP/err"
	rc=$?
	verdict "$name" "$code" "$message" "$before"
	g -C "$R" reset -q --hard HEAD~1
done

# git-tree cases: a symbolic link or a submodule is never followed; it is a
# warning naming it, and everything else is built (exit 0)
tree_case() { # name path-in-message [staged: commit the index as it is]
	if [ $# -gt 2 ]; then g -C "$R" commit -qm "case: $1"; else commit "$R" "case: $1"; fi
	before=$(sum)
	"$MORGUE" build "$R" -o "$TMP/site" --quiet 2>"$TMP/err"
	rc=$?
	verdict "$1" 0 "$2: symbolic link or submodule: skipped" "$before"
	g -C "$R" reset -q --hard HEAD~1
}
head=$(g -C "$R" rev-parse HEAD)
ln -s good.md "$R/articles/2020/link.md"
tree_case "symlink to an article" articles/2020/link.md
ln -s /etc/passwd "$R/articles/2020/passwd.md"
tree_case "symlink out of the repository" articles/2020/passwd.md
[ ! -e "$TMP/site/articles/2020/passwd.html" ] && pass "bad input: a symlink's target is never published" ||
	fail "bad input: a symlink's target is never published" "passwd.html exists"
ln -s /etc "$R/articles/etc"
tree_case "symlink to a directory" articles/etc
ln -s ada-lovelace.md "$R/entities/people/ada-again.md"
tree_case "symlinked entity" entities/people/ada-again.md
g -C "$R" update-index --add --cacheinfo "160000,$head,articles/sub"
tree_case "submodule in articles/" articles/sub staged
g -C "$R" update-index --add --cacheinfo "160000,$head,articles/2020/sub.md"
tree_case "submodule named .md" articles/2020/sub.md staged
g -C "$R" update-index --add --cacheinfo "160000,$head,entities/people/sub.md"
tree_case "submodule in entities/" entities/people/sub.md staged
