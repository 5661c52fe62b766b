#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, only when one is
# missing, so running it again is cheap. Must run as root on a fresh machine.
# clang, bpftool, libbpf-dev and libxdp-dev build the XDP sieve and the
# AF_XDP loop (--xdp, --io xdp; meson option xdp=auto builds without them);
# ethtool and ping serve the XDP tests and tools/xdp-lab.sh.
set -euo pipefail

packages=(g++ pkg-config meson ninja-build
          libsodium-dev libabsl-dev nlohmann-json3-dev libtomlplusplus-dev
          libgtest-dev libgmock-dev libbenchmark-dev
          libcpp-httplib-dev
          scdoc
          python3 iproute2 procps universal-ctags
          clang bpftool libbpf-dev libxdp-dev
          ethtool iputils-ping)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing Debian packages: ${missing[*]}; run this as root (or install them)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
