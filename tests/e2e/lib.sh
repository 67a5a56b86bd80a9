# lib.sh - helpers for the end-to-end tests (sourced).
# Every check prints "PASS name" or "FAIL name: why"; see tests/run.sh.
MORGUE=${MORGUE:-$(pwd)/build/morgue}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/morgue-e2e.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
check() { # name command... : passes when the command succeeds
	n=$1; shift
	if "$@" >/dev/null 2>&1; then pass "$n"; else fail "$n" "command failed: $*"; fi
}

# git with a fixed identity and clock so commits are reproducible
g() {
	GIT_AUTHOR_NAME="Archivist" GIT_AUTHOR_EMAIL="archivist@example.org" \
	GIT_COMMITTER_NAME="Archivist" GIT_COMMITTER_EMAIL="archivist@example.org" \
	GIT_AUTHOR_DATE="${GDATE:-2020-01-01T12:00:00Z}" GIT_COMMITTER_DATE="${GDATE:-2020-01-01T12:00:00Z}" \
	git -c init.defaultBranch=main -c commit.gpgsign=false "$@"
}

# new_repo DIR: an archive with one entity and morgue.yaml
new_repo() {
	mkdir -p "$1/entities/people" "$1/articles/2020"
	g -C "$1" init -q
	cat >"$1/morgue.yaml" <<'Y'
title: Test Archive
description: An archive for tests
Y
	cat >"$1/entities/people/ada-lovelace.md" <<'Y'
---
name: Ada Lovelace
type: person
aliases: [Lovelace, Augusta Ada King]
description: Mathematician.
---
First programmer.
Y
	cat >"$1/entities/people/daily-bugle.md" <<'Y'
---
name: Daily Bugle
type: publication
---
Y
}

# article DIR ID TITLE DATE [BODY]
article() {
	mkdir -p "$(dirname "$1/articles/$2.md")"
	printf -- '---\ntitle: "%s"\ndate: %s\npublication: daily-bugle\ntags: [computing]\n---\n%s\n' \
		"$3" "$4" "${5:-Ada Lovelace wrote the first program. Later Lovelace explained it.}" \
		>"$1/articles/$2.md"
}

commit() { g -C "$1" add -A && g -C "$1" commit -qm "$2"; }

# Debian's python3 (with python3-feedparser), not a user's pyenv shim
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
