#!/usr/bin/env bash
# Syntax- and type-checks every native source against a macOS SDK, from Linux or macOS, for both
# architectures of the universal build. It compiles nothing to disk and downloads nothing.
#
# Usage: scripts/check-native-macos.sh SDK_ROOT
#   SDK_ROOT  a macOS SDK directory (the one holding usr/include/EndpointSecurity), e.g.
#             "$(xcrun --show-sdk-path)" on a Mac, or an extracted MacOSX13.3.sdk elsewhere
#             (see native/README.md for how to obtain one).
# Environment: CXX (default clang++-16, then clang++), NODE_API_INCLUDE (default: the
#   node-api-headers package's include directory).
set -euo pipefail

if [[ $# -ne 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  [[ $# -eq 1 ]] && exit 0 || exit 2
fi

sdk_root="$1"
repo_root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo_root"

if [[ ! -f "$sdk_root/usr/include/EndpointSecurity/EndpointSecurity.h" ]]; then
  echo "check-native-macos: $sdk_root has no usr/include/EndpointSecurity; is it a macOS SDK?" >&2
  exit 2
fi

cxx="${CXX:-}"
if [[ -z "$cxx" ]]; then
  cxx="$(command -v clang++-16 || command -v clang++ || true)"
fi
if [[ -z "$cxx" ]]; then
  echo "check-native-macos: no clang++ found; set CXX" >&2
  exit 2
fi

node_api_include="${NODE_API_INCLUDE:-$(node -p "require('node-api-headers').include_dir")}"
addon_api_include="$(node -p "require('path').resolve(require('node-addon-api').include_dir)")"

# Every .cc named in native/sources.gypi except the C++ tests (they run under ctest instead).
mapfile -t sources < <(grep -oE "'native/[^']+\.cc'" native/sources.gypi | tr -d "'" |
  grep -v '^native/tests/')

status=0
for target in arm64-apple-macos13 x86_64-apple-macos13; do
  echo "== $target: ${#sources[@]} files"
  if ! "$cxx" -target "$target" -isysroot "$sdk_root" -fsyntax-only -fblocks -std=c++17 \
    -Wall -Wextra -DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS \
    -I "$addon_api_include" -I "$node_api_include" "${sources[@]}"; then
    status=1
  fi
done
exit "$status"
