#!/usr/bin/env bash
# The Debian packages, end to end (issue #12). Builds them from a copy of
# the working tree with `dpkg-buildpackage -us -uc -b` (DEB_BUILD_OPTIONS=
# nocheck: the suite is tools/test.sh's job, and building it again here
# would double the time), then installs them into a scratch root and checks
# what an operator gets: files, owners and modes, the system user and the
# key directory, every program's --help and --version, man pages, bash
# completion, the unit (enabled, its condition false without a key,
# `systemd-analyze verify`), the server started the way the unit starts it
# (as _roughtimed, without capabilities, the key as a credential) and
# answering a query, and that remove and purge keep the keys.
#
# The scratch root is an overlay of this machine's / in a private mount
# namespace (unshare + overlayfs, then chroot): dpkg, adduser and the
# maintainer scripts run for real, and every change lands in a temporary
# upper directory that is thrown away, so the machine is left as it was.
# There is no systemd running there (nor, usually, in a container), so
# "enabled but not started" is checked through the enablement symlink and
# by evaluating the unit's condition with `systemd-analyze condition`.
#
# Needs root (dpkg, unshare, mount). Usage:
#   tools/package-test.sh              build, then install and check
#   tools/package-test.sh --debs DIR   install and check the .debs in DIR
# The packages built are kept in build-pkg/debs/ (with build.log).
# Prints one "ok"/"FAIL" line per check and the time each phase took.
set -euo pipefail

inside=0
debs=""
case "${1:-}" in
  --inside) inside=1; work=$2 ;;
  --debs) debs=$(cd "$2" && pwd) ;;
  "") ;;
  *) echo "usage: tools/package-test.sh [--debs DIR]" >&2; exit 2 ;;
esac

if [ "$inside" -eq 0 ]; then
  cd "$(dirname "$0")/.."
  started=$SECONDS
  if [ "$(id -u)" -ne 0 ]; then
    echo "package-test: needs root (dpkg-buildpackage, unshare, mount)" >&2
    exit 1
  fi
  tools/install-deps.sh
  # Packaging tools, only for this script (not for tools/test.sh).
  packaging_deps=(dpkg-dev debhelper systemd util-linux adduser man-db)
  missing=()
  for p in "${packaging_deps[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
      grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "package-test: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi

  # debian/control builds with what tools/install-deps.sh installs.
  build_depends=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' debian/control |
                  sed 's/^Build-Depends://' | tr ',' '\n' |
                  awk '{print $1}' | grep -v '^$')
  for p in $(sed -n '/^packages=(/,/)/p' tools/install-deps.sh |
             tr -d '()' | sed 's/packages=//'); do
    grep -qxF -- "$p" <<<"$build_depends" || {
      echo "FAIL - debian/control Build-Depends lacks $p (tools/install-deps.sh)"
      exit 1
    }
  done
  echo "ok - debian/control Build-Depends has every package of tools/install-deps.sh"

  work=$(mktemp -d /tmp/roughtime-package-test.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/src"
  # Tracked and new files, not what .gitignore excludes (build trees).
  git ls-files -z -c -o --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - 2>/dev/null |
    tar -xf - -C "$work/src"

  t0=$SECONDS
  if [ -n "$debs" ]; then
    cp "$debs"/roughtime_*.deb "$debs"/roughtimed_*.deb "$work/"
    echo "ok - using the packages in $debs (not rebuilt)"
  elif ! (cd "$work/src" &&
        DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
          dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
    tail -40 "$work/build.log"
    echo "FAIL - dpkg-buildpackage -us -uc -b (log above)"
    exit 1
  fi
  if [ -z "$debs" ]; then
    build_seconds=$((SECONDS - t0))
    echo "ok - dpkg-buildpackage -us -uc -b built" \
      "$(cd "$work" && echo ./*.deb) (${build_seconds}s)"
    mkdir -p build-pkg/debs
    rm -f build-pkg/debs/*.deb
    cp "$work"/*.deb "$work/build.log" build-pkg/debs/
  fi

  t0=$SECONDS
  rc=0
  unshare --mount --propagation private "$0" --inside "$work" || rc=$?
  echo "install checks took $((SECONDS - t0))s; whole run $((SECONDS - started))s"
  if [ $rc -ne 0 ]; then
    echo "package-test: FAILED"
    exit 1
  fi
  echo "package-test: PASSED"
  exit 0
fi

# ---- In the private mount namespace: a throw-away root over / ----
root=$work/root
mkdir -p "$work/upper" "$work/overlay-work" "$root"
mount -t overlay overlay \
  -o "lowerdir=/,upperdir=$work/upper,workdir=$work/overlay-work" "$root"
mount --rbind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount -t tmpfs tmpfs "$root/tmp"
mount -t tmpfs tmpfs "$root/run"
mkdir -p "$root/tmp/debs"
cp "$work"/*.deb "$root/tmp/debs/"
version=$(sed -n '1s/^roughtime (\([^)]*\)).*/\1/p' "$work/src/debian/changelog")
upstream=${version%%-*}

chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  HOME=/root LANG=C.UTF-8 VERSION="$version" UPSTREAM="$upstream" \
  /bin/bash -s <<'CHECKS'
set -uo pipefail
failures=0
ok() { echo "ok - $*"; }
fail() { echo "FAIL - $*"; failures=$((failures + 1)); }
check() {  # check DESCRIPTION COMMAND...: ok when the command succeeds
  local what=$1; shift
  if "$@" >/tmp/check.out 2>&1; then ok "$what"; else
    fail "$what"; sed 's/^/    /' /tmp/check.out | head -20; fi
}
mode_is() {  # mode_is PATH OWNER:GROUP MODE
  local got
  got=$(stat -c '%U:%G %a' "$1" 2>/dev/null || echo missing)
  if [ "$got" = "$2 $3" ]; then ok "$1 is $2 $3"; else fail "$1 is $got, want $2 $3"; fi
}

if dpkg -s roughtimed >/dev/null 2>&1; then
  echo "note: roughtimed was already installed on this machine; upgrading it in the scratch root"
fi
[ -e /etc/roughtimed/keys/root.key ] &&
  echo "note: this machine already has /etc/roughtimed/keys/root.key"

# -- install --
if DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/debs/roughtime_*.deb \
     /tmp/debs/roughtimed_*.deb >/tmp/install.log 2>&1; then
  ok "dpkg -i roughtime roughtimed ($VERSION)"
else
  fail "dpkg -i"; cat /tmp/install.log; exit 1
fi
grep -q 'inactive until the root key exists' /tmp/install.log &&
  ok "postinst tells how to create the key and start" ||
  fail "postinst printed no key instructions"

# -- files, owners, modes --
for f in /usr/bin/roughtimed /usr/bin/roughtime /usr/bin/roughtime-keygen; do
  mode_is "$f" root:root 755
done
mode_is /etc/roughtimed/keys root:root 700
mode_is /etc/roughtimed/roughtimed.toml root:root 644
for f in /lib/systemd/system/roughtimed.service \
         /lib/systemd/system/roughtime-sync.service \
         /usr/lib/sysusers.d/roughtimed.conf \
         /usr/share/man/man8/roughtimed.8.gz \
         /usr/share/man/man1/roughtime.1.gz \
         /usr/share/man/man1/roughtime-keygen.1.gz \
         /usr/share/bash-completion/completions/roughtimed \
         /usr/share/bash-completion/completions/roughtime \
         /usr/share/bash-completion/completions/roughtime-keygen \
         /usr/share/doc/roughtime/README.md.gz \
         /usr/share/doc/roughtime/OPERATIONS.md.gz; do
  mode_is "$f" root:root 644
done
# (dh_compress gzips the docs over 4 KiB, as Debian policy asks.)
special=$(dpkg -L roughtime roughtimed | while read -r f; do
  [ -f "$f" ] && [ -n "$(find "$f" -perm /6022)" ] && echo "$f"; done)
[ -z "$special" ] && ok "no setuid, setgid or group/other-writable file" ||
  fail "special modes: $special"
dpkg-query -W -f='${Conffiles}\n' roughtimed | grep -q /etc/roughtimed/roughtimed.toml &&
  ok "/etc/roughtimed/roughtimed.toml is a conffile" || fail "roughtimed.toml is not a conffile"

# -- the system user --
entry=$(getent passwd _roughtimed || true)
uid=$(echo "$entry" | cut -d: -f3)
if [ -n "$entry" ] && [ "$uid" -lt 1000 ] &&
   [ "$(echo "$entry" | cut -d: -f7)" = /usr/sbin/nologin ]; then
  ok "system user: $entry"
else
  fail "system user _roughtimed: '$entry'"
fi
getent group _roughtimed >/dev/null && ok "group _roughtimed" || fail "no group _roughtimed"

# -- programs --
for p in roughtimed roughtime roughtime-keygen; do
  check "$p --help exits 0" "$p" --help
  out=$("$p" --version 2>&1)
  [ "$out" = "$p $UPSTREAM" ] && ok "$p --version: $out" ||
    fail "$p --version printed '$out', want '$p $UPSTREAM'"
done
for page in roughtimed.8 roughtime.1 roughtime-keygen.1; do
  check "man page $page renders" sh -c "man -l /usr/share/man/man${page##*.}/$page.gz | grep -q OPTIONS"
done
check "bash completion of installed roughtimed offers --rate-limit" bash -c \
  'source /usr/share/bash-completion/completions/roughtimed
   COMP_WORDS=(roughtimed --rate); COMP_CWORD=1
   _roughtimed roughtimed --rate roughtimed
   printf "%s\n" "${COMPREPLY[@]}" | grep -qx -- --rate-limit'

# -- the unit: enabled, inactive without a key, valid --
unit=/lib/systemd/system/roughtimed.service
[ -L /etc/systemd/system/multi-user.target.wants/roughtimed.service ] &&
  ok "roughtimed.service is enabled (multi-user.target.wants symlink)" ||
  fail "roughtimed.service is not enabled"
[ ! -e /etc/systemd/system/multi-user.target.wants/roughtime-sync.service ] &&
  ok "roughtime-sync.service is installed but not enabled" ||
  fail "roughtime-sync.service was enabled"
condition=$(grep '^ConditionPathExists=' "$unit")
if ! systemd-analyze condition "$condition" >/dev/null 2>&1; then
  ok "without a key the unit's $condition is false: it stays inactive"
else
  fail "$condition holds before any key exists"
fi
check "systemd-analyze verify $unit (with its man page)" sh -c \
  "systemd-analyze verify $unit && [ -z \"\$(systemd-analyze verify $unit 2>&1)\" ]"
check "systemd-analyze verify roughtime-sync.service" \
  systemd-analyze verify /lib/systemd/system/roughtime-sync.service
exposure=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1 |
           sed -n 's/.*Overall exposure level for roughtimed.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] && echo "note: systemd-analyze security exposure $exposure (0 best, 10 worst)"

# -- the operator's steps: key, then the service as the unit runs it --
check "roughtime-keygen generate --out /etc/roughtimed/keys/root.key" \
  roughtime-keygen generate --out /etc/roughtimed/keys/root.key
mode_is /etc/roughtimed/keys/root.key root:root 600
systemd-analyze condition "$condition" >/dev/null 2>&1 &&
  ok "with the key the unit's condition holds (systemctl start would run it)" ||
  fail "$condition is false with the key in place"
check "the service user cannot read the key directory" sh -c \
  "! setpriv --reuid=_roughtimed --regid=_roughtimed --clear-groups cat /etc/roughtimed/keys/root.key"

# LoadCredential= as systemd 252 (Debian 12) does it: a ramfs, the file
# copied with mode 0400 and owned by the service user (no ACL support).
creds=/run/credentials/roughtimed.service
mkdir -p "$creds" && mount -t ramfs -o mode=0700 ramfs "$creds"
install -m 0400 -o _roughtimed -g root /etc/roughtimed/keys/root.key "$creds/root.key"
chown _roughtimed "$creds" && chmod 0500 "$creds"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit" | sed "s#%d#$creds#g")
# As User=_roughtimed, CapabilityBoundingSet= (none), NoNewPrivileges=yes.
setpriv --reuid=_roughtimed --regid=_roughtimed --clear-groups \
  --inh-caps=-all --bounding-set=-all --no-new-privs \
  $exec_start --listen=127.0.0.1:0 --stats-interval=0 >/tmp/server.log 2>&1 &
server=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's/.*listening on udp 127\.0\.0\.1:\([0-9]*\).*/\1/p' /tmp/server.log | head -1)
  [ -n "$port" ] && break
  kill -0 $server 2>/dev/null || break
  sleep 0.1
done
if [ -n "$port" ]; then
  ok "the unit's ExecStart serves as _roughtimed without capabilities, key from the credential (port $port)"
  key=$(roughtime-keygen public /etc/roughtimed/keys/root.key |
        grep -oE '[0-9a-f]{64}' | head -1)
  check "roughtime query 127.0.0.1:$port verifies the answer" \
    roughtime query "127.0.0.1:$port" --key "$key"
else
  fail "the server did not start as the unit runs it:"; sed 's/^/    /' /tmp/server.log
fi
kill -TERM $server 2>/dev/null; wait $server 2>/dev/null
umount "$creds"

# -- remove and purge keep the keys --
dpkg --remove roughtimed >/tmp/remove.log 2>&1 && ok "dpkg --remove roughtimed" ||
  { fail "dpkg --remove"; cat /tmp/remove.log; }
[ -f /etc/roughtimed/keys/root.key ] && ok "remove kept /etc/roughtimed/keys/root.key" ||
  fail "remove deleted the key"
grep -q 'keys in /etc/roughtimed/keys were kept' /tmp/remove.log &&
  ok "remove says the keys were kept" || fail "remove said nothing about the keys"
dpkg --purge roughtimed >/tmp/purge.log 2>&1 && ok "dpkg --purge roughtimed" ||
  { fail "dpkg --purge"; cat /tmp/purge.log; }
[ -f /etc/roughtimed/keys/root.key ] && ok "purge kept /etc/roughtimed/keys/root.key" ||
  fail "purge deleted the key"
grep -q 'purge left the keys in /etc/roughtimed/keys: root.key' /tmp/purge.log &&
  ok "purge says where: $(grep -m1 'purge left' /tmp/purge.log)" ||
  { fail "purge did not say where the keys are"; cat /tmp/purge.log; }
[ ! -e /etc/roughtimed/roughtimed.toml ] && ok "purge removed the conffile" ||
  fail "purge left roughtimed.toml"
[ ! -e /etc/systemd/system/multi-user.target.wants/roughtimed.service ] &&
  ok "purge removed the enablement symlink" || fail "enablement symlink left after purge"
dpkg --purge roughtime >/dev/null 2>&1 && ok "dpkg --purge roughtime" || fail "dpkg --purge roughtime"

echo "$failures failed"
[ "$failures" -eq 0 ]
CHECKS
