"""Member search: exact ID number through the blind index, name prefix, pinyin initials, full pinyin.

pg_trgm similarity is poor on 2–3 character Chinese names (ARCHITECTURE.md), so search uses
prefix filters on columns computed on write, each backed by an index.
"""

from __future__ import annotations

import re

from django.db import models

from smartunion.core.querysets import ScopedQuerySet

_ASCII_LETTERS = re.compile(r"^[a-z]+$")
_ID_LIKE = re.compile(r"^[0-9０-９]{15,17}[0-9xX０-９ｘＸ]?$")


def looks_like_id_number(q: str) -> bool:
    """Whether a search text is an ID number (searched exactly, and kept out of URLs)."""
    return bool(_ID_LIKE.match((q or "").strip().replace(" ", "")))


class PersonQuerySet(ScopedQuerySet):
    def search(self, q: str) -> PersonQuerySet:
        q = (q or "").strip()
        if not q:
            return self
        if looks_like_id_number(q):
            from smartunion.core.idnumber import normalize
            from smartunion.members.services import id_blind_index

            return self.filter(id_hash=id_blind_index(normalize(q)))
        lowered = q.lower().replace(" ", "")
        if _ASCII_LETTERS.match(lowered):
            return self.filter(
                models.Q(name_initials__startswith=lowered)
                | models.Q(name_pinyin__startswith=lowered)
            )
        return self.filter(name__startswith=q)
