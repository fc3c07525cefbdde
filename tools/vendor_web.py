"""Copy the desk's front-end libraries from frontend/node_modules into the package's static files.

`make` runs `npm ci` in frontend/ (versions pinned by frontend/package-lock.json, with their
integrity hashes), then this script. Only the files the desk loads are copied, each
library with its licence, into src/veille/web/static/vendor/ (not committed: a build
output). Nothing is fetched at run time.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "frontend" / "node_modules"
OUT = ROOT / "src" / "veille" / "web" / "static" / "vendor"

# library: files (relative to its package folder) copied flat into vendor/<library>/
FILES = {
    "leaflet": ["dist/leaflet.js", "dist/leaflet.css", "dist/images/marker-icon.png",
                "dist/images/marker-icon-2x.png", "dist/images/marker-shadow.png", "dist/images/layers.png",
                "dist/images/layers-2x.png", "LICENSE"],
    "leaflet.markercluster": ["dist/leaflet.markercluster.js", "dist/MarkerCluster.css",
                              "dist/MarkerCluster.Default.css", "MIT-LICENCE.txt"],
    "topojson-client": ["dist/topojson-client.min.js", "LICENSE"],
    "world-atlas": ["countries-110m.json", "countries-50m.json", "LICENSE"],
    "d3": ["dist/d3.min.js", "LICENSE"],
    # the API's documentation page (/docs), served from here instead of FastAPI's default CDN
    "swagger-ui-dist": ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE"],
}


def main() -> int:
    if not MODULES.is_dir():
        print(f"vendor_web: {MODULES}: missing; run `npm ci` in frontend/ first", file=sys.stderr)
        return 1
    if OUT.exists():
        shutil.rmtree(OUT)
    for lib, files in FILES.items():
        target = OUT / lib
        for rel in files:
            src = MODULES / lib / rel
            if not src.is_file():
                print(f"vendor_web: {src}: missing from the npm package", file=sys.stderr)
                return 1
            dest = target / ("images" if "/images/" in rel else "") / Path(rel).name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
