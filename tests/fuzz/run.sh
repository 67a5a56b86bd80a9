#!/bin/sh
# run.sh BUILD_DIR - run every libFuzzer target in BUILD_DIR/fuzz for
# FUZZ_TIME seconds over its seed corpus tests/fuzz/corpus/<name>/, printing
# "PASS fuzz <name>: N execs" or "FAIL fuzz <name>" with the crash report.
# New inputs go to a scratch directory; the committed seeds are not changed.
set -u
cd "$(dirname "$0")/../.."
dir=${1:-build/fuzz}/fuzz
time=${FUZZ_TIME:-60}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
rc=0
for bin in "$dir"/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin" | sed 's/^fuzz_//')
	mkdir -p "$scratch/$name"
	seeds=tests/fuzz/corpus/$name
	[ -d "$seeds" ] || seeds=
	if ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$time" -rss_limit_mb=2048 \
		-artifact_prefix="$scratch/" "$scratch/$name" $seeds >"$scratch/log" 2>&1; then
		execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$scratch/log" | tail -1)
		echo "PASS fuzz $name: ${execs:-?} execs in ${time}s"
	else
		echo "FAIL fuzz $name: crash or leak; report:"
		grep -v '^#' "$scratch/log" | tail -40 | sed 's/^/  /'
		for a in "$scratch"/crash-* "$scratch"/leak-* "$scratch"/timeout-* "$scratch"/oom-*; do
			[ -f "$a" ] && echo "  input: $(od -c "$a" | head -5)"
		done
		rc=1
	fi
done
exit $rc
