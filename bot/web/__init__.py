"""The public calendar pages of published rooms: occurrences, structured data and HTML, all pure functions.

`bot.http` fetches the data and serves what these functions render; the templates and the static files (the
page's own CSS and JavaScript; Leaflet comes from the xstatic-leaflet package) are package data.
"""

from __future__ import annotations

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"


def leaflet_dir() -> Path:
    """Where the xstatic-leaflet package keeps Leaflet's files (leaflet.js, leaflet.css, images/)."""
    import xstatic.pkg.leaflet

    return Path(xstatic.pkg.leaflet.BASE_DIR)
