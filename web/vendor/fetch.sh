#!/usr/bin/env bash
# Vendors the front-end libraries essor serves from its own binary (never from a CDN):
# the État design system (@gouvfr/dsfr) and MapLibre GL JS. Packs each package from the npm
# registry into a temporary folder and copies only the dist files the pages use.
# Run from anywhere; rerun after changing a version below, then update README.md and commit.
set -euo pipefail

DSFR_VERSION=1.15.3
MAPLIBRE_VERSION=6.17.0

here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

unpack() { # package version -> folder holding package/
    local dir="$tmp/$(echo "$1" | tr '/@' '__')"
    mkdir -p "$dir"
    (cd "$dir" && npm pack --silent "$1@$2" >/dev/null && tar xzf ./*.tgz)
    echo "$dir/package"
}

# DSFR: minified CSS and JS, Marianne/Spectral fonts (woff2), favicons, and exactly the icons
# the core CSS references (the utility icon classes are not vendored: add a folder when a page
# needs one).
dsfr="$(unpack @gouvfr/dsfr "$DSFR_VERSION")"
out="$here/dsfr"
rm -rf "$out"
mkdir -p "$out/fonts" "$out/favicon"
cp "$dsfr/dist/dsfr.min.css" "$dsfr/dist/dsfr.module.min.js" "$dsfr/dist/dsfr.nomodule.min.js" "$out/"
cp "$dsfr"/dist/fonts/*.woff2 "$out/fonts/"
cp "$dsfr"/dist/favicon/{favicon.svg,favicon.ico,apple-touch-icon.png} "$out/favicon/"
grep -o 'url([^)]*icons/[^)]*)' "$dsfr/dist/dsfr.min.css" | sed -e 's/^url(//' -e 's/)$//' -e 's/["'\'']//g' |
    sort -u | while read -r icon; do
        mkdir -p "$out/$(dirname "$icon")"
        cp "$dsfr/dist/$icon" "$out/$icon"
    done
cp "$dsfr/LICENSE.md" "$out/LICENSE.md"

# MapLibre GL JS 6 is an ES module; it loads its worker from the same folder.
maplibre="$(unpack maplibre-gl "$MAPLIBRE_VERSION")"
out="$here/maplibre-gl"
rm -rf "$out"
mkdir -p "$out"
cp "$maplibre"/dist/{maplibre-gl.mjs,maplibre-gl-worker.mjs,maplibre-gl-shared.mjs,maplibre-gl.css} "$out/"
cp "$maplibre/LICENSE.txt" "$out/LICENSE.txt"

echo "vendored @gouvfr/dsfr $DSFR_VERSION and maplibre-gl $MAPLIBRE_VERSION into $here"
