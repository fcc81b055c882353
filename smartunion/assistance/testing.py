"""Fixtures of hardship assistance written directly (tests only; the product goes through the
services): a file, a campaign, a 金秋助学 application and an attachment, in a given union."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from smartunion.assistance.models import (
    Campaign,
    CampaignLine,
    HardshipFile,
    HouseholdMember,
    StudentAid,
)
from smartunion.casework.models import Attachment, Notice
from smartunion.core.idnumber import mask_id_number, parse_id_number
from smartunion.core.testing import new_id_number
from smartunion.members.services import id_blind_index

_numbers = iter(range(1, 10**9))


def make_file(org, head, *, state: str = "draft") -> HardshipFile:
    file = HardshipFile.objects.create(
        number=f"KNT{next(_numbers):07d}",
        org=org,
        head=head,
        region_id=org.region_id if len(org.region_id) == 6 else "620102",
        state=state,
        state_since=timezone.now(),
        opened_on=timezone.localdate(),
        work_status="03",
        marital_status="1",
        hukou_kind="1",
        housing="07",
        address="兰州市城关区东岗西路1号",
        main_cause="6",
        bank_card="6222020200112233446",
        bank_card_masked="6222 **** **** 3446",
    )
    HouseholdMember.objects.create(
        file=file,
        relation="self",
        name=head.name,
        id_number=head.id_number,
        id_hash=head.id_hash,
        id_masked=head.id_masked,
        gender=head.gender,
        birth_date=head.birth_date,
        monthly_income=Decimal("500"),
        medical_insurance="2",
        identity="unemployed",
    )
    return file


def make_campaign(org, *, kind: str = "autumn", year: int | None = None) -> Campaign:
    today = timezone.localdate()
    return Campaign.objects.create(
        kind=kind,
        year=year or today.year,
        org=org,
        title=f"{org.name}{year or today.year}年活动",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )


def make_line(campaign: Campaign, i: int, **fields) -> CampaignLine:
    """One 慰问/资助明细 of ``campaign`` (the i-th beneficiary) with the given state and money,
    written directly: the statistics' summaries are not told (``stats.kept.rebuild``)."""
    return CampaignLine.objects.create(
        campaign=campaign,
        org=campaign.org,
        name=f"受助{i}",
        id_hash=f"h{i}",
        id_masked="620102********1234",
        group="hardship",
        **fields,
    )


def make_student_aid(file: HardshipFile, campaign: Campaign) -> StudentAid:
    number = new_id_number(birth=dt.date(2007, 6, 1))
    ident = parse_id_number(number)
    return StudentAid.objects.create(
        number=f"JQT{next(_numbers):07d}",
        org=file.org,
        campaign=campaign,
        household_file=file,
        year=campaign.year,
        student_name="张小明",
        student_id_number=number,
        student_id_hash=id_blind_index(number),
        student_id_masked=mask_id_number(ident.number),
        school="兰州大学",
        level="bachelor",
        admission_year=campaign.year,
        amount=Decimal("5000.00"),
        state="applied",
        state_since=timezone.now(),
        opened_on=timezone.localdate(),
    )


def make_attachment(subject) -> Attachment:
    """An attachment row on ``subject`` whose stored file holds a tiny PNG."""
    import io

    from smartunion.casework.attachments import STORE

    stored, sha, size = STORE.store(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 32))
    return Attachment.objects.create(
        subject=subject,
        kind="other",
        name="材料.png",
        mime="image/png",
        size=size,
        sha256=sha,
        stored_file=stored,
    )


def make_notice(org) -> Notice:
    return Notice.objects.create(
        org=org, subject_kind="assistance.hardshipfile", title="测试公示", working_days=5
    )


__all__ = ["make_attachment", "make_campaign", "make_file", "make_notice", "make_student_aid"]
