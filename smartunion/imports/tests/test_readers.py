"""Files that are not plain tables are refused with a clear Chinese message, before any row."""

import io
import zipfile

import pytest
import xlsxwriter

from smartunion.imports.readers import CSV, XLSX, ImportRefused, data_rows, open_table
from smartunion.imports.tests.helpers import csv_bytes, xlsx_bytes


def refused(data: bytes, name: str = "f.xlsx") -> str:
    with pytest.raises(ImportRefused) as info:
        table = open_table(io.BytesIO(data), filename=name)
        list(data_rows(table.rows, 50))
    return info.value.message


def rows_of(data: bytes, name: str = "f.csv") -> list[tuple[int, list]]:
    table = open_table(io.BytesIO(data), filename=name)
    return list(data_rows(table.rows, 50))


def test_it_reads_utf8_csv_with_and_without_bom():
    for encoding in ("utf-8-sig", "utf-8"):
        rows = rows_of(
            csv_bytes([{"姓名": "张三", "身份证号码": "620102199005170011"}], encoding=encoding)
        )
        assert rows == [(1, ["姓名", "身份证号码"]), (2, ["张三", "620102199005170011"])]


def test_it_reads_gb18030_csv_as_chinese_excel_saves_it():
    data = csv_bytes([{"姓名": "欧阳娜娜", "民族": "维吾尔族"}], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert rows_of(data)[1] == (2, ["欧阳娜娜", "维吾尔族"])


def test_it_reads_utf16_tab_separated_text():
    data = "姓名\t民族\r\n张三\t汉族\r\n".encode("utf-16")
    assert rows_of(data, "f.txt")[1] == (2, ["张三", "汉族"])


def test_it_reads_xlsx_with_row_numbers_of_the_sheet():
    data = xlsx_bytes([{"姓名": "张三"}, {"姓名": ""}, {"姓名": "李四"}])
    table = open_table(io.BytesIO(data), filename="a.xlsx")
    assert table.format == XLSX
    assert list(data_rows(table.rows, 5)) == [(1, ["姓名"]), (2, ["张三"]), (4, ["李四"])]


def test_it_refuses_a_pdf_and_random_bytes():
    assert "PDF" in refused(b"%PDF-1.4 binary")
    assert "不是Excel" in refused(bytes(range(256)) * 10, "a.csv")


def test_it_refuses_an_empty_file():
    assert refused(b"", "a.csv") == "文件是空的，没有任何内容。"
    assert refused(b"   \r\n", "a.csv") == "文件是空的，没有任何内容。"


def test_it_refuses_old_xls_and_encrypted_workbooks():
    assert ".xls" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xls")


def test_it_refuses_a_word_document_and_a_broken_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w/>")
    assert "Word" in refused(buf.getvalue())
    assert "损坏" in refused(b"PK\x03\x04" + b"garbage" * 100)


def _with_extra_part(name: str, payload: bytes = b"x") -> bytes:
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes([{"姓名": "张三"}])))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
        out.writestr(name, payload)
    return buf.getvalue()


def test_it_refuses_macros_by_name_and_by_content():
    assert "宏" in refused(xlsx_bytes([{"姓名": "张三"}]), "a.xlsm")
    assert "宏" in refused(_with_extra_part("xl/vbaProject.bin"))
    assert "宏" in refused(_with_extra_part("xl/macrosheets/sheet1.xml"))
    assert "控件" in refused(_with_extra_part("xl/activeX/activeX1.xml"))


def test_it_refuses_formulas_and_names_the_cell():
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "姓名")
    ws.write_string(1, 0, "张三")
    ws.write_formula(2, 1, '=HYPERLINK("http://x","y")', None, "y")
    wb.close()
    message = refused(buf.getvalue())
    assert "公式" in message and "B3" in message


def test_it_refuses_a_zip_bomb_before_reading_it():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))
    assert len(buf.getvalue()) < 200_000
    assert "压缩炸弹" in refused(buf.getvalue())


def test_it_refuses_a_zip_whose_directory_lies_about_sizes():
    data = bytearray(xlsx_bytes([{"姓名": "张三" * 50}] * 50))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    # Declare a quarter of the sheet's real size in the central directory.
    name = b"xl/worksheets/sheet1.xml"
    pos = data.find(b"PK\x01\x02")
    while data[pos + 46 : pos + 46 + int.from_bytes(data[pos + 28 : pos + 30], "little")] != name:
        pos = data.find(b"PK\x01\x02", pos + 4)
    data[pos + 24 : pos + 28] = (info.file_size // 4).to_bytes(4, "little")
    message = refused(bytes(data))
    assert "损坏" in message or "结构异常" in message


def test_it_refuses_a_million_blank_rows_without_reading_them_all():
    data = ("姓名,身份证号码\r\n张三,620102199005170011\r\n" + ",\r\n" * 1_000_000).encode()
    message = refused(data, "a.csv")
    assert "连续的空行" in message and "第3行" in message


def test_it_refuses_a_million_blank_rows_in_a_workbook():
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "姓名")
    ws.write_string(1, 0, "张三")
    ws.write_string(1_000_001, 0, "李四")
    fmt = wb.add_format({"bold": True})
    for r in range(2, 1_000_001, 1000):
        ws.set_row(r, None, fmt)
    wb.close()
    assert "连续的空行" in refused(buf.getvalue())


def test_it_skips_short_runs_of_blank_rows():
    data = ("姓名\r\n张三\r\n" + ",\r\n" * 100 + "李四\r\n").encode()
    assert [r for r, _ in rows_of(data)] == [1, 2, 103]


def test_it_refuses_too_many_rows(settings):
    settings.SMARTUNION_IMPORT_MAX_ROWS = 3
    data = ("姓名\r\n" + "张三\r\n" * 5).encode()
    assert "超过3行" in refused(data, "a.csv")


def test_it_refuses_an_undecodable_text_file():
    # Valid neither as UTF-8 nor as GB18030.
    assert "编码" in refused("姓名\r\n".encode() + b"\x81\x20\xff\xfe\x80\r\n", "a.csv")


def test_it_refuses_a_malformed_csv_cell():
    data = ('姓名\r\n"' + "x" * 200_000 + "\r\n").encode()
    assert "格式错误" in refused(data, "a.csv")


def test_it_detects_the_format_from_content_not_the_name():
    assert open_table(io.BytesIO(csv_bytes([{"姓名": "张三"}])), filename="a.xlsx").format == CSV
