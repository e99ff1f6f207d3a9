#!/usr/bin/env bash
# Regenerates the bundled sample case and the trainee exercises from the scenario generator.
# The output is deterministic: running this again on the same generator gives byte-identical
# files (gzip -n leaves out names and times). Build first: ./packaging/dev.sh build
#   sample-data/regenerate.sh            everything
#   sample-data/regenerate.sh sample     only sample-data/case + sample-data/truth.json
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="${SOCWB_CLI:-$ROOT/build/bin/socwb-cli}"
OUT="$ROOT/sample-data"
[ -x "$CLI" ] || { echo "regenerate.sh: $CLI not found; build first (./packaging/dev.sh build)" >&2; exit 2; }
what="${1:-all}"

# generate DEST TITLE ARGS...: writes into a scratch folder, gzips the logs, moves them to DEST
# (evidence) and DEST/../truth.json or DEST/truth.json (see callers).
generate() {
  local scratch; scratch="$(mktemp -d /tmp/socwb-regen.XXXXXX)"
  "$CLI" generate "$scratch" "$@"
  for f in "$scratch"/*; do
    case "$(basename "$f")" in
      truth.json|assets.csv) ;;
      *) gzip -9n "$f" ;;
    esac
  done
  echo "$scratch"
}

if [ "$what" = all ] || [ "$what" = sample ]; then
  scratch="$(generate --seed 2024 --hosts 8 --servers 4 --days 1 --scenario sample \
    --formats squid,windows-dns,sysmon-xml,assets --title "socwb sample case" | tail -1)"
  rm -rf "$OUT/case" && mkdir -p "$OUT/case"
  mv "$scratch/truth.json" "$OUT/truth.json"   # outside case/: socwb --demo imports all of case/
  mv "$scratch"/* "$OUT/case/"
  rmdir "$scratch"
fi

exercise() {
  local name="$1"; shift
  local scratch; scratch="$(generate "$@" | tail -1)"
  mkdir -p "$OUT/exercises/$name/evidence"
  rm -f "$OUT/exercises/$name/evidence/"* "$OUT/exercises/$name/truth.json"
  mv "$scratch/truth.json" "$OUT/exercises/$name/truth.json"
  mv "$scratch"/* "$OUT/exercises/$name/evidence/"
  rmdir "$scratch"
}

if [ "$what" = all ] || [ "$what" = exercises ]; then
  exercise 1-easy --seed 101 --hosts 12 --servers 4 --days 2 --scenario easy \
    --formats squid,windows-dns,sysmon-xml,assets --title "Exercise 1 (easy): fixed-interval PowerShell to pastebin"
  exercise 2-medium --seed 202 --hosts 16 --servers 4 --days 2 --scenario medium \
    --formats w3c,zeek-dns,winlogbeat,assets --title "Exercise 2 (medium): jittered unknown binary among developer GitHub traffic"
  exercise 3-hard --seed 303 --hosts 14 --servers 4 --days 3 --scenario hard \
    --formats squid,windows-dns,sysmon-xml,assets --title "Exercise 3 (hard): slow working-hours channel and a DNS-only host"
fi
