#!/usr/bin/env bash
# Vendor the browser libraries the map needs into static/vendor/ so the app works
# without any CDN (Streamlit serves static/ at /app/static/ with enableStaticServing).
#
# Run once after changing a version below; the resulting files are committed, so a
# fresh machine needs neither npm nor network. Only the minified dist files, the
# images Leaflet's CSS references, and each package's licence are kept.
set -euo pipefail

LEAFLET=1.9.4
MARKERCLUSTER=1.5.3
JQUERY=3.7.1

repo=$(cd "$(dirname "$0")/.." && pwd)
dest="$repo/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# `npm pack` fetches the published tarball only: no dependency tree, no node_modules.
(cd "$work" && npm pack --silent "leaflet@$LEAFLET" "leaflet.markercluster@$MARKERCLUSTER" "jquery@$JQUERY" >/dev/null)

unpack() { # unpack <tarball> <dir>
    mkdir -p "$work/$2"
    tar -xzf "$work/$1" -C "$work/$2" --strip-components=1
}
unpack "leaflet-$LEAFLET.tgz" leaflet
unpack "leaflet.markercluster-$MARKERCLUSTER.tgz" markercluster
unpack "jquery-$JQUERY.tgz" jquery

rm -rf "$dest/leaflet" "$dest/leaflet.markercluster" "$dest/jquery"
mkdir -p "$dest/leaflet/images" "$dest/leaflet.markercluster" "$dest/jquery"

cp "$work/leaflet/dist/leaflet.js" "$work/leaflet/dist/leaflet.css" "$dest/leaflet/"
cp "$work/leaflet/dist/images/"*.png "$dest/leaflet/images/"
cp "$work/leaflet/LICENSE" "$dest/leaflet/LICENSE"

cp "$work/markercluster/dist/leaflet.markercluster.js" \
   "$work/markercluster/dist/MarkerCluster.css" \
   "$work/markercluster/dist/MarkerCluster.Default.css" "$dest/leaflet.markercluster/"
cp "$work/markercluster/MIT-LICENCE.txt" "$dest/leaflet.markercluster/LICENSE"

cp "$work/jquery/dist/jquery.min.js" "$dest/jquery/"
cp "$work/jquery/LICENSE.txt" "$dest/jquery/LICENSE"

# The minified files end with a sourceMappingURL comment pointing at .map files we do
# not ship; strip it so browsers' devtools do not 404 on every page load.
sed -i -E '/^\/[/*][#@] sourceMappingURL=/d' \
    "$dest/leaflet/leaflet.js" "$dest/leaflet.markercluster/leaflet.markercluster.js" "$dest/jquery/jquery.min.js"

cat > "$dest/VERSIONS" <<VERSIONS
leaflet $LEAFLET
leaflet.markercluster $MARKERCLUSTER
jquery $JQUERY
VERSIONS

du -sh "$dest"
