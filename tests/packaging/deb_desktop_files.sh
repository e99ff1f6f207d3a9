#!/usr/bin/env bash
# deb_desktop_files.sh DEB VERSION APP_ID
# What the .deb gives a desktop, checked on the files it ships (extracted, not installed):
#   - the desktop entry (desktop-file-validate) and AppStream metadata (appstreamcli validate);
#   - the case file's MIME type: with the package's share/ first in XDG_DATA_DIRS and its MIME
#     database built as the shared-mime-info trigger would, `xdg-mime query filetype` says
#     application/x-socwb-case for a case (named .socwb, or renamed without the extension) and
#     application/vnd.sqlite3 for another SQLite file; socwb is the default application for it;
#   - the man pages render without a groff warning; the icons have the sizes their folders say;
#   - the version is the project's VERSION everywhere: the package, both programs' --version, the
#     changelog, the AppStream release, the man pages.
set -euo pipefail
deb="$1" version="$2" app_id="$3"
work="$(mktemp -d "${TMPDIR:-/tmp}/socwb-deb-desktop.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"
dpkg-deb -x "$deb" "$root"
share="$root/usr/share"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
ok() { echo "ok: $*"; }
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" SOCWB_LOG_DIR="$work/logs" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# Versions.
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] && ok "package version $version" || fail "package version is $(dpkg-deb -f "$deb" Version), not $version"
cli_version="$("$root/usr/bin/socwb-cli" --version | head -1)"
[ "$cli_version" = "socwb-cli $version" ] && ok "socwb-cli --version: $cli_version" || fail "socwb-cli --version says '$cli_version'"
gui_version="$("$root/usr/bin/socwb" --version | head -1)"
[ "$gui_version" = "socwb $version" ] && ok "socwb --version: $gui_version" || fail "socwb --version says '$gui_version'"
changelog_version="$(zcat "$share/doc/socwb/changelog.gz" | head -1 | sed -n 's/^socwb (\([^)]*\)).*/\1/p')"
[ "$changelog_version" = "$version" ] && ok "changelog's newest entry is $version" || fail "changelog's newest entry is '$changelog_version'"
grep -q "<release version=\"$version\"" "$share/metainfo/$app_id.metainfo.xml" && ok "AppStream release $version" || fail "no AppStream release $version"
[ -s "$share/doc/socwb/copyright" ] && ok "copyright file" || fail "no copyright file"

# Desktop entry and AppStream.
if desktop-file-validate "$share/applications/$app_id.desktop"; then ok "desktop-file-validate $app_id.desktop"; else fail "desktop-file-validate"; fi
if appstreamcli validate --no-net --pedantic "$share/metainfo/$app_id.metainfo.xml"; then
  ok "appstreamcli validate --pedantic"
else
  fail "appstreamcli validate"
fi

# MIME type, as a desktop sees it once the package is installed.
mkdir -p "$work/xdg/mime/packages" "$work/xdg/applications" "$work/data-home"
cp "$share"/mime/packages/*.xml "$work/xdg/mime/packages/"
cp "$share/applications/$app_id.desktop" "$work/xdg/applications/"
export XDG_DATA_DIRS="$work/xdg:/usr/share" XDG_DATA_HOME="$work/data-home"
update-mime-database "$work/xdg/mime"
update-desktop-database "$work/xdg/applications"
"$root/usr/bin/socwb-cli" info "$work/case.socwb" >/dev/null
cp "$work/case.socwb" "$work/renamed-case"
sqlite3 "$work/other.db" "CREATE TABLE t(x)"
cp "$work/other.db" "$work/other-no-extension"
expect_type() { # FILE TYPE
  local got
  got="$(xdg-mime query filetype "$1" 2>&1 || true)"
  if [ "$got" = "$2" ]; then ok "xdg-mime query filetype $(basename "$1"): $got"; else fail "xdg-mime query filetype $(basename "$1") says '$got', not $2"; fi
}
expect_type "$work/case.socwb" application/x-socwb-case
expect_type "$work/renamed-case" application/x-socwb-case
expect_type "$work/other-no-extension" application/vnd.sqlite3
got="$(xdg-mime query default application/x-socwb-case 2>&1 || true)"
[ "$got" = "$app_id.desktop" ] && ok "default application for application/x-socwb-case: $got" || fail "default application is '$got'"
unset XDG_DATA_DIRS XDG_DATA_HOME

# Man pages.
for page in socwb-cli socwb; do
  file="$share/man/man1/$page.1.gz"
  if [ ! -f "$file" ]; then
    fail "no man page $page.1.gz"
    continue
  fi
  out="$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$file" 2>"$work/man-$page.err" | col -b)"
  if [ -s "$work/man-$page.err" ]; then
    fail "man $page warns: $(head -5 "$work/man-$page.err")"
  elif ! grep -q "EXIT STATUS" <<<"$out" || ! grep -q "socwb $version" <<<"$out"; then
    fail "man $page renders without EXIT STATUS or version $version"
  else
    ok "man $page renders ($(wc -l <<<"$out") lines, no warning)"
  fi
done

# Icons: each PNG is as large as its folder says; the SVG is there.
[ -f "$share/icons/hicolor/scalable/apps/socwb.svg" ] && ok "scalable icon" || fail "no scalable icon"
for png in "$share"/icons/hicolor/*x*/apps/socwb.png; do
  size="$(basename "$(dirname "$(dirname "$png")")")"
  dims="$(file -b "$png" | sed -n 's/.*, \([0-9]*\) x \([0-9]*\),.*/\1x\2/p')"
  [ "$dims" = "$size" ] || fail "icon $size is $dims"
done
ok "$(ls "$share"/icons/hicolor/*x*/apps/socwb.png | wc -l) PNG icons at their sizes"

# Completion and guide.
bash -n "$share/bash-completion/completions/socwb-cli" && ok "bash completion parses" || fail "bash completion does not parse"
[ -f "$share/socwb/guide/index.html" ] && ok "user guide" || fail "no user guide"

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
