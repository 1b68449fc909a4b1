#!/usr/bin/env bash
# Builds the .deb a user installs: the app, the `shipshape` command (which
# is also the helper pkexec runs, so it is root's), the polkit action, the
# menu entry and icons. Release binaries, stripped; dependencies from the
# libraries the binaries link (dpkg-shlibdeps) plus pkexec.
# Writes target/package/shipshape_VERSION_ARCH.deb and checks it with lintian.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
arch="$(dpkg --print-architecture)"
out="$root/target/package"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
pkg="$stage/shipshape"
id="org.shipshape.console"

for bin in target/release/shipshape target/release/shipshape-app; do
  [[ -x $bin ]] || { echo "package: $bin is missing; run 'make release' first" >&2; exit 2; }
done

# Files are root's in the package whoever builds it (--root-owner-group).
for bin in shipshape shipshape-app; do
  install -D -m 0755 "target/release/$bin" "$pkg/usr/bin/$bin"
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/$bin"
done
install -D -m 0644 packaging/$id.policy "$pkg/usr/share/polkit-1/actions/$id.policy"
install -D -m 0644 packaging/$id.desktop "$pkg/usr/share/applications/$id.desktop"
install -D -m 0644 packaging/$id.metainfo.xml "$pkg/usr/share/metainfo/$id.metainfo.xml"
install -D -m 0644 icons/shipshape.svg "$pkg/usr/share/icons/hicolor/scalable/apps/$id.svg"
for size in 32x32 64x64 128x128; do
  install -D -m 0644 "icons/$size.png" "$pkg/usr/share/icons/hicolor/$size/apps/$id.png"
done
install -D -m 0644 "icons/128x128@2x.png" "$pkg/usr/share/icons/hicolor/256x256/apps/$id.png"
install -D -m 0644 icons/icon.png "$pkg/usr/share/icons/hicolor/512x512/apps/$id.png"
# Scheduled maintenance runs as root from systemd, with the window closed.
install -D -m 0644 packaging/shipshape-maintain.service "$pkg/usr/lib/systemd/system/shipshape-maintain.service"
install -D -m 0644 packaging/shipshape-maintain.timer "$pkg/usr/lib/systemd/system/shipshape-maintain.timer"
# Notices come from each administrator's session (their desktop, their keychain).
install -D -m 0644 packaging/shipshape-notify.path "$pkg/usr/lib/systemd/user/shipshape-notify.path"
install -D -m 0644 packaging/shipshape-notify.service "$pkg/usr/lib/systemd/user/shipshape-notify.service"
install -D -m 0644 packaging/copyright "$pkg/usr/share/doc/shipshape/copyright"
gzip -9n <packaging/changelog >"$stage/changelog.gz"
install -D -m 0644 "$stage/changelog.gz" "$pkg/usr/share/doc/shipshape/changelog.gz"
for page in packaging/man/*.1; do
  gzip -9n <"$page" >"$stage/$(basename "$page").gz"
  install -D -m 0644 "$stage/$(basename "$page").gz" "$pkg/usr/share/man/man1/$(basename "$page").gz"
done

# The shared libraries the binaries need, as package names.
mkdir -p "$stage/debian"
printf 'Source: shipshape\n\nPackage: shipshape\nArchitecture: any\n' >"$stage/debian/control"
libs="$(cd "$stage" && dpkg-shlibdeps -O -e"$pkg/usr/bin/shipshape" -e"$pkg/usr/bin/shipshape-app" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')"
[[ -n $libs ]] || { echo "package: dpkg-shlibdeps found no libraries" >&2; exit 1; }
rm -rf "$stage/debian"

size="$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)"
mkdir -p "$pkg/DEBIAN"
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: shipshape
Version: $version
Architecture: $arch
Maintainer: Shipshape <maintainers@shipshape.invalid>
Installed-Size: $size
Depends: $libs, pkexec | policykit-1
Recommends: dpkg-repack, restic, openssh-sftp-server, openssl, xz-utils, zstd
Section: admin
Priority: optional
Homepage: https://shipshape.invalid/
Description: keep a small office's computers safe, patched and recorded
 Shipshape is a desktop console and a command-line tool for the
 administrator of a small office: it checks downloads before they are
 installed, checks and fixes this computer's security settings (with
 undo), watches its health and keeps credentials in the system keychain.
 Every change is recorded in a tamper-evident activity log; changes made
 with administrator rights go through pkexec and are kept in root's own
 log.
CONTROL
# The timer starts with the computer once installed, and stops with removal.
cat >"$pkg/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null || true
  systemctl enable --now shipshape-maintain.timer >/dev/null || true
elif [ "$1" = configure ]; then
  systemctl enable shipshape-maintain.timer >/dev/null 2>&1 || true
fi
if [ "$1" = configure ]; then
  systemctl --global enable shipshape-notify.path shipshape-notify.service >/dev/null 2>&1 || true
fi
SCRIPT
cat >"$pkg/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl disable --now shipshape-maintain.timer >/dev/null || true
fi
if [ "$1" = remove ]; then
  systemctl --global disable shipshape-notify.path shipshape-notify.service >/dev/null 2>&1 || true
fi
SCRIPT
cat >"$pkg/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = remove ] || [ "$1" = purge ]; then
  rm -f /etc/systemd/system/timers.target.wants/shipshape-maintain.timer
  rm -f /etc/systemd/user/default.target.wants/shipshape-notify.path /etc/systemd/user/default.target.wants/shipshape-notify.service
  if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null || true; fi
fi
SCRIPT
chmod 0755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm" "$pkg/DEBIAN/postrm"
(cd "$pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$pkg/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/shipshape_${version}_${arch}.deb"
rm -f "$out"/shipshape_*.deb
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
echo "package: built $deb ($(du -h "$deb" | cut -f1))"

# lintian runs as a normal user where it can; errors fail the build.
lintian --fail-on error "$deb"
