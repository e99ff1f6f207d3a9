#!/usr/bin/env bash
# deb_missing_dependency.sh CHECK DEB PACKAGE LIBRARY
# The dependency check must catch a .deb that does not bring in a library its programs load: this
# rebuilds DEB with PACKAGE taken out of its Depends (what a hand-written list that forgot it would
# say), runs CHECK on it, and passes only when the check fails and names LIBRARY as missing.
set -euo pipefail
check="$1" deb="$2" drop="$3" library="$4"
work="$(mktemp -d "${TMPDIR:-/tmp}/socwb-deb-drop.XXXXXX")"
trap 'rm -rf "$work"' EXIT

dpkg-deb -R "$deb" "$work/pkg"
before="$(sed -n 's/^Depends: //p' "$work/pkg/DEBIAN/control")"
after="$(printf '%s\n' "$before" | tr ',' '\n' | sed 's/^ *//' | grep -v "^$drop\( \|$\)" | paste -sd, - | sed 's/,/, /g')"
if [ "$before" = "$after" ]; then
  echo "FAIL: $drop is not in the Depends of $deb ($before): nothing to take out" >&2
  exit 1
fi
sed -i "s/^Depends: .*/Depends: $after/" "$work/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -Zgzip -z1 -b "$work/pkg" "$work/without-$drop.deb" >/dev/null
echo "took $drop out of Depends; checking $(basename "$work/without-$drop.deb")"

status=0
"$check" "$work/without-$drop.deb" >"$work/out" 2>&1 || status=$?
cat "$work/out"
if [ "$status" -eq 0 ]; then
  echo "FAIL: the check passed a package without $drop" >&2
  exit 1
fi
if ! grep -q "MISSING: .*$library.* $drop" "$work/out"; then
  echo "FAIL: the check failed (exit $status) but did not name $library in $drop as missing" >&2
  exit 1
fi
echo "ok: without $drop the check fails and names $library"
