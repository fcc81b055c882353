"""Exports of the venue registry: for 高德 (GCJ-02), for 百度 (BD-09), and GeoJSON (WGS-84).

The 高德 and 百度 tables follow the column layouts of their bulk point-upload templates
(docs/venues.md lists them); each coordinate is converted from the stored WGS-84. Text cells
that a spreadsheet would read as a formula (= + - @, tab, carriage return) get a leading
apostrophe. Only public facts go out: the manager's personal phone never does.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

import xlsxwriter

from smartunion.venues import coords
from smartunion.venues.models import KIND_SHORT, Venue

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell that cannot start a formula in Excel or WPS."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass(frozen=True)
class Layout:
    """One target platform's table: its coordinate system, columns and file name stem."""

    target: str
    title: str
    crs: coords.CRS
    columns: tuple[str, ...]
    stem: str


AMAP = Layout(
    target="amap",
    title="高德地图批量上图（GCJ-02）",
    crs=coords.CRS.GCJ02,
    columns=(
        "名称",
        "省份",
        "城市",
        "区县",
        "详细地址",
        "经度",
        "纬度",
        "电话",
        "分类",
        "营业时间",
        "编号",
    ),
    stem="venues-amap-gcj02",
)
BAIDU = Layout(
    target="baidu",
    title="百度地图批量上图（BD-09）",
    crs=coords.CRS.BD09,
    columns=(
        "title",
        "address",
        "longitude",
        "latitude",
        "coord_type",
        "tel",
        "tag",
        "province",
        "city",
        "district",
        "open_time",
        "uid_ext",
    ),
    stem="venues-baidu-bd09",
)
LAYOUTS = {AMAP.target: AMAP, BAIDU.target: BAIDU}
# 百度's coord_type code for bd09ll in its bulk tables (1 = WGS-84, 2 = GCJ-02, 3 = BD-09).
BAIDU_COORD_TYPE_BD09LL = 3


def _names(venue: Venue) -> tuple[str, str, str]:
    """Province, city and county names of the venue's county."""
    region = venue.region
    parent = region.parent if region.parent_id else None
    if region.level == 2:  # a city without counties, such as 嘉峪关市
        province = parent.name if parent else ""
        return province, region.name, region.name
    grand = parent.parent if parent and parent.parent_id else None
    return (grand.name if grand else ""), (parent.name if parent else ""), region.name


def rows_for(layout: Layout, venues: Iterable[Venue]) -> Iterable[list]:
    for v in venues:
        lng, lat = coords.from_wgs84(v.lng, v.lat, layout.crs)
        province, city, county = _names(v)
        category = KIND_SHORT.get(v.kind, v.get_kind_display())
        hours = v.hours_summary()
        if layout is AMAP:
            row = [
                v.name,
                province,
                city,
                county,
                v.address,
                round(lng, 6),
                round(lat, 6),
                v.service_phone,
                f"生活服务;工会服务;{category}",
                hours,
                f"SU{v.pk}",
            ]
        else:
            row = [
                v.name,
                v.address,
                round(lng, 6),
                round(lat, 6),
                BAIDU_COORD_TYPE_BD09LL,
                v.service_phone,
                f"生活服务;{category}",
                province,
                city,
                county,
                hours,
                f"SU{v.pk}",
            ]
        yield [safe_cell(c) for c in row]


def export_csv(layout: Layout, venues: Iterable[Venue]) -> bytes:
    return table_csv(layout, rows_for(layout, venues))


def export_xlsx(layout: Layout, venues: Iterable[Venue], *, exporter: str = "") -> bytes:
    return table_xlsx(layout, rows_for(layout, venues), exporter=exporter)


def table_csv(layout: Layout, rows: Iterable[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel and WPS open the Chinese text correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(layout.columns)
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def table_xlsx(layout: Layout, rows: Iterable[list], *, exporter: str = "") -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf,
        {
            "constant_memory": True,
            "in_memory": True,
            # Strings stay strings: a phone number or code must never become a number/formula.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet("点位")
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2"})
    coord = book.add_format({"num_format": "0.000000"})
    for col, title in enumerate(layout.columns):
        sheet.write_string(0, col, title, head)
    coord_cols = {
        i for i, c in enumerate(layout.columns) if c in ("经度", "纬度", "longitude", "latitude")
    }
    r = 0
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(safe_cell(c) for c in row):
            if isinstance(value, float) or col in coord_cols:
                sheet.write_number(r, col, float(value), coord)
            elif isinstance(value, int):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, "" if value is None else str(value))
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, len(layout.columns) - 1, 14)
    if exporter:
        info = book.add_worksheet("说明")
        info.write_string(0, 0, f"{layout.title}；导出人：{exporter}；共 {r} 条。")
    book.close()
    return buf.getvalue()


def export_geojson(venues: Iterable[Venue]) -> bytes:
    """A FeatureCollection in WGS-84 (RFC 7946: longitude first)."""
    features = []
    for v in venues:
        features.append(
            {
                "type": "Feature",
                "id": v.pk,
                "geometry": {"type": "Point", "coordinates": [round(v.lng, 7), round(v.lat, 7)]},
                "properties": {
                    "name": v.name,
                    "kind": v.kind,
                    "kind_name": v.get_kind_display(),
                    "region": v.region_id,
                    "address": v.address,
                    "service_phone": v.service_phone,
                    "facilities": v.facility_labels(),
                    "hours": v.hours_summary(),
                    "six_complete": v.six_complete,
                    "stars": v.stars,
                    "on_amap": v.on_amap,
                    "on_baidu": v.on_baidu,
                    "status": v.status,
                    "built_on": v.built_on.isoformat() if v.built_on else None,
                },
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
