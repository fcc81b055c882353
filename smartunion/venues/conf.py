"""Settings of the venue pages, read from Django settings or else the environment.

SMARTUNION_TILE_URL          a Leaflet tile URL template, e.g. a 天地图 or 高德 tile server on
                             the intranet; empty (the default) = no tiles: the maps show the
                             markers on a plain background, which works with no internet.
SMARTUNION_TILE_CRS          wgs84 (天地图, OpenStreetMap) or gcj02 (高德 tiles): the system the
                             tiles are drawn in, so markers are shifted to sit on the right street.
SMARTUNION_TILE_ATTRIBUTION  the tile provider's credit line.
SMARTUNION_TILE_SUBDOMAINS   e.g. "1234" for {s} in the URL.
(The tile host must also be listed in SMARTUNION_TILE_HOSTS for the page's CSP.)
"""

from __future__ import annotations

from django.conf import settings

from smartunion.core.env import env_str


def _setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = env_str(name, default)
    return str(value or default)


def tile_config() -> dict[str, str]:
    crs = _setting("SMARTUNION_TILE_CRS", "wgs84").lower()
    return {
        "url": _setting("SMARTUNION_TILE_URL"),
        "crs": "gcj02" if crs == "gcj02" else "wgs84",
        "attribution": _setting("SMARTUNION_TILE_ATTRIBUTION"),
        "subdomains": _setting("SMARTUNION_TILE_SUBDOMAINS", "abc"),
    }
