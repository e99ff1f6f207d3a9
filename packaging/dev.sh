#!/usr/bin/env bash
# socwb developer entry point. Works as root on a fresh Debian 12: installs what is missing (apt),
# configures and builds with both cores, then does what was asked.
#   ./packaging/dev.sh demo      build and open the GUI on the bundled sample case (headless: print it)
#   ./packaging/dev.sh test      build and run the whole test suite through CTest
#   ./packaging/dev.sh build     build only (build/, executables in build/bin/)
#   ./packaging/dev.sh bench     build and run the benchmarks (import, Sysmon, scoring, the 20 M-event scale run)
#   ./packaging/dev.sh bench-archive [MB] [RUNS]  proxy logs imported as files, tar and tar.zst: the
#                                issue-25 figure (1024 MB, 1 run: several minutes on both cores)
#   ./packaging/dev.sh evaluate [SEED...]  score generated cases, the exercises and the sample case
#                                against their truth, beside the published rule (seeds 1 2 3)
#   ./packaging/dev.sh evaluate --world 2 [SEED...]  the same for world 2's generated cases only
#   ./packaging/dev.sh fuzz [S]  build the libFuzzer targets with clang and run each for S seconds (60)
#   ./packaging/dev.sh stress [M]  the window and socwb-cli processes on one case for M minutes (10)
#   ./packaging/dev.sh package   build the .deb and .tar.gz (build/socwb_*.deb, socwb-*.tar.gz)
#   ./packaging/dev.sh package-test  install the .deb with apt in a clean Debian 12 root and run it there
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${SOCWB_BUILD_DIR:-$ROOT/build}"
JOBS="$(nproc 2>/dev/null || echo 2)"

PACKAGES=(build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-l10n-tools libgl1-mesa-dev libqcustomplot-dev libqcustomplot2.1-qt6
  libspdlog-dev libsqlite3-dev sqlite3 libpsl-dev publicsuffix libevtx-dev libbfio-dev libevtx-utils libxxhash-dev libmimalloc-dev
  zlib1g-dev libarchive-dev libssl-dev libsimdjson-dev libyaml-cpp-dev libglib2.0-dev xvfb xauth xfonts-base fonts-dejavu-core
  clang-format
  # packaging: icons, the .deb with computed dependencies, and the tests of what it gives a desktop
  librsvg2-bin dpkg-dev file lintian appstream desktop-file-utils shared-mime-info xdg-utils
  libfile-mimeinfo-perl man-db groff-base
  # exports: the STIX bundle checked against the OASIS schemas (tests/stix_check.py); rfc3987 makes
  # jsonschema check the schemas' "uri" format (without it a URL no URI can be passes unchecked)
  python3 python3-jsonschema python3-rfc3987
  # hunts: KQL checked by Microsoft's parser (tst_hunt npm-installs @kusto/language-service-next, pinned)
  nodejs npm
  # the case report: its PDF's text read back (tests/tst_case_report.cpp)
  poppler-utils)
PACKAGE_TEST_PACKAGES=(debootstrap)
FUZZ_PACKAGES=(clang libclang-rt-14-dev)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Every C++ file as .clang-format says (clang-format 14, as Debian 12 ships it); skipped, with a
# message, where clang-format is not installed.
format_check() {
  if ! command -v clang-format >/dev/null 2>&1; then
    log "clang-format not installed: format check skipped"
    return 0
  fi
  log "checking the format with $(clang-format --version)"
  clang-format --dump-config >/dev/null || { log ".clang-format cannot be read by this clang-format"; return 1; }
  local files
  mapfile -t files < <(cd "$ROOT" && git ls-files '*.cpp' '*.h' 2>/dev/null || find models views app tests -name '*.cpp' -o -name '*.h')
  local f bad=0
  for f in "${files[@]}"; do
    if ! (cd "$ROOT" && clang-format --dry-run --Werror "$f" >/dev/null 2>&1); then
      echo "  not formatted: $f" >&2
      bad=$((bad + 1))
    fi
  done
  if [ "$bad" -gt 0 ]; then
    log "format check failed for $bad file(s): 'clang-format -i FILE' fixes one, '--dry-run' shows what differs"
    return 1
  fi
}

ensure_packages() {
  local missing=()
  for p in "$@"; do
    # A Node.js from outside Debian (NodeSource's nodejs bundles npm and conflicts with Debian's
    # npm) already gives what the tests run: asking apt for Debian's would fail the whole install.
    case "$p" in
      nodejs) command -v node >/dev/null 2>&1 && continue ;;
      npm) command -v npm >/dev/null 2>&1 && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

configure_and_build() {
  ensure_packages "${PACKAGES[@]}"
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    log "configuring $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
  fi
  log "building with $JOBS jobs"
  cmake --build "$BUILD" -j "$JOBS"
}

# Qt complains without a runtime dir when run as root without a session.
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d /tmp/socwb-runtime.XXXXXX)}"
chmod 700 "$XDG_RUNTIME_DIR" 2>/dev/null || true

cmd="${1:-}"
shift || true
case "$cmd" in
  build)
    configure_and_build
    ;;
  test)
    configure_and_build
    log "running the test suite"
    status=0
    (cd "$BUILD" && ctest --output-on-failure -j "$JOBS" --timeout 600 "$@") || status=$?
    format_check || status=1
    exit "$status"
    ;;
  demo)
    configure_and_build
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      exec "$BUILD/bin/socwb" --demo "$@"
    fi
    log "no display: showing the sample case headless (the GUI would be: $BUILD/bin/socwb --demo)"
    tmp="$(mktemp -d /tmp/socwb-demo.XXXXXX)"
    echo "\$ socwb-cli import $tmp/demo.socwb $ROOT/sample-data/case/* --tz UTC" >&2
    "$BUILD/bin/socwb-cli" import "$tmp/demo.socwb" "$ROOT"/sample-data/case/* --tz UTC || true
    echo "\$ socwb-cli info $tmp/demo.socwb" >&2
    "$BUILD/bin/socwb-cli" info "$tmp/demo.socwb"
    echo "\$ socwb-cli score $tmp/demo.socwb && socwb-cli alerts $tmp/demo.socwb --limit 10" >&2
    "$BUILD/bin/socwb-cli" score "$tmp/demo.socwb" || true
    "$BUILD/bin/socwb-cli" alerts "$tmp/demo.socwb" --limit 10
    echo "To see the window without a display: xvfb-run -a -s '-screen 0 1920x1080x24' $BUILD/bin/socwb --demo --screenshot demo.png" >&2
    ;;
  bench)
    configure_and_build
    log "running benchmarks"
    for b in "$BUILD"/bin/bench_*; do
      [ -x "$b" ] && "$b" "$@"
    done
    ;;
  bench-archive)
    configure_and_build
    log "archive import benchmark: ${1:-1024} MB of proxy logs as files, plain tar and tar.zst"
    "$BUILD/bin/bench_archive" --mb "${1:-1024}" --runs "${2:-1}"
    ;;
  evaluate)
    configure_and_build
    cli="$BUILD/bin/socwb-cli"
    tmp="$(mktemp -d /tmp/socwb-eval.XXXXXX)"
    trap 'rm -rf "$tmp"' EXIT
    evaluate_case() { # NAME TRUTH FILE...
      local name="$1" truth="$2"
      shift 2
      "$cli" import "$tmp/$name.socwb" "$@" --tz UTC >/dev/null 2>&1 || true # generated logs are UTC
      "$cli" score "$tmp/$name.socwb" >/dev/null 2>&1
      printf '%-28s %s\n' "$name" "$("$cli" evaluate "$tmp/$name.socwb" "$truth" --brief)"
    }
    world=1
    if [ "${1:-}" = "--world" ]; then
      world="${2:?--world takes 1 or 2}"
      shift 2
    fi
    seeds=("$@")
    ((${#seeds[@]})) || seeds=(1 2 3)
    if [ "$world" != 1 ]; then
      # World 2 writes one of two log families per seed: import whatever it wrote.
      for seed in "${seeds[@]}"; do
        "$cli" generate "$tmp/w$world-seed$seed" --world "$world" --seed "$seed" --hosts 30 --servers 4 --days 3 \
          --scenario all >/dev/null 2>&1
        files=()
        for f in "$tmp/w$world-seed$seed"/*; do
          [ "$(basename "$f")" = truth.json ] || files+=("$f")
        done
        evaluate_case "world $world seed $seed (30+4, 3 d)" "$tmp/w$world-seed$seed/truth.json" "${files[@]}"
      done
      exit 0
    fi
    for seed in "${seeds[@]}"; do
      "$cli" generate "$tmp/seed$seed" --seed "$seed" --hosts 30 --servers 4 --days 3 --scenario all >/dev/null 2>&1
      evaluate_case "seed $seed (30+4 hosts, 3 d)" "$tmp/seed$seed/truth.json" \
        "$tmp/seed$seed"/*.log "$tmp/seed$seed/sysmon.xml" "$tmp/seed$seed/assets.csv"
    done
    for ex in "$ROOT"/sample-data/exercises/*/; do
      evaluate_case "exercise $(basename "$ex")" "$ex/truth.json" "$ex"evidence/*
    done
    evaluate_case "sample case" "$ROOT/sample-data/truth.json" "$ROOT"/sample-data/case/*
    ;;
  fuzz)
    ensure_packages "${PACKAGES[@]}" "${FUZZ_PACKAGES[@]}"
    secs="${1:-60}"
    FBUILD="$ROOT/build-fuzz"
    if [ ! -f "$FBUILD/CMakeCache.txt" ]; then
      CC=clang CXX=clang++ cmake -S "$ROOT" -B "$FBUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSOCWB_BUILD_FUZZERS=ON -DSOCWB_BUILD_GUI=OFF -DSOCWB_BUILD_TESTS=ON
    fi
    cmake --build "$FBUILD" -j "$JOBS" --target socwb_fuzzers
    status=0
    # Leaks inside Debian's libevtx on damaged records are not ours (see the file).
    export LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    for f in "$FBUILD"/bin/fuzz_*; do
      name="$(basename "$f")"
      corpus="$FBUILD/fuzz-corpus/$name"
      mkdir -p "$corpus"
      log "fuzzing $name for ${secs}s"
      # Targets are named with underscores (fuzz_windows_dns), seed folders like the format (windows-dns).
      seeds="$ROOT/tests/fuzz/seeds/${name#fuzz_}"
      [ -d "$seeds" ] || seeds="$ROOT/tests/fuzz/seeds/$(printf '%s' "${name#fuzz_}" | tr _ -)"
      "$f" -max_total_time="$secs" -print_final_stats=1 "$corpus" "$seeds" \
        > "$FBUILD/$name.log" 2>&1 || { status=1; tail -40 "$FBUILD/$name.log"; }
      grep -E '^stat::number_of_executed_units|^Done' "$FBUILD/$name.log" | tail -2 || true
    done
    exit $status
    ;;
  stress)
    minutes="${1:-10}"
    [[ "$minutes" =~ ^[1-9][0-9]*$ ]] || { log "stress MINUTES: a whole number of minutes, not '$minutes'"; exit 2; }
    configure_and_build
    log "the window (offscreen) and socwb-cli processes on one case for $minutes minute(s)"
    # The stress test of tests/tst_two_programs.cpp, with the environment CTest gives it.
    mkdir -p "$BUILD/test-home" "$BUILD/test-logs"
    # Qt Test ends a test function after 5 minutes unless told otherwise.
    QTEST_FUNCTION_TIMEOUT=$(((minutes * 60 + 300) * 1000)) SOCWB_STRESS_SECONDS=$((minutes * 60)) QT_QPA_PLATFORM=offscreen SOCWB_LOG_DIR="$BUILD/test-logs" \
      HOME="$BUILD/test-home" LC_ALL=C.UTF-8 "$BUILD/bin/tst_two_programs" -maxwarnings 0 stressWindowAndCli \
      | grep -v "does not support propagateSizeHints"
    ;;
  package)
    configure_and_build
    cd "$BUILD" && cpack
    ;;
  package-test)
    configure_and_build
    ensure_packages "${PACKAGE_TEST_PACKAGES[@]}"
    log "building the .deb"
    (cd "$BUILD" && cpack -G DEB -B "$BUILD/package-test" >/dev/null)
    exec "$ROOT/packaging/package-test.sh" "$BUILD"/package-test/socwb_*.deb "$@"
    ;;
  *)
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
