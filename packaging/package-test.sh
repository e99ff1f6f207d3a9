#!/usr/bin/env bash
# package-test.sh DEB [--fresh] — what `./packaging/dev.sh package-test` runs.
#
# Installs DEB with apt in a clean Debian 12 root (debootstrap --variant=minbase bookworm, from the
# Debian mirror this machine's apt uses), with --no-install-recommends so that its Depends alone
# must be enough, then, as an ordinary user inside that root:
#   socwb-cli on the bundled sample case (import, score, alerts), socwb --demo --screenshot
#   offscreen, the man pages and completion in place, the desktop's view of a case once
#   shared-mime-info and xdg-utils are there (xdg-mime query filetype / default), and a clean
#   removal. Every step is reported as ok or FAIL with what it printed; the exit status is 1 when
#   any failed.
# Needs root (debootstrap, chroot, mount). The bare root is built once and kept as a tarball in
# ~/.cache/socwb (--fresh builds it again); every run unpacks a new copy, so each run starts clean.
set -euo pipefail

deb="${1:-}"
fresh=0
[ "${2:-}" = "--fresh" ] && fresh=1
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
  echo "usage: $0 PACKAGE.deb [--fresh]" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "package-test needs root (debootstrap, chroot, mount)" >&2
  exit 2
fi
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
out="$(dirname "$deb")"
started=$(date +%s)
log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The mirror this machine's apt uses for bookworm (deb822 .sources or one-line sources.list).
mirror="$(grep -hs -A3 '^Types: deb' /etc/apt/sources.list.d/*.sources | sed -n 's/^URIs: *\(http[^ ]*debian\/\{0,1\}\)$/\1/p' | head -1)"
[ -n "$mirror" ] || mirror="$(sed -n 's/^deb \(http[^ ]*\) bookworm .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -1)"
[ -n "$mirror" ] || mirror="http://deb.debian.org/debian"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/socwb"
base="$cache/bookworm-minbase.tar"
mkdir -p "$cache"
if [ "$fresh" -eq 1 ] || [ ! -s "$base" ]; then
  log "debootstrap --variant=minbase bookworm from $mirror (once; kept in $base)"
  tmp="$(mktemp -d /tmp/socwb-debootstrap.XXXXXX)"
  t0=$(date +%s)
  if ! debootstrap --variant=minbase bookworm "$tmp/root" "$mirror" >"$out/debootstrap.log" 2>&1; then
    tail -20 "$out/debootstrap.log" >&2
    echo "debootstrap failed (log: $out/debootstrap.log)" >&2
    rm -rf "$tmp"
    exit 1
  fi
  tar -C "$tmp/root" -cf "$base.part" . && mv "$base.part" "$base"
  rm -rf "$tmp"
  log "bare root made in $(($(date +%s) - t0)) s"
fi

work="$(mktemp -d /tmp/socwb-package-test.XXXXXX)"
root="$work/root"
mounted=()
cleanup() {
  local m
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -l "${mounted[i]}" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$root"
tar -C "$root" -xf "$base"
for m in proc dev; do
  mkdir -p "$root/$m"
done
mount -t proc proc "$root/proc" && mounted+=("$root/proc")
mount --bind /dev "$root/dev" && mounted+=("$root/dev")
# The same Debian archives as this machine (bookworm, its updates and security), so that the
# library versions the build linked against are there.
if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1 && grep -qs 'debian.org' /etc/apt/sources.list.d/*.sources; then
  for f in /etc/apt/sources.list.d/*.sources; do
    grep -q 'debian.org' "$f" && cp "$f" "$root/etc/apt/sources.list.d/"
  done
  : >"$root/etc/apt/sources.list"
fi
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cp "$deb" "$root/tmp/"
pkgfile="/tmp/$(basename "$deb")"

failures=0
results=()
step() { # NAME COMMAND... (run inside the root)
  local name="$1"
  shift
  local t0 status=0
  t0=$(date +%s)
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
    "$@" >"$work/step.log" 2>&1 || status=$?
  local took=$(($(date +%s) - t0))
  if [ "$status" -eq 0 ]; then
    results+=("ok    ${took}s  $name")
    echo "ok    ${took}s  $name"
  else
    results+=("FAIL  ${took}s  $name (exit $status)")
    failures=$((failures + 1))
    echo "FAIL  ${took}s  $name (exit $status):"
  fi
  sed 's/^/        /' "$work/step.log" | tail -25
}
as_user() { # COMMAND...: as the analyst, in their home, with a private runtime folder
  printf 'export HOME=/home/analyst XDG_RUNTIME_DIR=/tmp/analyst-rt LC_ALL=C.UTF-8 QT_QPA_PLATFORM=offscreen\ncd "$HOME"\n%s\n' "$*" >"$root/tmp/as-user.sh"
  echo su analyst -s /bin/bash /tmp/as-user.sh
}

log "testing $(basename "$deb") in a clean Debian 12 root ($root)"
step "apt-get update" apt-get update -q
step "apt-get install --no-install-recommends $(basename "$deb")" \
  apt-get install -y -q --no-install-recommends "$pkgfile"
step "dpkg says it is installed" dpkg-query -W -f='${Package} ${Version} ${Status}\n' socwb
step "an analyst account" sh -c 'useradd -m -s /bin/bash analyst && install -d -m 700 -o analyst -g analyst /tmp/analyst-rt'

step "socwb-cli --version" $(as_user 'socwb-cli --version')
step "socwb-cli import the sample case" $(as_user 'socwb-cli import case.socwb /usr/share/socwb/sample-data/case/* --tz UTC')
step "socwb-cli score" $(as_user 'socwb-cli score case.socwb')
step "socwb-cli alerts (the queue is not empty)" \
  $(as_user 'socwb-cli alerts case.socwb --limit 8 && n=$(socwb-cli alerts case.socwb --format csv --limit 0 | tail -n +2 | wc -l) && echo "$n channels" && test "$n" -gt 0')
step "socwb-cli info --json" $(as_user 'socwb-cli info case.socwb --json | head -c 400; echo')
step "socwb --version" $(as_user 'socwb --version')
step "socwb --demo --screenshot (offscreen)" \
  $(as_user 'socwb --demo --screenshot demo.png --size 1366x768 2>err.txt; s=$?; cat err.txt; test $s -eq 0 && test -s demo.png && ! grep -Ei "cannot find font|could not load the qt platform|failed to load" err.txt')
cp "$root/home/analyst/demo.png" "$out/package-test-demo.png" 2>/dev/null || true
step "socwb CASE --screenshot on the imported case" \
  $(as_user 'socwb case.socwb --screenshot case.png --view detail --size 1366x768 && test -s case.png')
cp "$root/home/analyst/case.png" "$out/package-test-case.png" 2>/dev/null || true
step "man pages, completion, guide, desktop files in place" sh -c \
  'ls -l /usr/share/man/man1/socwb.1.gz /usr/share/man/man1/socwb-cli.1.gz /usr/share/bash-completion/completions/socwb-cli /usr/share/socwb/guide/index.html /usr/share/applications/*socwb*.desktop /usr/share/metainfo/*socwb*.metainfo.xml /usr/share/mime/packages/socwb.xml /usr/share/icons/hicolor/48x48/apps/socwb.png /usr/share/doc/socwb/copyright /usr/share/doc/socwb/changelog.gz'
step "bash completes socwb-cli" $(as_user 'source /usr/share/bash-completion/completions/socwb-cli; COMP_WORDS=(socwb-cli im); COMP_CWORD=1; _socwb_cli; echo "${COMPREPLY[@]}"; test "${COMPREPLY[*]}" = import')
step "a desktop's MIME tools (shared-mime-info, xdg-utils, desktop-file-utils)" \
  apt-get install -y -q --no-install-recommends shared-mime-info xdg-utils libfile-mimeinfo-perl desktop-file-utils
step "xdg-mime query filetype case.socwb = application/x-socwb-case" \
  $(as_user 't=$(xdg-mime query filetype case.socwb); echo "$t"; test "$t" = application/x-socwb-case')
step "xdg-mime query default application/x-socwb-case = socwb" \
  $(as_user 'd=$(xdg-mime query default application/x-socwb-case); echo "$d"; case "$d" in *socwb*.desktop) ;; *) exit 1 ;; esac')
step "apt-get purge socwb leaves nothing behind" sh -c \
  'apt-get purge -y -q socwb && ! test -e /usr/share/socwb && ! test -e /usr/bin/socwb && ! test -e /usr/share/mime/packages/socwb.xml'

echo
echo "package-test of $(basename "$deb") on Debian 12 (bookworm minbase, $mirror): $(($(date +%s) - started)) s"
printf '  %s\n' "${results[@]}"
echo "screenshots: $out/package-test-demo.png $out/package-test-case.png"
if [ "$failures" -gt 0 ]; then
  echo "$failures step(s) failed"
  exit 1
fi
echo "all $((${#results[@]})) steps passed"
