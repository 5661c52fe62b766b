#!/usr/bin/env bash
# Builds roughtimed and starts it on its embedded defaults: port 2002 on all
# addresses, a development root key in keys/ (generated when missing). The
# server prints its public key and the exact command to query it.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
builddir=${BUILDDIR:-build}
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" >"/tmp/roughtime-meson-setup.log" 2>&1 ||
    { cat /tmp/roughtime-meson-setup.log; exit 1; }
fi
ninja -C "$builddir" src/server/roughtimed tools/client/roughtime tools/keygen/roughtime-keygen >/dev/null
exec "$builddir/src/server/roughtimed" --dev "$@"
