#!/bin/sh
# smoke.sh - part of `make check`: build the libFuzzer targets with clang and
# run each for a few seconds over the committed seed corpus (FUZZ_SMOKE_TIME,
# default 10). `make fuzz` is the long run. Skips when clang is absent.
set -u
cd "$(dirname "$0")/../.."
if [ "${MORGUE_SKIP_FUZZ:-0}" = 1 ]; then
	exit 0 # the sanitizer pass of make check-asan: the fuzzers already ran
fi
if ! command -v clang >/dev/null 2>&1; then
	echo "SKIP fuzz smoke: clang not installed (apt-get install clang)"
	exit 0
fi
if ! make -s --no-print-directory BUILD=build/fuzz SAN=fuzz CC=clang CFLAGS="-O1 -g" \
	fuzz-bins >build/fuzz-smoke.log 2>&1; then
	echo "FAIL fuzz smoke: fuzz targets do not build:"
	tail -20 build/fuzz-smoke.log | sed 's/^/  /'
	exit 1
fi
FUZZ_TIME=${FUZZ_SMOKE_TIME:-10} sh tests/fuzz/run.sh build/fuzz
