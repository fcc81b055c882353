"""``manage.py seed --files DIR`` writes the data set as import files that import back."""

import io

from django.core.management import call_command

from smartunion.imports.tests.helpers import validated


def test_seed_files_are_import_files_of_the_same_data(world, tmp_path):
    call_command("seed", "--files", str(tmp_path), stdout=io.StringIO())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["members-1.xlsx", "members.csv", "orgs.csv", "orgs.xlsx"]
    members = validated(
        (tmp_path / "members.csv").read_bytes(), actor=world.province_admin, org=world.province
    )
    assert (members.rows_read, members.rows_existing, members.rows_error) == (3, 3, 0)
    workbook = validated(
        (tmp_path / "members-1.xlsx").read_bytes(),
        actor=world.province_admin,
        org=world.province,
        name="members-1.xlsx",
    )
    assert (workbook.rows_read, workbook.rows_existing) == (3, 3)
    orgs = validated(
        (tmp_path / "orgs.csv").read_bytes(),
        actor=world.province_admin,
        org=world.province,
        kind="orgs",
    )
    assert (orgs.rows_read, orgs.rows_existing, orgs.rows_error) == (6, 6, 0)
