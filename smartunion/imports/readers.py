"""Reading an uploaded table: xlsx through python-calamine, CSV in UTF-8 or GB18030.

Everything that is not a plain table is refused before a row is read, with a Chinese message
(``ImportRefused``): a file that is no spreadsheet, an old .xls or an encrypted workbook,
macros (vbaProject.bin, Excel 4.0 macro sheets, ActiveX), formulas in the sheet being read,
a zip bomb (sizes checked before reading, and checked again while the sheet is scanned, so a
lying zip directory is caught too), too many rows, and runs of blank rows that only make a file
huge. The reader yields rows as raw cell values with their spreadsheet row numbers; turning a
cell into text or a date is the validator's job (a float in an ID column is damage to report,
not a number to convert).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.etree import ElementTree

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook

XLSX = "xlsx"
CSV = "csv"

# A real sheet compresses 5–20×; zip bombs compress thousands of times.
MAX_RATIO = 200
RATIO_CHECK_FROM = 4 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_COLUMNS = 200
HEADER_SEARCH_ROWS = 20
_CHUNK = 1 << 20
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"')
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


class ImportRefused(Exception):
    """The whole file is refused; ``message`` says why, in Chinese, for the person who sent it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_rows() -> int:
    return limit("SMARTUNION_IMPORT_MAX_ROWS", 3_000_000)


def max_blank_run() -> int:
    return limit("SMARTUNION_IMPORT_MAX_BLANK_RUN", 10_000)


def max_uncompressed() -> int:
    return limit("SMARTUNION_IMPORT_MAX_UNCOMPRESSED", 2 * 1024**3)


@dataclass
class Progress:
    """How far reading has got: bytes of a CSV, or rows of a sheet, out of the total."""

    done: int = 0
    total: int = 0


@dataclass
class Table:
    """An opened file: its format, the name of the sheet read, and its rows."""

    format: str
    sheet_name: str
    rows: Iterator[tuple[int, list]]
    progress: Progress = field(default_factory=Progress)
    notes: list[str] = field(default_factory=list)


def sniff(head: bytes, filename: str) -> str:
    """xlsx or csv from the first bytes (the file name only breaks ties and names refusals)."""
    name = (filename or "").lower()
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        raise ImportRefused(
            "文件是启用宏的工作簿（.xlsm），出于安全原因不能导入。请在Excel中“另存为”"
            "“Excel工作簿（*.xlsx）”后再上传。"
        )
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportRefused(
            "文件是旧版Excel（.xls）或设置了打开密码的工作簿，不能直接导入。请取消密码，"
            "在Excel中“另存为”“Excel工作簿（*.xlsx）”或“CSV（逗号分隔）”后再上传。"
        )
    if head.startswith(b"%PDF"):
        raise ImportRefused("文件是PDF文档，不是表格。请上传Excel（.xlsx）或CSV文件。")
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return CSV
    if b"\x00" in head:
        raise ImportRefused("文件不是Excel（.xlsx）或CSV表格，无法读取。请检查上传的文件。")
    if not head.strip():
        raise ImportRefused("文件是空的，没有任何内容。")
    return CSV


def open_table(source: IO[bytes], *, filename: str, sheet_name: str = "") -> Table:
    """Open a seekable binary file; raise ImportRefused for anything that is not a plain table."""
    source.seek(0)
    head = source.read(64 * 1024)
    source.seek(0)
    if not head:
        raise ImportRefused("文件是空的，没有任何内容。")
    fmt = sniff(head, filename)
    if fmt == XLSX:
        return _open_xlsx(source, sheet_name)
    return _open_csv(source, head)


# xlsx -----------------------------------------------------------------------------------------


def _zip(source: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused(
            "文件已损坏，或不是有效的Excel（.xlsx）文件。请在Excel中重新保存后再上传。"
        ) from None


def check_zip(zf: zipfile.ZipFile) -> None:
    """Refuse macros, embedded programs and zip bombs, from the zip directory alone."""
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ImportRefused("文件内部结构异常（包含的部件过多），不能导入。")
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise ImportRefused(
                "文件是Excel二进制工作簿（.xlsb），请“另存为”“Excel工作簿（*.xlsx）”后再上传。"
            )
        if any(n.startswith("word/") for n in names):
            raise ImportRefused("文件是Word文档，不是表格。请上传Excel（.xlsx）或CSV文件。")
        raise ImportRefused("文件不是有效的Excel（.xlsx）文件，无法读取。")
    for n in names:
        low = n.lower()
        if low.endswith("vbaproject.bin") or low.startswith("xl/macrosheets/"):
            raise ImportRefused(
                "文件包含宏（VBA或Excel 4.0宏），出于安全原因不能导入。请将数据复制到"
                "新的工作簿，另存为“Excel工作簿（*.xlsx）”后再上传。"
            )
        if low.startswith(("xl/activex/", "xl/embeddings/")):
            raise ImportRefused(
                "文件包含嵌入的控件或对象，出于安全原因不能导入。请只保留数据后另存为.xlsx。"
            )
        if low.startswith("xl/externallinks/"):
            raise ImportRefused(
                "文件包含指向其他工作簿的外部链接（公式），不能导入。请将公式“选择性粘贴为数值”后再上传。"
            )
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed():
        raise ImportRefused(
            f"文件解压后超过{max_uncompressed() // 1024**2}MB，疑似压缩炸弹或数据量过大，不能导入。"
            "请拆分成多个文件后再上传。"
        )
    for info in infos:
        if info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise ImportRefused(
                "文件的压缩比例异常（疑似压缩炸弹），不能导入。如果其中有大量空行或格式，"
                "请删除空行后重新保存再上传。"
            )


def _sheet_paths(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order, from workbook.xml and its relationships."""
    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        raise ImportRefused("文件不是有效的Excel（.xlsx）文件，无法读取。") from None
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.findall("rel:Relationship", _NS)
    }
    out = []
    for sheet in workbook.findall("m:sheets/m:sheet", _NS):
        target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        target = target.lstrip("/")
        if not target.startswith("xl/"):
            target = "xl/" + target
        out.append((sheet.get("name", ""), target))
    return out


def scan_sheet(zf: zipfile.ZipFile, part: str) -> None:
    """Stream the sheet's XML once: refuse formulas, and a part larger than its directory said."""
    try:
        info = zf.getinfo(part)
    except KeyError:
        raise ImportRefused("文件不是有效的Excel（.xlsx）文件（缺少工作表）。") from None
    budget = info.file_size
    seen = 0
    tail = b""
    try:
        with zf.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                seen += len(chunk)
                if seen > budget:
                    raise ImportRefused("文件内部结构异常（疑似压缩炸弹），不能导入。")
                window = tail + chunk
                match = _FORMULA.search(window)
                if match:
                    refs = _CELL_REF.findall(window, 0, match.start())
                    where = f"（单元格{refs[-1].decode()}）" if refs else ""
                    raise ImportRefused(
                        f"工作表中含有公式{where}，不能导入。请选中数据区域，复制后“选择性粘贴为数值”，"
                        "保存后再上传。"
                    )
                tail = window[-512:]
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, ImportRefused):
            raise
        raise ImportRefused(
            "文件已损坏（数据校验失败），或不是有效的Excel（.xlsx）文件。请重新保存后再上传。"
        ) from None


def _open_xlsx(source: IO[bytes], sheet_name: str) -> Table:
    zf = _zip(source)
    check_zip(zf)
    sheets = _sheet_paths(zf)
    if not sheets:
        raise ImportRefused("工作簿中没有工作表。")
    index = 0
    for i, (name, _part) in enumerate(sheets):
        if sheet_name and name == sheet_name:
            index = i
            break
    name, part = sheets[index]
    scan_sheet(zf, part)
    source.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(source)
        sheet = workbook.get_sheet_by_index(index)
    except CalamineError:
        raise ImportRefused("文件已损坏，或不是有效的Excel（.xlsx）文件，无法读取。") from None
    except Exception:  # calamine raises plain errors for some broken parts
        raise ImportRefused("文件已损坏，或不是有效的Excel（.xlsx）文件，无法读取。") from None
    progress = Progress(0, sheet.total_height or sheet.height)
    return Table(XLSX, name, _numbered(sheet.iter_rows(), progress), progress)


def _numbered(rows, progress: Progress) -> Iterator[tuple[int, list]]:
    for i, row in enumerate(rows, 1):
        progress.done = i
        yield i, row


# CSV ------------------------------------------------------------------------------------------


def detect_encoding(source: IO[bytes], head: bytes) -> str:
    """utf-8-sig (also without the BOM), utf-16 with a BOM, else GB18030 (Chinese Excel's CSV)."""
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    else:
        encoding = "utf-8-sig"
    for candidate in (encoding, "gb18030"):
        if _decodes(source, candidate):
            return candidate
    raise ImportRefused(
        "无法识别文件的文字编码。请用Excel“另存为”“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”后再上传。"
    )


def _decodes(source: IO[bytes], encoding: str) -> bool:
    source.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        while chunk := source.read(_CHUNK):
            if b"\x00" in chunk and not encoding.startswith("utf-16"):
                raise ImportRefused("文件不是Excel（.xlsx）或CSV表格，无法读取。请检查上传的文件。")
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        source.seek(0)
    return True


def _open_csv(source: IO[bytes], head: bytes) -> Table:
    encoding = detect_encoding(source, head)
    probe = io.TextIOWrapper(source, encoding=encoding, newline="")
    first = probe.readline()
    probe.detach()
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    source.seek(0, io.SEEK_END)
    progress = Progress(0, source.tell())
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    return Table(
        CSV, "", _csv_rows(text, delimiter, source, progress), progress, [f"编码：{encoding}"]
    )


def _csv_rows(
    text: IO[str], delimiter: str, source: IO[bytes], progress: Progress
) -> Iterator[tuple[int, list]]:
    reader = csv.reader(text, delimiter=delimiter)
    row_no = 0
    try:
        for row in reader:
            row_no += 1
            if row_no & 1023 == 0:
                progress.done = source.tell()
            yield row_no, row
    except csv.Error:
        raise ImportRefused(
            f"文件第{row_no + 1}行附近格式错误（引号不配对或单元格过长），请检查后再上传。"
        ) from None
    except UnicodeDecodeError:
        raise ImportRefused(
            "文件中有无法识别的文字编码，请重新保存为UTF-8或GB18030后再上传。"
        ) from None


# Rows -----------------------------------------------------------------------------------------


def is_blank(row: list) -> bool:
    for value in row:
        if value is None:
            continue
        if isinstance(value, str):
            if value.strip():
                return False
        else:
            return False
    return True


def data_rows(rows: Iterator[tuple[int, list]], width: int) -> Iterator[tuple[int, list]]:
    """The non-blank rows, cut to ``width``; refuses long runs of blank rows and too many rows."""
    blank_run = 0
    blank_from = 0
    count = 0
    run_limit = max_blank_run()
    row_limit = max_rows()
    for row_no, row in rows:
        if is_blank(row):
            if blank_run == 0:
                blank_from = row_no
            blank_run += 1
            if blank_run > run_limit:
                raise ImportRefused(
                    f"文件从第{blank_from}行起有超过{run_limit}行连续的空行，不能导入。"
                    "请删除表格末尾多余的空行（选中后“删除行”）并保存后再上传。"
                )
            continue
        blank_run = 0
        count += 1
        if count > row_limit:
            raise ImportRefused(f"文件超过{row_limit}行数据，请拆分成多个文件分别导入。")
        if len(row) > width:
            row = row[:width]
        yield row_no, row
