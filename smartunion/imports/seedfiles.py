"""The data set in the database written out as import files (``manage.py seed --files DIR``).

For the benchmarks and for trying the import pages: ``orgs.csv`` / ``orgs.xlsx`` (every union
below the province, parents named by their USCC so the file also fits another database) and
``members.csv`` / ``members-N.xlsx`` (the current members with full ID numbers, in parts of at
most a million rows: an Excel sheet holds 1,048,576). They are the import template's columns,
written by the export code (``exports``), so they import back without edits; doing so into the
same database creates nothing new. The files hold personal information in full: the export is
audited like any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path

from smartunion.imports import exports
from smartunion.imports import schema as s
from smartunion.orgs.models import Organization

XLSX_ROWS = 1_000_000


def _org_rows(rows: Iterable[list], root_id: int) -> Iterator[list]:
    columns = [c.key for c in s.ORGS.columns if c.key != "seq"]
    i_ref, i_uscc = columns.index("parent_ref"), columns.index("parent_uscc")
    i_id = len(columns)  # 编号, the first column after the template's
    for row in rows:
        if row[i_id] == root_id:
            continue  # the province itself is not imported
        if row[i_uscc]:
            row[i_ref] = ""
        yield row


def write_import_files(folder: Path, actor) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    root = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        return []
    written: list[Path] = []
    for file_format in ("csv", "xlsx"):
        export = exports.org_export(actor, root, with_pii=True)
        export.rows = _org_rows(export.rows, root.pk)
        exports.audit_export(export, file_format)
        written.append(exports.write_file(export, folder / f"orgs.{file_format}", file_format))
    export = exports.member_export(actor, root, with_pii=True)
    exports.audit_export(export, "csv")
    written.append(exports.write_file(export, folder / "members.csv", "csv"))
    export = exports.member_export(actor, root, with_pii=True)
    exports.audit_export(export, "xlsx")
    rows = iter(export.rows)
    part = 1
    while (first := next(rows, None)) is not None:
        export.rows = chain([first], islice(rows, XLSX_ROWS - 1))
        written.append(exports.write_file(export, folder / f"members-{part}.xlsx", "xlsx"))
        part += 1
    return written


def run_part(options) -> list[str]:
    """The "files" seed part (with ``--files DIR`` only): the data set as import files."""
    if not options.files:
        return []
    from django.core.management.base import CommandError

    from smartunion.imports.services import system_actor

    actor = system_actor()
    if actor is None:
        raise CommandError("写导入文件需要一个超级管理员账号（createsuperuser）。")
    return [
        f"已写出 {path}（{path.stat().st_size / 1e6:.1f} MB）"
        for path in write_import_files(Path(options.files), actor)
    ]
