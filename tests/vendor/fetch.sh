#!/usr/bin/env bash
# Vendors the libraries the browser tests inject into pages (never served by essor): axe-core,
# the accessibility engine whose WCAG 2.1 A/AA rules the tests run (issue 12). Packs the
# package from the npm registry into a temporary folder and copies only its minified build and
# licence. Rerun after changing the version below, then update README.md and commit.
set -euo pipefail

AXE_VERSION=4.14.1

here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null && tar xzf ./*.tgz)
out="$here/axe-core"
rm -rf "$out"
mkdir -p "$out"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$out/"
echo "vendored axe-core $AXE_VERSION into $out"
