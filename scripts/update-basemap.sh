#!/usr/bin/env bash
# Regenerates generator/data/countries-50m.json, the basemap's Natural Earth data,
# from the npm package world-atlas. For maintainers only: the build never downloads.
#
#   scripts/update-basemap.sh [VERSION]    # default 2.0.2
#
# Afterwards update the version and sha256 in generator/data/NATURAL-EARTH.md and
# WORLD_ATLAS_VERSION in generator/basemap.py, then look at a few maps.
set -euo pipefail

version="${1:-2.0.2}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/generator/data"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
tarball="$(npm pack --silent "world-atlas@$version")"
tar -xzf "$tarball" package/countries-50m.json package/LICENSE
cp package/countries-50m.json "$dest/countries-50m.json"

echo "world-atlas $version: $tarball"
echo "LICENSE (keep the copy in NATURAL-EARTH.md in step):"
cat package/LICENSE
echo
echo "sha256 of generator/data/countries-50m.json:"
(cd "$dest" && sha256sum countries-50m.json)
