#!/usr/bin/env bash
# Installs the system libraries and tools Annotated State Spaces needs, only those missing.
#   FFTW3 (libfftw3-dev), OpenBLAS + LAPACKE (libopenblas-dev, liblapacke-dev),
#   gnuplot without X (gnuplot-nox), pkg-config.
# Non-interactive; uses sudo only when not already root. Safe to run repeatedly.
set -euo pipefail

packages=(libfftw3-dev libopenblas-dev liblapacke-dev gnuplot-nox pkg-config)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all system packages present (${packages[*]})"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: missing ${missing[*]} and apt-get is not available; install them with your package manager" >&2
  exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd=(sudo); else
    echo "install-deps: need root (or sudo) to install ${missing[*]}" >&2; exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
