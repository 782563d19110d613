#!/usr/bin/env bash
# Installs the Debian packages nchip needs (only those missing, so a second run is quick) and
# builds the project in ./build (Release). Usage: bash scripts/setup.sh [--no-build]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake g++ make pkg-config libsystemc-dev libboost-program-options-dev libfmt-dev
          catch2 verilator nlohmann-json3-dev libbenchmark-dev libhwy-dev libblis-dev
          gnuplot-nox openmpi-bin libopenmpi-dev  # nchip sweep: gnuplot-nox draws its plots, openmpi-bin
                                   # (mpirun) runs it over several processes, libopenmpi-dev lets rank 0
                                   # gather them through MPI; all optional (the build works without MPI)
          libhdf5-dev zlib1g-dev   # NIR import/export (compiler/nir), the trial-set container (runtime/data); gunzip of the IDX files
          python3-h5py             # the docs' h5py snippet (its test skips without it)
          clang libclang-rt-14-dev # libFuzzer + ASan/UBSan runtimes: scripts/test.sh's sanitizer build (CI), which also runs the fuzz targets (tests/fuzz, scripts/fuzz.sh)
          dataset-fashion-mnist)   # --task fashion-mnist (optional at run time; its tests skip without it)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ "${1:-}" = "--no-build" ] && exit 0
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
