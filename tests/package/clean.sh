#!/usr/bin/env bash
# Installs the built .deb on a clean Debian 12 (bookworm) and Ubuntu 24.04
# (noble), each a minimal root made by debootstrap (--variant=minbase),
# with `apt-get install ./shipshape_*.deb` inside a chroot: apt resolves
# the Depends the package declares from the release's own archive, so a
# missing or wrong dependency fails here. Then it checks `shipshape
# --version`, who owns the binaries, that every library they link is there,
# where the polkit action, menu entry and icons went, and that `apt-get
# remove` (and purge) take the program and leave a user's data alone.
#
#   tests/package/clean.sh [DEB]    (default: the newest target/package/shipshape_*.deb)
#
# Needs root. Each release's root is made once and kept as a tarball in
# /var/cache/shipshape-tests/ (with the .debs apt downloaded there, which
# apt checks against the release's signed indices again on every run);
# later runs only unpack it, into memory (tmpfs).
# SHIPSHAPE_CLEAN_RELEASES="bookworm noble" picks the releases. Mounts and
# the temporary roots are removed on exit, even when a check fails.
set -euo pipefail
shopt -s inherit_errexit
root="$(cd "$(dirname "$0")/../.." && pwd)"
say() { echo "clean install: $*"; }
fail() { echo "clean install: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "clean install: run as root (it makes chroots and mounts)" >&2; exit 2; }

deb="${1:-}"
if [[ -z $deb ]]; then
  deb="$(ls -t "$root"/target/package/shipshape_*.deb 2>/dev/null | head -1 || true)"
  [[ -n $deb ]] || { echo "clean install: no package; run 'make package' first" >&2; exit 2; }
fi
[[ -f $deb ]] || { echo "clean install: no such package: $deb" >&2; exit 2; }
deb="$(realpath "$deb")"
version="$(dpkg-deb -f "$deb" Version)"
arch="$(dpkg-deb -f "$deb" Architecture)"
[[ "$(dpkg-deb -f "$deb" Package)" == shipshape ]] || fail "$deb is not the shipshape package"

cache=/var/cache/shipshape-tests
read -ra releases <<<"${SHIPSHAPE_CLEAN_RELEASES:-bookworm noble}"
export LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive

# Ubuntu's archive key comes from Ubuntu's ubuntu-keyring package. Debian 12
# has no such package, so there it is taken from Ubuntu's archive and
# checked against the SHA-256 that noble's signed package index gives it;
# it is unpacked into the cache, never installed on this machine (whose apt
# would then trust Ubuntu's key too).
ubuntu_keyring_deb="ubuntu-keyring_2023.11.28.1_all.deb"
ubuntu_keyring_sha256="36de43b15853ccae0028e9a767613770c704833f82586f28eb262f0311adb8a8"
# Ubuntu Archive Automatic Signing Key (2018) <ftpmaster@ubuntu.com>
ubuntu_archive_key="F6ECB3762474EDA9D21B7022871920D1991BC93C"

# The temporary folders made here, and the mounts made in them.
work="$(mktemp -d /var/tmp/shipshape-clean.XXXXXX)"
mounts=()
timings=()

# Stops whatever still runs inside a root (nothing should: services are
# not started in the chroot), unmounts it all and removes it. Never removes
# a folder with anything still mounted under it.
mounts_under() { findmnt -rn -o TARGET | awk -v d="$1" 'index($0, d "/") == 1 || $0 == d' | sort -r; }
release_mounts() {
  local dir="$1" pid target i
  for pid in /proc/[0-9]*; do
    case "$(readlink "$pid/root" 2>/dev/null)" in
      "$dir" | "$dir"/*) kill -9 "${pid#/proc/}" 2>/dev/null || true ;;
    esac
  done
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    [[ ${mounts[i]} == "$dir" || ${mounts[i]} == "$dir"/* ]] || continue
    umount -R "${mounts[i]}" 2>/dev/null || umount -R -l "${mounts[i]}" 2>/dev/null || true
  done
  # Anything else under it (debootstrap's own /proc and /sys when it stopped half way).
  while read -r target; do
    umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
  done < <(mounts_under "$dir")
}
remove_tree() {
  local dir="$1"
  [[ -e $dir ]] || return 0
  release_mounts "$dir"
  if [[ -n "$(mounts_under "$dir")" ]]; then
    echo "clean install: still mounted, not removing $dir:" >&2
    mounts_under "$dir" >&2
    return 1
  fi
  rm -rf --one-file-system "$dir"
}
# The script's own output, for cleanup: a signal can stop it inside a
# command whose output goes to a log.
exec 3>&1 4>&2
cleanup() {
  local status=$? left
  exec 1>&3 2>&4
  remove_tree "$work" || status=1
  left="$(mounts_under "$work")"
  if [[ -n $left ]]; then echo "clean install: mounts left behind: $left" >&2; status=1; fi
  if ((${#timings[@]})); then printf 'clean install: %s\n' "${timings[@]}"; fi
  if ((status == 0)); then say "all checks passed"; else echo "clean install: FAILED" >&2; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

clock() { date +%s; }
took() { timings+=("$(printf '%-9s %-34s %4d s' "$1" "$2" "$(($(clock) - $3))")"); }

# The tools this needs on this machine.
missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v gpgv >/dev/null || missing+=(gpgv)
command -v gpg >/dev/null || missing+=(gnupg)
command -v zstd >/dev/null || missing+=(zstd)
command -v curl >/dev/null || missing+=(curl)
[[ -f /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$work/host-apt.log" 2>&1 ||
    { cat "$work/host-apt.log" >&2; fail "could not install ${missing[*]}"; }
fi
mkdir -p "$cache"
chmod 0755 "$cache"

ubuntu_keyring() {
  keyring=/usr/share/keyrings/ubuntu-archive-keyring.gpg
  if [[ ! -f $keyring ]]; then
    apt-get install -y -qq --no-install-recommends ubuntu-keyring >/dev/null 2>&1 || true
  fi
  if [[ ! -f $keyring ]]; then
    local file="$cache/$ubuntu_keyring_deb"
    if [[ "$(sha256sum "$file" 2>/dev/null | cut -d' ' -f1)" != "$ubuntu_keyring_sha256" ]]; then
      curl -fsS --retry 3 -o "$file.part" \
        "http://archive.ubuntu.com/ubuntu/pool/main/u/ubuntu-keyring/$ubuntu_keyring_deb" ||
        fail "could not download $ubuntu_keyring_deb"
      [[ "$(sha256sum "$file.part" | cut -d' ' -f1)" == "$ubuntu_keyring_sha256" ]] ||
        { rm -f "$file.part"; fail "$ubuntu_keyring_deb is not the one noble's archive lists"; }
      mv "$file.part" "$file"
    fi
    mkdir -p "$work/ubuntu-keyring"
    dpkg-deb -x "$file" "$work/ubuntu-keyring"
    keyring="$work/ubuntu-keyring/usr/share/keyrings/ubuntu-archive-keyring.gpg"
  fi
  mkdir -p -m 0700 "$work/gnupg"
  gpg --homedir "$work/gnupg" --batch --no-default-keyring --keyring "$keyring" --with-colons --fingerprint 2>/dev/null |
    grep -q "^fpr:*$ubuntu_archive_key:" || fail "$keyring does not hold Ubuntu's archive key $ubuntu_archive_key"
}

# Per release: mirror, components, keyring, debootstrap script, apt sources.
setup_release() {
  case $1 in
    bookworm)
      name="Debian 12"
      mirror=http://deb.debian.org/debian
      components=main
      keyring=/usr/share/keyrings/debian-archive-keyring.gpg
      script=""
      sources="deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main"
      ;;
    noble)
      name="Ubuntu 24.04"
      mirror=http://archive.ubuntu.com/ubuntu
      components=main,universe
      ubuntu_keyring
      # Debian 12's debootstrap predates noble; Ubuntu's own releases are
      # all links to its gutsy script.
      script=/usr/share/debootstrap/scripts/noble
      [[ -e $script ]] || script=/usr/share/debootstrap/scripts/gutsy
      sources="deb $mirror noble main universe
deb $mirror noble-updates main universe
deb $mirror noble-security main universe"
      ;;
    *) fail "unknown release $1 (bookworm or noble)" ;;
  esac
}

# The release's minimal root as a tarball in the cache, made when missing.
base_tarball() {
  local release="$1" build
  tarball="$cache/$1-$arch-minbase.tar.zst"
  [[ -f $tarball ]] && return
  build="$work/build-$release"
  mkdir -p "$build"
  mounts+=("$build")
  mount -t tmpfs -o size=4g,mode=0755 shipshape-clean "$build"
  say "$name: debootstrap --variant=minbase $release (once; kept in $cache)"
  # shellcheck disable=SC2086 # $script is empty or one path
  if ! debootstrap --variant=minbase --arch="$arch" --components="$components" --keyring="$keyring" \
    "$release" "$build/root" "$mirror" $script >"$build/debootstrap.log" 2>&1; then
    tail -n 30 "$build/debootstrap.log" >&2
    fail "$name: debootstrap failed"
  fi
  grep -q "^I: Valid Release signature" "$build/debootstrap.log" ||
    fail "$name: debootstrap did not check the archive's signature"
  release_mounts "$build/root"
  rm -f "$build/root/var/cache/apt/archives/"*.deb
  # Written beside it and renamed, so the cache never holds half a tarball.
  tar -C "$build/root" --numeric-owner -I 'zstd -q -T2 -6' -cf "$tarball.part" .
  mv "$tarball.part" "$tarball"
  remove_tree "$build"
}

in_root() { chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@" 3>&- 4>&-; }

for release in "${releases[@]}"; do
  setup_release "$release"
  start=$(clock)
  if [[ -f "$cache/$release-$arch-minbase.tar.zst" ]]; then how="root unpacked from cache"; else how="root made by debootstrap, cached"; fi
  base_tarball "$release"
  r="$work/$release"
  mkdir -p "$r"
  # In memory: nothing of it stays on disk, and it goes in a moment.
  mounts+=("$r")
  mount -t tmpfs -o size=4g,mode=0755 shipshape-clean "$r"
  tar -C "$r" --numeric-owner -I zstd -xpf "$tarball"
  took "$release" "$how" "$start"

  # A clean system of this release, as a user's would be configured.
  start=$(clock)
  printf '%s\n' "$sources" >"$r/etc/apt/sources.list"
  rm -f "$r/etc/resolv.conf"
  cp -L /etc/resolv.conf "$r/etc/resolv.conf"
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"   # no services start in the chroot
  chmod 0755 "$r/usr/sbin/policy-rc.d"
  mounts+=("$r/proc")
  mount -t proc proc "$r/proc"
  mounts+=("$r/sys")
  mount -t sysfs -o ro sysfs "$r/sys"
  mounts+=("$r/dev")
  mount --rbind /dev "$r/dev"
  mount --make-rslave "$r/dev"   # unmounting it later must not touch this machine's /dev
  mkdir -p "$cache/apt-$release-$arch"
  mounts+=("$r/var/cache/apt/archives")
  mount --bind "$cache/apt-$release-$arch" "$r/var/cache/apt/archives"
  mkdir -p "$r/var/cache/apt/archives/partial"
  install -m 0644 "$deb" "$r/tmp/$(basename "$deb")"

  say "$name: apt-get install ./$(basename "$deb")"
  in_root apt-get update -qq >"$work/$release-apt.log" 2>&1 ||
    { cat "$work/$release-apt.log" >&2; fail "$name: apt-get update failed"; }
  in_root sh -c "cd /tmp && apt-get install -y -q --no-install-recommends ./$(basename "$deb")" \
    >>"$work/$release-apt.log" 2>&1 ||
    { tail -n 40 "$work/$release-apt.log" >&2; fail "$name: apt could not install the package"; }
  added="$(grep -c '^Setting up ' "$work/$release-apt.log" || true)"
  in_root apt-get autoclean -qq >/dev/null 2>&1 || true   # the cache keeps current .debs only
  took "$release" "apt-get install ($added packages)" "$start"

  start=$(clock)
  status="$(in_root dpkg-query -W -f='${Status} ${Version}' shipshape)"
  [[ $status == "install ok installed $version" ]] || fail "$name: dpkg says: $status"
  in_root dpkg --audit >"$work/audit" && [[ ! -s $work/audit ]] ||
    { cat "$work/audit" >&2; fail "$name: dpkg --audit reports half-installed packages"; }
  out="$(in_root shipshape --version 2>&1)" || fail "$name: shipshape --version failed: $out"
  [[ $out == "shipshape $version" ]] || fail "$name: shipshape --version says '$out', the package is $version"
  for bin in /usr/bin/shipshape /usr/bin/shipshape-app; do
    owner="$(stat -c '%u:%g %a' "$r$bin")"
    mode="$(stat -c '%a' "$r$bin")"
    [[ ${owner%% *} == "0:0" ]] || fail "$name: $bin is not root's: $owner"
    (((8#$mode & 8#022) == 0)) || fail "$name: $bin can be changed by others than root: $owner"
    [[ -x $r$bin ]] || fail "$name: $bin is not executable"
    libs="$(in_root ldd "$bin" 2>&1)" || fail "$name: ldd $bin failed: $libs"
    ! grep -q "not found" <<<"$libs" || fail "$name: $bin needs libraries the package does not depend on:
$(grep "not found" <<<"$libs")"
  done
  id=org.shipshape.console
  grep -q '<annotate key="org.freedesktop.policykit.exec.path">/usr/bin/shipshape</annotate>' \
    "$r/usr/share/polkit-1/actions/$id.policy" 2>/dev/null || fail "$name: no polkit action naming /usr/bin/shipshape"
  for file in /usr/share/applications/$id.desktop /usr/share/metainfo/$id.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/$id.svg \
    /usr/share/icons/hicolor/{32x32,64x64,128x128,256x256,512x512}/apps/$id.png; do
    [[ -f $r$file ]] || fail "$name: $file is missing"
  done
  grep -q '^Exec=shipshape-app' "$r/usr/share/applications/$id.desktop" ||
    fail "$name: the menu entry does not start shipshape-app"

  # A user with data in their data folder, written by the installed command.
  in_root useradd --create-home --shell /bin/sh sailor
  uid="$(in_root id -u sailor)"
  gid="$(in_root id -g sailor)"
  chroot --userspec="$uid:$gid" --groups="$gid" "$r" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/home/sailor \
    LC_ALL=C.UTF-8 shipshape audit export --format csv /home/sailor/first.csv >"$work/$release-user.log" 2>&1 3>&- 4>&- ||
    { cat "$work/$release-user.log" >&2; fail "$name: the installed command could not write a user's log"; }
  data="$r/home/sailor/.local/share/shipshape/shipshape.db"
  [[ -f $data ]] || fail "$name: no user data at ${data#"$r"}"
  [[ "$(stat -c '%u' "$data")" == "$uid" ]] || fail "$name: the user's data is not the user's"
  sum="$(sha256sum <"$data")"

  in_root apt-get remove -y -q shipshape >>"$work/$release-apt.log" 2>&1 ||
    { tail -n 20 "$work/$release-apt.log" >&2; fail "$name: apt could not remove the package"; }
  for bin in /usr/bin/shipshape /usr/bin/shipshape-app; do
    [[ ! -e $r$bin ]] || fail "$name: $bin is still there after apt-get remove"
  done
  [[ -f $data && "$(sha256sum <"$data")" == "$sum" ]] || fail "$name: apt-get remove changed the user's data"
  # It has no configuration files, so removing it already purged it.
  in_root dpkg --purge shipshape >>"$work/$release-apt.log" 2>&1 ||
    { tail -n 20 "$work/$release-apt.log" >&2; fail "$name: dpkg could not purge the package"; }
  status="$(in_root dpkg-query -W -f='${db:Status-Abbrev}' shipshape 2>/dev/null || true)"
  [[ -z $status || $status == un* ]] || fail "$name: dpkg still has shipshape after purge: $status"
  [[ -f $data && "$(sha256sum <"$data")" == "$sum" ]] || fail "$name: dpkg --purge changed the user's data"
  took "$release" "checks, remove and purge" "$start"
  say "$name: installed, checked and removed; the user's data stayed"

  start=$(clock)
  remove_tree "$r" || fail "$name: could not remove the temporary root"
  [[ -z "$(mounts_under "$r")" ]] || fail "$name: mounts left behind in $r"
  took "$release" "unmounted and removed" "$start"
done
