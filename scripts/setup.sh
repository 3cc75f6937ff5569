#!/usr/bin/env bash
# Installs everything clip-retrieval needs on Debian 12, builds it (Release, ccache) and puts
# `clip-retrieval` on the PATH. Idempotent: a second run installs nothing and rebuilds only what
# changed. Environment knobs:
#   CLIPRET_BUILD_DIR   build folder (default: build)
#   CLIPRET_CMAKE_ARGS  extra cmake arguments (e.g. -DCLIPRET_WERROR=ON)
#   CLIPRET_JOBS        parallel compile jobs (default: number of cores)
#   CLIPRET_PREFIX      install prefix (default: /usr/local as root, ~/.local otherwise)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Debian packages: build tools, libraries, and what the tests use.
packages=(
  build-essential cmake pkg-config ccache git ca-certificates
  nlohmann-json3-dev libarchive-dev zlib1g-dev libsnappy-dev libzstd-dev liblz4-dev
  libopenblas-dev libjpeg62-turbo-dev libturbojpeg0-dev libpng-dev libwebp-dev libgif-dev libutf8proc-dev
  libcurl4-openssl-dev libssl-dev libcpp-httplib-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev python3-opencv python3-exifread
  libsentencepiece-dev sentencepiece python3-sentencepiece libminizip-dev python3-torch
  libfaiss-dev liblapack-dev libsqlite3-dev sqlite3 wrk
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy openmpi-bin libopenmpi-dev
  clang libclang-rt-14-dev
  chromium
)

sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js may come from elsewhere than Debian (e.g. NodeSource, whose nodejs bundles npm and
# conflicts with Debian's npm package): only the commands matter.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "== setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
else
  echo "== setup: Debian packages present"
fi

# npm packages (lockfiles committed): the web UI and its build tools, the browser tests'
# playwright-core (it drives Debian's chromium; no browser download), DuckDB as an independent
# Parquet reader/writer. Reinstalled when a lockfile is newer than its install.
for dir in front tests/front tests/parquet/duckdb; do
  if [ -f "$dir/package-lock.json" ] && { [ ! -f "$dir/node_modules/.package-lock.json" ] ||
      [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
    echo "== setup: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# The web UI, built into front/dist (type-checked, bundled by Vite); `back` serves it, and
# `cmake --install` below copies it to <prefix>/share/clip-retrieval/front.
echo "== setup: building the web UI (front/dist)"
(cd front && npm run --silent build)

# ccache keyed on paths relative to the checkout, so clones in other folders share the cache.
export CCACHE_BASEDIR="$root"

build_dir=${CLIPRET_BUILD_DIR:-build}
jobs=${CLIPRET_JOBS:-$(nproc)}
echo "== setup: configuring $build_dir"
# shellcheck disable=SC2086
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release ${CLIPRET_CMAKE_ARGS:-} >/dev/null
echo "== setup: building with $jobs jobs"
cmake --build "$build_dir" -j "$jobs"

if [ -n "${CLIPRET_PREFIX:-}" ]; then
  prefix=$CLIPRET_PREFIX
elif [ "$(id -u)" = 0 ]; then
  prefix=/usr/local
else
  prefix=$HOME/.local
fi
# The front's file names change with each build: replace the installed one whole.
rm -rf "$prefix/share/clip-retrieval/front"
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
echo "== setup: installed $prefix/bin/clip-retrieval"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "== setup: add $prefix/bin to your PATH" ;;
esac
