"""开放时间: parsing "08:00-12:00,14:00-20:00" per weekday and answering "open now?"."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

# Stations are in China: "open now" is decided on Beijing time whatever the server's zone.
CHINA_TZ = ZoneInfo("Asia/Shanghai")
_RANGE = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-–—~～至]\s*(\d{1,2})[:：](\d{2})$")


def parse_ranges(text: str) -> list[tuple[int, int]]:
    """ "08:00-12:00, 14:00-20:00" → [(480, 720), (840, 1200)] in minutes; "" → []."""
    text = (text or "").strip()
    if not text or text in ("不开放", "休息", "关闭"):
        return []
    text = re.sub(r"\s*([-–—~～至])\s*", r"\1", text)
    out = []
    for part in re.split(r"[,，;；、\s]+(?=\d)", text):
        m = _RANGE.match(part.strip())
        if not m:
            raise ValueError(part)
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if not (0 <= h1 <= 24 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
            raise ValueError(part)
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start > 1440 or end > 1440 or start == end:
            raise ValueError(part)
        out.append((start, end))
    return out


def normalize_day(text: str, label: str, field: str) -> str:
    """A day's hours in canonical form, or a Chinese ValidationError naming the day."""
    try:
        ranges = parse_ranges(text)
    except ValueError:
        raise ValidationError(
            {field: f"{label}的开放时间格式不正确，应如 08:00-20:00，多个时段用逗号分隔。"}
        ) from None
    return ",".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in ranges)


def is_open_at(hours: list[str], open_24h: bool, moment: dt.datetime) -> bool:
    if open_24h:
        return True
    local = moment.astimezone(CHINA_TZ) if moment.tzinfo else moment
    minute = local.hour * 60 + local.minute
    day = local.weekday()
    hours = list(hours or []) + [""] * 7
    for start, end in _safe(hours[day]):
        if start < end and start <= minute < end:
            return True
        if start > end and minute >= start:  # runs past midnight, evening part
            return True
    for start, end in _safe(hours[(day - 1) % 7]):
        if start > end and minute < end:  # yesterday's range, after midnight
            return True
    return False


def _safe(text: str) -> list[tuple[int, int]]:
    try:
        return parse_ranges(text)
    except ValueError:
        return []
