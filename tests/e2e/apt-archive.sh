#!/usr/bin/env bash
# A local signed apt archive for the Maintenance screen's end-to-end test:
#   apt-archive.sh make DIR [N]  builds it in DIR (an ordinary and a
#                             security suite, shipshape-e2e-tool 1.0 and 1.1,
#                             and N-1 more packages like it for benchmarks,
#                             each with KIB KiB of data; and, never installed
#                             by it, shipshape-e2e-tool-app 2.0, which needs
#                             shipshape-e2e-tool-app-data 2.0), installs the
#                             1.0s with dpkg and reads the archive into apt's
#                             lists under DIR/apt.conf only;
#   apt-archive.sh needed DIR PROGRAM  adds to it (made first when
#                             missing) a stand-in `ufw` whose one file is
#                             PROGRAM, for the Security screen's "Install
#                             ufw and continue"; refused when the real ufw
#                             is installed here;
#   apt-archive.sh file DIR VERSION [fails]  builds shipshape-e2e-tool-file
#                             at VERSION as a package file of its own in DIR
#                             (with a service, a configuration file, example
#                             pages under /var/www and KIB KiB of data; with
#                             "fails", a set-up script that fails) and
#                             prints its path;
#   apt-archive.sh remove     purges what `make` and `file` installed, and the
#                             stand-in ufw when it is installed.
# Needs root: the real dpkg installs the package.
set -euo pipefail
name=shipshape-e2e-tool
maintainer='Shipshape tests <tests@example.invalid>'

build() { # package version folder [depends]
  local src="$dir/build/$1-$2"
  mkdir -p "$src/DEBIAN" "$src/usr/share/$1"
  echo "$2" >"$src/usr/share/$1/VERSION"
  head -c "$((${KIB:-1} * 1024))" /dev/urandom >"$src/usr/share/$1/data"
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: %s\nDescription: what the end-to-end update test installs\n' \
    "$1" "$2" "$maintainer" >"$src/DEBIAN/control"
  if [[ -n ${4:-} ]]; then echo "Depends: $4" >>"$src/DEBIAN/control"; fi
  dpkg-deb --root-owner-group -b "$src" "$dir/$3/$1_$2_all.deb" >/dev/null
}

index() { # suite: its package list and release file, signed
  local label="shipshape-e2e"
  [[ $1 == security ]] && label="shipshape-e2e-security"
  (cd "$dir/$1" && apt-ftparchive packages . >Packages &&
    apt-ftparchive -o APT::FTPArchive::Release::Origin=Shipshape \
      -o APT::FTPArchive::Release::Label=Shipshape-E2E \
      -o "APT::FTPArchive::Release::Suite=$label" release . >Release)
  rm -f "$dir/$1/InRelease"
  gpg --batch --quiet --homedir "$dir/gnupg" --clearsign -o "$dir/$1/InRelease" "$dir/$1/Release"
}

# The stand-in ufw is ours when our tests' maintainer built it.
ours() { [[ "$(dpkg-query -W -f '${Maintainer}' ufw 2>/dev/null || true)" == "$maintainer" ]]; }

case "${1:-}" in
  make)
    dir="$2"
    # Made afresh each time: another test may have made one here before.
    rm -rf "$dir"
    mkdir -p "$dir"/{build,main,security,none,lists/partial,cache/archives/partial,gnupg}
    chmod 0755 "$dir" && chmod 0700 "$dir/gnupg"
    # apt reads the archive as its own _apt user.
    p="$dir"; while [[ $p != / ]]; do chmod o+rx "$p"; p="$(dirname "$p")"; done
    gpg=(gpg --batch --quiet --homedir "$dir/gnupg")
    "${gpg[@]}" --passphrase '' --quick-gen-key 'Shipshape E2E Archive <e2e@example.invalid>' ed25519 sign never
    "${gpg[@]}" --export >"$dir/key.gpg"
    packages=("$name")
    for i in $(seq 2 "${3:-1}"); do packages+=("$name-$i"); done
    for p in "${packages[@]}"; do
      build "$p" 1.0 main
      build "$p" 1.1 security
    done
    build "$name-app-data" 2.0 main
    build "$name-app" 2.0 main "$name-app-data (= 2.0)"
    index main
    index security
    printf 'deb [signed-by=%s/key.gpg] file:%s/main ./\ndeb [signed-by=%s/key.gpg] file:%s/security ./\n' \
      "$dir" "$dir" "$dir" "$dir" >"$dir/sources.list"
    cat >"$dir/apt.conf" <<CONF
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/none";
Dir::Etc::PreferencesParts "$dir/none";
Dir::Etc::Preferences "$dir/none/preferences";
Dir::State::Lists "$dir/lists";
Dir::Cache "$dir/cache";
Dir::Cache::archives "$dir/cache/archives/";
APT::Get::List-Cleanup "0";
CONF
    dpkg -i "$dir"/main/*_1.0_all.deb >/dev/null
    APT_CONFIG="$dir/apt.conf" apt-get update -qq
    ;;
  needed)
    dir="$2"
    if dpkg-query -W -f '${Status}' ufw 2>/dev/null | grep -q ' installed$'; then
      echo "apt-archive.sh: the real ufw is installed here; no stand-in is offered" >&2
      exit 3
    fi
    [[ -f "$dir/apt.conf" ]] || bash "$0" make "$dir"
    src="$dir/build/ufw-0.1"
    mkdir -p "$src/DEBIAN" "$src/$(dirname "$3")"
    printf '#!/bin/sh\necho "a stand-in for ufw"\n' >"$src/$3"
    chmod 0755 "$src/$3"
    printf 'Package: ufw\nVersion: 0.1\nArchitecture: all\nMaintainer: %s\nDescription: a stand-in for ufw, for the end-to-end tests\n' \
      "$maintainer" >"$src/DEBIAN/control"
    dpkg-deb --root-owner-group -b "$src" "$dir/main/ufw_0.1_all.deb" >/dev/null
    index main
    ;;
  file)
    dir="$2"
    scratch="$(mktemp -d)"
    src="$scratch/$name-file-$3"
    mkdir -p "$src/DEBIAN" "$src/lib/systemd/system" "$src/etc" "$src/usr/share/$name-file" \
      "$src/var/www/$name-file/examples"
    head -c "$((${KIB:-1} * 1024))" /dev/urandom >"$src/usr/share/$name-file/data"
    # Example pages where a web server serves them.
    printf '<h1>%s examples</h1>\n' "$name" >"$src/var/www/$name-file/examples/index.html"
    printf 'Package: %s-file\nVersion: %s\nArchitecture: all\nMaintainer: %s\nInstalled-Size: %s\nDescription: what the end-to-end install test installs\n' \
      "$name" "$3" "$maintainer" "$((${KIB:-1} + 4))" >"$src/DEBIAN/control"
    printf '[Service]\nExecStart=/bin/true\n' >"$src/lib/systemd/system/$name-file.service"
    # Its settings carry a well-known default password.
    printf 'port=8080\nadmin_password = admin\n' >"$src/etc/$name-file.conf"
    printf '/etc/%s-file.conf\n' "$name" >"$src/DEBIAN/conffiles"
    if [[ ${4:-} == fails ]]; then
      printf '#!/bin/sh\necho "set-up failed on purpose" >&2\nexit 1\n' >"$src/DEBIAN/postinst"
    else
      # Its set-up makes its service start with the computer and leaves
      # a first password in a file, as server packages do; purging it
      # takes both away.
      cat >"$src/DEBIAN/postinst" <<SCRIPT
#!/bin/sh
set -e
mkdir -p /etc/systemd/system/multi-user.target.wants /var/lib/$name-file
ln -sf /lib/systemd/system/$name-file.service /etc/systemd/system/multi-user.target.wants/$name-file.service
echo first-login-e2e >/var/lib/$name-file/initialAdminPassword
chmod 600 /var/lib/$name-file/initialAdminPassword
SCRIPT
    fi
    cat >"$src/DEBIAN/postrm" <<SCRIPT
#!/bin/sh
if [ "\$1" = purge ] || [ "\$1" = remove ]; then
  rm -f /etc/systemd/system/multi-user.target.wants/$name-file.service
fi
if [ "\$1" = purge ]; then rm -rf /var/lib/$name-file; fi
SCRIPT
    chmod 0755 "$src/DEBIAN/postinst" "$src/DEBIAN/postrm"
    dpkg-deb --root-owner-group -b "$src" "$dir/$name-file_$3_all.deb" >/dev/null
    rm -rf "$scratch"
    echo "$dir/$name-file_$3_all.deb"
    ;;
  remove)
    if ours; then dpkg --purge ufw >/dev/null 2>&1 || true; fi
    mapfile -t installed < <(dpkg-query -W -f '${Package}\n' "$name*" 2>/dev/null || true)
    if ((${#installed[@]})); then
      apt-mark unhold "${installed[@]}" >/dev/null 2>&1 || true
      dpkg --purge "${installed[@]}" >/dev/null 2>&1 || true
    fi
    ;;
  *)
    echo "usage: apt-archive.sh make DIR | remove" >&2
    exit 2
    ;;
esac
