#!/bin/sh
# deps.sh GROUP... - make sure the Debian packages a task needs are present.
#
# Groups: build (compile morgue), test (make check), bench (make bench).
# As root, missing packages are installed with apt-get; otherwise the script
# names them and exits 1, so nothing half-works.
set -eu

build_pkgs="gcc make pkg-config git libcmark-dev libgit2-dev libsqlite3-dev libyaml-dev libutf8proc-dev libstemmer-dev libmicrohttpd-dev zlib1g-dev libmimalloc-dev"
test_pkgs="chromium nodejs npm valgrind clang sqlite3 python3 python3-feedparser default-jre-headless curl mandoc"
bench_pkgs="hugo time python3"

want=""
for g in "$@"; do
	case "$g" in
	build) want="$want $build_pkgs" ;;
	test) want="$want $build_pkgs $test_pkgs" ;;
	bench) want="$want $build_pkgs $bench_pkgs nodejs npm" ;;
	*) echo "deps.sh: unknown group '$g' (build, test, bench)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	case " $missing " in *" $p "*) continue ;; esac
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	"install ok installed") ;;
	*)
		# node/npm may come from another source than Debian's package
		if { [ "$p" = nodejs ] && command -v node >/dev/null; } ||
		   { [ "$p" = npm ] && command -v npm >/dev/null; }; then
			continue
		fi
		missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	echo "deps.sh: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "morgue: missing Debian packages:$missing" >&2
	echo "install them with: sudo apt-get install$missing" >&2
	exit 1
fi
