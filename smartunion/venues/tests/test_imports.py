"""阵地登记表: export, edit, import back; all rows or none, every bad row named."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smartunion.core.models import AuditEntry
from smartunion.venues import coords
from smartunion.venues.imports import HEADERS, example_row, import_venues
from smartunion.venues.models import Venue


def xlsx(rows, headers=HEADERS) -> io.BytesIO:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    for c, h in enumerate(headers):
        sheet.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if isinstance(v, (int, float)):
                sheet.write_number(r, c, v)
            else:
                sheet.write_string(r, c, v)
    book.close()
    buf.seek(0)
    return buf


def row(**changes):
    values = dict(zip(HEADERS, example_row(), strict=True))
    values.update(changes)
    return [values[h] for h in HEADERS]


def test_the_template_example_imports_as_a_gcj02_point(world):
    report = import_venues(xlsx([row()]), "a.xlsx", actor=world.county_admin)
    assert report.ok and report.created == 1, report.errors
    v = Venue.objects.get()
    wgs = coords.gcj02_to_wgs84(103.834303, 36.061089)
    assert coords.haversine_m(v.lng, v.lat, *wgs) < 0.1
    assert v.org == world.county_a and v.region_id == "620102"
    assert v.hours == ["08:00-20:00"] * 5 + ["09:00-18:00"] * 2
    assert v.facilities == ["water", "rest", "toilet", "charging"]
    assert v.manager_phone == "13912345678" and v.service_phone == "09318888888"
    assert (v.has_sign, v.has_map_listing, v.stars, v.on_amap, v.on_baidu) == (
        True,
        False,
        3,
        True,
        False,
    )
    assert AuditEntry.objects.filter(action="venue.import").exists()


def test_one_bad_row_and_nothing_is_written_with_every_problem_named(world):
    rows = [
        row(名称="好的一行"),
        row(经度=36.06, 纬度=103.83, 坐标系="WGS-84"),
        row(所属工会="七里河区总工会"),
        row(开放时间="早八点到晚八点", 星级="9星"),
    ]
    report = import_venues(xlsx(rows), "b.xlsx", actor=world.county_admin)
    assert not report.ok and report.created == 1
    got = {(e.row, e.column): e.message for e in report.errors}
    assert "经纬度可能填反了" in got[(3, "纬度")]
    assert "不在您的管理范围内" in got[(4, "所属工会")]
    assert "看不懂" in got[(5, "开放时间")]
    assert not Venue.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="venue.").exists()


def test_check_only_reports_and_writes_nothing(world):
    report = import_venues(
        xlsx([row(), row(名称="第二处")]), "c.xlsx", actor=world.county_admin, dry_run=True
    )
    assert report.ok and report.created == 2
    assert not Venue.objects.exists()


def test_an_exported_registry_imports_back_as_updates(client, world, venue_a):
    client.force_login(world.county_admin)
    exported = client.get(reverse("venues:export"), {"target": "registry", "format": "csv"})
    text = exported.content.decode("utf-8-sig").replace("城关区东岗驿站", "城关区东岗驿站（改）")
    report = import_venues(io.BytesIO(text.encode("utf-8")), "r.csv", actor=world.county_admin)
    assert report.ok and (report.created, report.updated) == (0, 1), report.errors
    fresh = Venue.objects.get()
    assert fresh.name == "城关区东岗驿站（改）"
    assert (fresh.lng, fresh.lat) == (venue_a.lng, venue_a.lat)
    assert fresh.manager_phone == "13912345678"  # not exported, so kept
    update = AuditEntry.objects.get(action="venue.update")
    assert set(update.changes) == {"name"}


def test_a_sibling_cannot_update_a_venue_by_its_number(world, venue_a):
    rows = [row(编号=f"SU{venue_a.pk}", 所属工会="七里河区总工会", 县区代码="620103")]
    report = import_venues(xlsx(rows), "s.xlsx", actor=world.sibling_admin)
    assert [(e.column, e.message) for e in report.errors] == [
        ("编号", "该阵地不存在或不在您的管理范围内。")
    ]
    assert Venue.objects.get().org == world.county_a


@pytest.mark.parametrize(
    "content,name,words",
    [
        (b"%PDF-1.4", "x.pdf", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "x.xls", "旧版Excel"),
        ("甲,乙\n1,2\n".encode(), "x.csv", "没有找到表头"),
    ],
)
def test_a_file_that_is_not_a_registry_is_refused(world, content, name, words):
    report = import_venues(io.BytesIO(content), name, actor=world.county_admin)
    assert words in report.refused and not Venue.objects.exists()


def test_the_import_page_shows_the_report_and_a_viewer_is_refused(client, world):
    url = reverse("venues:import")
    client.force_login(world.viewer)
    assert client.get(url).status_code == 403
    client.force_login(world.county_admin)
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("b.xlsx", xlsx([row(经度="abc")]).getvalue())
    page = client.post(url, {"file": bad})
    assert page.status_code == 200 and "经度必须是以度为单位的数字" in page.content.decode()
    good = SimpleUploadedFile("g.xlsx", xlsx([row()]).getvalue())
    assert client.post(url, {"file": good}).status_code == 302
    assert Venue.objects.count() == 1


def test_the_template_download_has_the_headers(client, world):
    from python_calamine import CalamineWorkbook

    client.force_login(world.county_admin)
    response = client.get(reverse("venues:export"), {"target": "template", "format": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    assert tuple(rows.to_python()[0]) == HEADERS
