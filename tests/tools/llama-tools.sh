#!/usr/bin/env bash
# Builds llama.cpp's llama-server and llama-bench once and caches them under
# target/llama-tools/<version>/bin. llama-cpp-sys-2 (the probe's library) vendors
# only the library, so the tools come from the full llama.cpp tree inside the
# source distribution of llama-cpp-python on PyPI.
#
# Compiler flags mirror what llama-cpp-sys-2's build.rs passes for this
# workspace's x86-64 builds (see target/*/build/llama-cpp-sys-2-*/out/build/
# CMakeCache.txt): GGML_NATIVE=OFF, -march=x86-64 plus AVX/AVX2/BMI2/F16C/FMA/
# SSE4.2, OpenMP on, RelWithDebInfo (-O2), so `tco probe --model` and
# llama-bench run the same kernels.
#
# Usage: tests/tools/llama-tools.sh        builds if missing, then prints
#        TCO_LLAMA_SERVER=… and TCO_LLAMA_BENCH=… lines (eval-able).
# Env:   LLAMA_CPP_PYTHON_VERSION (default 0.3.36), LLAMA_SDIST_DIR (where the
#        sdist is or goes; default target/llama-tools/src), CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."

version="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
root="$target/llama-tools/$version"
bin="$root/bin"
sdist_dir="${LLAMA_SDIST_DIR:-$target/llama-tools/src}"
log() { printf '%s\n' "$*" >&2; }

if [ -x "$bin/llama-server" ] && [ -x "$bin/llama-bench" ]; then
  log "llama-tools: cached in $bin"
else
  mkdir -p "$sdist_dir" "$root"
  sdist="$sdist_dir/llama_cpp_python-$version.tar.gz"
  if [ ! -f "$sdist" ]; then
    log "llama-tools: downloading the llama-cpp-python $version source distribution from PyPI"
    python3 -m pip download --no-binary :all: --no-deps "llama-cpp-python==$version" -d "$sdist_dir" >&2
  fi
  [ -f "$sdist" ] || { log "llama-tools: $sdist missing after pip download"; exit 1; }
  src="$root/src"
  rm -rf "$src" && mkdir -p "$src"
  tar -xzf "$sdist" -C "$src" --strip-components=1
  llama="$src/vendor/llama.cpp"
  [ -f "$llama/CMakeLists.txt" ] || { log "llama-tools: no vendor/llama.cpp in the sdist"; exit 1; }
  jobs="${LLAMA_TOOLS_JOBS:-$(nproc)}"
  log "llama-tools: building llama-server and llama-bench ($jobs jobs; about 8 minutes on 2 cores)"
  cmake -S "$llama" -B "$root/build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS="-march=x86-64" -DCMAKE_CXX_FLAGS="-march=x86-64" \
    -DBUILD_SHARED_LIBS=OFF \
    -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_BMI2=ON -DGGML_F16C=ON \
    -DGGML_FMA=ON -DGGML_SSE42=ON -DGGML_OPENMP=ON \
    -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON >"$root/cmake.log" 2>&1 \
    || { tail -30 "$root/cmake.log" >&2; exit 1; }
  cmake --build "$root/build" --target llama-server llama-bench -j "$jobs" >"$root/build.log" 2>&1 \
    || { tail -40 "$root/build.log" >&2; exit 1; }
  mkdir -p "$bin.tmp"
  cp "$root/build/bin/llama-server" "$root/build/bin/llama-bench" "$bin.tmp/"
  rm -rf "$bin" && mv "$bin.tmp" "$bin"
  rm -rf "$src" "$root/build"
  log "llama-tools: built into $bin"
fi
echo "TCO_LLAMA_SERVER=$bin/llama-server"
echo "TCO_LLAMA_BENCH=$bin/llama-bench"
