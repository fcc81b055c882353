"""年度数字 (the year in figures): the headline figures of one's scope stated in sentences, as in
the federation's year-end report, every number computed by its indicator and linked to the
comparison behind it (by sub-unit, the same day)."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from smartunion.orgs.models import Organization
from smartunion.stats import figures, indicators

#: The sentences, each with the codes of its figures in braces; a sentence whose indicators a
#: module has not registered is left out.
SENTENCES = (
    "截至{date}，{scope}共有工会组织{unions}个，其中基层工会{unions.grassroots}个；"
    "本年新建工会{unions.founded}个。",
    "会员{members}人，其中女会员{members.female}人、农民工会员{members.migrant}人、"
    "新就业形态劳动者会员{members.new_form}人；职工{employees}人，入会率{members.rate}。",
    "本年入会{members.joins}人次，转入{members.transfers_in}人次、转出{members.transfers_out}人次，"
    "退会和除名{members.leaves}人次。",
    "累计建成并运行的工会户外劳动者服务站点（驿站）{venues.stations}个，"
    "其中本年新建{venues.stations_built}个，六有齐全{venues.stations_six}个。",
)

FIELD = re.compile(r"\{([a-z_.]+)\}")


def reference_date(year: int) -> dt.date:
    """31 December of the year, or today for the current year."""
    return min(dt.date(year, 12, 31), timezone.localdate())


def sentences(org: Organization, year: int) -> list[SafeString]:
    """The sentences of ``org``'s scope in ``year``: every figure read together (``modules.
    read_together``: the unions' figures in one grouped read, the members' from the summaries),
    or, today, from the kept counters where an indicator has them."""
    on = reference_date(year)
    today = timezone.localdate()
    date = "" if on == today else on.isoformat()
    shown = [
        [c for c in FIELD.findall(sentence) if c not in ("date", "scope")] for sentence in SENTENCES
    ]
    wanted = [
        indicators.get(code)
        for codes in shown
        if all(indicators.get(c) is not None for c in codes)
        for code in codes
        if not (indicators.get(code).counters and on == today)
    ]
    numbers = indicators.read_together(list(dict.fromkeys(wanted)), org, on)
    out = []
    for sentence, codes in zip(SENTENCES, shown, strict=True):
        if any(indicators.get(c) is None for c in codes):
            continue
        values = {}
        for code in codes:
            indicator = indicators.get(code)
            if code in numbers:
                value = indicator.value(
                    indicators.add(numbers[code].values(), len(indicator.parts))
                )
            else:
                value = indicators.total(indicator, org, on, today)
            url = reverse("stats:compare", kwargs={"org_id": org.pk})
            query = f"?indicator={code}" + (f"&date={date}" if date else "")
            values[code] = format_html(
                '<a href="{}{}" title="{}">{}</a>',
                url,
                query,
                indicator.definition,
                figures.display(indicator, value),
            )
        values["date"] = format_html("{}年{}月{}日", on.year, on.month, on.day)
        values["scope"] = format_html("{}及所属工会", org.name)
        out.append(mark_safe(_fill(sentence, values)))  # noqa: S308 - every value escaped above
    return out


def _fill(sentence: str, values: dict) -> str:
    # str.format cannot take dotted names as keys: each {code} is replaced by its escaped value.
    return FIELD.sub(lambda m: str(values[m.group(1)]), sentence)
