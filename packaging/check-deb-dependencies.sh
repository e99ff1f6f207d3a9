#!/usr/bin/env bash
# check-deb-dependencies.sh DEB
#
# Says whether a freshly installed DEB can run: every shared library its programs load must belong
# to a package that DEB depends on, directly or through those packages' own dependencies. A
# library nobody brings in is a program that fails to start on a clean Debian (what happened when
# the scoring engine started to link yaml-cpp and the Depends list was written by hand).
#
# The libraries are found two ways, on this machine's installed packages:
#   - ldd of every ELF file in the package (what the dynamic linker resolves at start);
#   - LD_DEBUG=files while the packaged programs run (what is loaded later with dlopen: Qt's
#     platform and image plug-ins and what they link): socwb-cli imports and scores the packaged
#     sample case, and socwb renders it offscreen with --demo --screenshot.
# Each library's package is asked of dpkg; the closure of the DEB's Depends is walked through
# dpkg's database (alternatives and virtual packages included). Exit 0 when every library is
# covered, 1 (listing what is missing and which program loads it) when not, 2 on a usage error.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 PACKAGE.deb" >&2
  exit 2
fi
deb="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d "${TMPDIR:-/tmp}/socwb-deb-deps.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"
dpkg-deb -x "$deb" "$root"
depends="$(dpkg-deb -f "$deb" Depends Pre-Depends | sed -e 's/^[A-Za-z-]*: //' | paste -sd, -)"
echo "Depends: $depends"

# 1. What the programs load. "lib|who loads it" lines.
loaded="$work/loaded"
: >"$loaded"
mapfile -t elves < <(find "$root" -type f -exec sh -c 'head -c4 "$1" | grep -q "ELF" && echo "$1"' _ {} \;)
if [ "${#elves[@]}" -eq 0 ]; then
  echo "no ELF file in $deb" >&2
  exit 1
fi
for elf in "${elves[@]}"; do
  who="${elf#"$root"}"
  # "libfoo.so.1 => /usr/lib/.../libfoo.so.1 (0x...)", "libbar.so.2 => not found", "/lib64/ld-linux... (0x...)"
  while read -r line; do
    case "$line" in
    *"=> not found"*) echo "NOTFOUND:${line%% *}|$who" >>"$loaded" ;;
    *"=> /"*) lib="${line#*=> }"; echo "${lib%% (*}|$who" >>"$loaded" ;;
    /*) echo "${line%% (*}|$who" >>"$loaded" ;;
    esac
  done < <(ldd "$elf" 2>/dev/null || true)
done

run_traced() { # NAME COMMAND...: LD_DEBUG's record of every file the dynamic linker loaded
  local name="$1"
  shift
  local status=0
  LD_DEBUG=files LD_DEBUG_OUTPUT="$work/trace-$name" "$@" >"$work/$name.out" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    echo "note: '$name' exited $status while traced (its last lines follow); its loads are still checked" >&2
    tail -5 "$work/$name.out" >&2
  fi
  # What was mapped: "file=/usr/lib/.../libqoffscreen.so [0];  generating link map" (a dlopen by
  # path; Qt also tries names like libqoffscreen.so.avx2 that do not exist and are never mapped)
  # and "calling init: /usr/lib/...".
  cat "$work"/trace-"$name".* 2>/dev/null |
    sed -n -e 's/.*calling init: \(\/[^ ]*\).*/\1/p' -e 's/.*file=\(\/[^ ]*\) \[[0-9]*\];  generating link map.*/\1/p' |
    sort -u | sed "s#\$#|$name (run)#" >>"$loaded"
}
export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" SOCWB_LOG_DIR="$work/logs" QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
samples="$root/usr/share/socwb/sample-data/case"
if [ -x "$root/usr/bin/socwb-cli" ]; then
  if [ -d "$samples" ]; then
    run_traced socwb-cli-import "$root/usr/bin/socwb-cli" import "$work/case.socwb" "$samples"/* --tz UTC
    run_traced socwb-cli-score "$root/usr/bin/socwb-cli" score "$work/case.socwb"
  else
    run_traced socwb-cli-version "$root/usr/bin/socwb-cli" --version
  fi
fi
if [ -x "$root/usr/bin/socwb" ]; then
  run_traced socwb-screenshot "$root/usr/bin/socwb" --demo --screenshot "$work/shot.png" --size 1024x700
fi

# 2. Which package each library belongs to. dpkg knows a file by the path its package ships it
#    at, which on a merged-/usr system may be /lib/... or /usr/lib/... whatever ldd printed.
cut -d'|' -f1 "$loaded" | grep -v '^NOTFOUND:' | sort -u >"$work/libs"
: >"$work/candidates"
while read -r lib; do
  real="$(readlink -f "$lib" || echo "$lib")"
  for p in "$lib" "$real"; do
    echo "$p"
    case "$p" in
    /usr/lib/*) echo "${p#/usr}" ;;
    /lib/* | /lib64/*) echo "/usr$p" ;;
    esac
  done
done <"$work/libs" | sort -u >"$work/candidates"
# "pkg:arch, pkg2: /path" -> "/path pkg"
xargs -a "$work/candidates" dpkg -S 2>/dev/null |
  sed -n 's/^\([^:]*\)\(:[a-z0-9-]*\)\{0,1\}\(, [^:]*\)*: \(\/.*\)$/\4 \1/p' | sort -u >"$work/owners" || true

# 3. The closure of the Depends field over the installed packages.
dpkg-query -W -f='${Package}\t${Provides}\t${Depends}, ${Pre-Depends}\n' >"$work/installed"
awk -F'\t' -v roots="$depends" '
  function names(field, out,   n, i, alts, j, a) {
    # "a (>= 1) | b, c:any" -> out[a], out[b], out[c]
    n = split(field, groups, ",")
    for (i = 1; i <= n; i++) {
      m = split(groups[i], alts, "|")
      for (j = 1; j <= m; j++) {
        a = alts[j]
        sub(/\(.*\)/, "", a); sub(/\[.*\]/, "", a); sub(/:.*/, "", a); gsub(/[ \t]/, "", a)
        if (a != "") out[a] = 1
      }
    }
  }
  {
    installed[$1] = 1
    deps[$1] = $3
    split("", prov); names($2, prov)
    for (v in prov) providers[v] = providers[v] " " $1
  }
  END {
    split("", queue); names(roots, queue)
    changed = 1
    while (changed) {
      changed = 0
      for (p in queue) {
        if (done[p]) continue
        done[p] = 1; changed = 1
        if (p in providers) { k = split(providers[p], ps, " "); for (i = 1; i <= k; i++) queue[ps[i]] = 1 }
        if (p in installed) { split("", more); names(deps[p], more); for (q in more) queue[q] = 1 }
      }
    }
    for (p in done) print p
  }' "$work/installed" | sort -u >"$work/closure"
echo "dependency closure: $(wc -l <"$work/closure") packages"

# 4. Every library covered?
status=0
{ grep '^NOTFOUND:' "$loaded" || true; } | sort -u | while IFS='|' read -r lib who; do
  echo "MISSING: ${lib#NOTFOUND:} (needed by $who) is not found on this machine at all" >&2
done
if grep -q '^NOTFOUND:' "$loaded"; then
  status=1
fi
checked=0
while read -r lib; do
  real="$(readlink -f "$lib" || echo "$lib")"
  pkg=""
  for p in "$lib" "$real" "${lib#/usr}" "/usr$lib" "${real#/usr}" "/usr$real"; do
    pkg="$(awk -v f="$p" '$1 == f { print $2; exit }' "$work/owners")"
    [ -n "$pkg" ] && break
  done
  who="$(grep -F "$lib|" "$loaded" | cut -d'|' -f2 | sort -u | paste -sd, -)"
  checked=$((checked + 1))
  if [ -z "$pkg" ]; then
    echo "MISSING: $lib (loaded by $who) belongs to no installed Debian package" >&2
    status=1
  elif ! grep -qx "$pkg" "$work/closure"; then
    echo "MISSING: $lib (loaded by $who) is in package $pkg, which the package does not depend on" >&2
    status=1
  fi
done <"$work/libs"
if [ "$status" -eq 0 ]; then
  echo "ok: all $checked libraries the programs load come from packages $(basename "$deb") depends on"
fi
exit "$status"
