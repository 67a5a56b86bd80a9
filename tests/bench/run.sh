#!/bin/sh
# run.sh - `make bench`: morgue against Hugo and Pagefind on generated
# corpora. See tests/bench/README.md; settings via BENCH_* variables
# (BENCH_SIZES="1000 10000", BENCH_RUNS=3, BENCH_ENTITIES=2000, ...).
set -eu
cd "$(dirname "$0")/../.."

need=""
command -v python3 >/dev/null || need="$need python3"
[ -x /usr/bin/time ] || need="$need time"
command -v git >/dev/null || need="$need git"
if [ -n "$need" ]; then
	echo "bench: missing:$need (apt-get install$need)" >&2
	exit 1
fi
command -v hugo >/dev/null || echo "bench: NOTE: hugo not installed (apt-get install hugo): hugo rows skipped" >&2

# Pagefind comes from npm, pinned in tests/bench/package-lock.json.
if [ ! -x tests/bench/node_modules/.bin/pagefind ]; then
	if command -v npm >/dev/null; then
		echo "bench: installing pagefind (npm ci in tests/bench)" >&2
		# the lock lists every platform's optional pagefind binary, so
		# npm ci installs the pinned version on any machine
		(cd tests/bench && npm ci --no-audit --no-fund --loglevel=error >&2) ||
			echo "bench: NOTE: npm ci failed: pagefind rows skipped" >&2
	else
		echo "bench: NOTE: npm not installed: pagefind rows skipped" >&2
	fi
fi

exec python3 tests/bench/bench.py
