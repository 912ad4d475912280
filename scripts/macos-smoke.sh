#!/usr/bin/env bash
# macOS smoke test of the live sources: what a maintainer with a Mac runs before a release.
#
# Usage: sudo scripts/macos-smoke.sh [--skip-build] [--seconds N] [--keep] [--help]
#
# Steps, each reported at the end as ok / FAILED / expected-unavailable:
#   1. build: npm ci (node-gyp), cmake-js universal build (arm64 + x86_64, checked with lipo),
#      ctest, TypeScript build, and the SDK syntax check (scripts/check-native-macos.sh)
#   2. for each source (endpoint-security, eslogger, auto):
#      - `execwatch record --source S` for N seconds while the seed rule's trigger runs:
#        `open smb://127.0.0.1/execwatch-smoke` (the Finder error dialog that may appear is
#        expected; dismiss it), then checks that the recording holds that exec
#      - `execwatch replay --json` of the recording: the seed rule "Attempt to Mount SMB Share
#        via Command Line" must raise an alert
#      - `execwatch run --json --source S` for N seconds with the same trigger: an alert on stdout
#
# Needs: root (sudo) and Full Disk Access for the terminal running it. The endpoint-security
# source additionally needs an executable signed with the ES entitlement: with a plain `node`
# it reports ES_NOT_ENTITLED, which this script counts as expected-unavailable, not a failure.
set -uo pipefail

skip_build=0
seconds=6
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-build) skip_build=1 ;;
    --seconds) seconds="$2"; shift ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "macos-smoke: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [[ "$(uname -s)" != "Darwin" ]]; then
  echo "macos-smoke: this script checks the live sources and needs macOS." >&2
  exit 2
fi
if [[ "$(id -u)" -ne 0 ]]; then
  echo "macos-smoke: Endpoint Security needs root; run it with sudo." >&2
  exit 2
fi

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo_root"
work="$(mktemp -d /tmp/execwatch-smoke.XXXXXX)"
report=()
failures=0
trigger_url="smb://127.0.0.1/execwatch-smoke"
seed_rule="Attempt to Mount SMB Share via Command Line"

note() { report+=("$(printf '%-44s %s' "$1" "$2")"); }
fail() { note "$1" "FAILED $2"; failures=$((failures + 1)); }

step() {
  local name="$1"; shift
  if "$@" >"$work/$name.log" 2>&1; then
    note "$name" "ok"
  else
    fail "$name" "(see $work/$name.log)"
  fi
}

if [[ $skip_build -eq 0 ]]; then
  step "build: npm ci" npm ci
  step "build: cmake-js universal" npx cmake-js compile -d native
  addon="native/build/Release/execwatch_es.node"
  architectures="$(lipo -archs "$addon" 2>&1)"
  if [[ "$architectures" == *arm64* && "$architectures" == *x86_64* ]]; then
    note "build: execwatch_es.node is universal" "ok ($architectures)"
  else
    fail "build: execwatch_es.node is universal" "($architectures)"
  fi
  step "build: ctest" ctest --test-dir native/build --output-on-failure
  step "build: tsc" npx tsc -p tsconfig.build.json
  step "build: SDK syntax check" scripts/check-native-macos.sh "$(xcrun --show-sdk-path)"
fi

# Runs the trigger of the seed rule a few times while a source is recording.
trigger_seed_rule() {
  sleep 2
  /usr/bin/open "$trigger_url" >/dev/null 2>&1 || true
  sleep 1
}

# True when stderr shows the source is unavailable for an expected reason (unsigned build).
expected_unavailable() {
  grep -q 'ES_NOT_ENTITLED\|ES_ADDON_NOT_BUILT' "$1"
}

smoke_record() {
  local source="$1" recording="$work/$source.jsonl" errors="$work/$source.record.err"
  node bin/execwatch.js record --source "$source" --output "$recording" 2>"$errors" &
  local pid=$!
  trigger_seed_rule
  sleep "$seconds"
  kill -INT "$pid" 2>/dev/null
  wait "$pid"
  local status=$?

  if [[ $status -ne 0 ]] && expected_unavailable "$errors"; then
    local reason
    reason="$(grep -o 'ES_[A-Z_]*' "$errors" | head -1)"
    note "record --source $source" "expected-unavailable ($reason)"
    return 1
  fi
  if [[ $status -ne 0 ]]; then
    fail "record --source $source" "exit $status: $(tail -1 "$errors")"
    return 1
  fi
  local events
  events=$(wc -l <"$recording" | tr -d ' ')
  if grep -q "$trigger_url" "$recording"; then
    note "record --source $source" "ok ($events events, smb exec seen)"
  else
    fail "record --source $source" "($events events, no exec of open $trigger_url)"
    return 1
  fi

  if node bin/execwatch.js replay --json "$recording" 2>/dev/null | grep -q "$seed_rule"; then
    note "replay of $source recording" "ok (seed rule alert)"
  else
    fail "replay of $source recording" "(no alert from the seed rule)"
  fi
}

smoke_run() {
  local source="$1" alerts="$work/$source.run.out" errors="$work/$source.run.err"
  node bin/execwatch.js run --json --notify none --source "$source" \
    --state-dir "$work/state-$source" >"$alerts" 2>"$errors" &
  local pid=$!
  trigger_seed_rule
  sleep "$seconds"
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"

  if expected_unavailable "$errors" && [[ ! -s "$alerts" ]]; then
    note "run --source $source" "expected-unavailable"
  elif grep -q "$seed_rule" "$alerts"; then
    note "run --source $source" "ok (alert on stdout)"
  else
    fail "run --source $source" "(no alert; see $errors)"
  fi
}

for source in endpoint-security eslogger auto; do
  smoke_record "$source"
  smoke_run "$source"
done

echo
echo "execwatch macOS smoke report ($(sw_vers -productVersion), $(uname -m))"
printf '%s\n' "${report[@]}"
echo
if [[ $keep -eq 1 ]]; then echo "kept: $work"; else rm -rf "$work"; fi
if [[ $failures -gt 0 ]]; then
  echo "$failures step(s) FAILED"
  exit 1
fi
echo "all steps ok or expected-unavailable"
