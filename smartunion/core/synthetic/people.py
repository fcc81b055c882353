"""Synthetic people: valid, never-repeated ID numbers, Chinese names, phone numbers.

Faker's ``ssn()`` gets the check character wrong half the time and is slow
(ARCHITECTURE.md), so ID numbers are built here with ``core.idnumber.check_char``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import math
import random
from collections.abc import Sequence

from smartunion.core.idnumber import CHECK_CHARS, GENDER_FEMALE, GENDER_MALE, WEIGHTS
from smartunion.core.pinyin import NameReadings, PinyinCache, surname_pinyin, text_pinyin
from smartunion.core.synthetic import data

MIN_AGE = 18
MAX_AGE = 65


class Weighted:
    """Draw items with fixed weights: one random() and a bisect per draw."""

    def __init__(self, pairs: Sequence[tuple[object, float]], rnd: random.Random):
        self.items = [item for item, _ in pairs]
        self.cum = list(itertools.accumulate(w for _, w in pairs))
        self.total = self.cum[-1]
        self.rnd = rnd

    def __call__(self):
        return self.items[bisect.bisect_right(self.cum, self.rnd.random() * self.total)]


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class IdNumbers:
    """ID numbers of people aged 18–65 today, unique without remembering the ones made.

    For each birthplace code the k-th person gets ``x = (a·k + b) mod N`` over the space of
    (birth day, 3-digit sequence) pairs, N = days × 1000. With ``a`` coprime to N that map is a
    permutation, so no two people born in one place ever share a number, and consecutive k
    land on scattered birth dates. The k of each of ``parts`` generators (one per chunk of the
    data set, possibly in different processes) come from disjoint ranges, and ``b`` depends
    only on the seed and the birthplace, so the chunks never collide either. Birth dates come
    out evenly spread over the age range; the sequence's parity gives the gender (odd = male).
    """

    def __init__(self, seed: int, today: dt.date, part: int = 0, parts: int = 1):
        self.seed = seed
        self.first = add_years(today, -MAX_AGE - 1) + dt.timedelta(days=1)
        self.days = (add_years(today, -MIN_AGE) - self.first).days + 1
        self.space = self.days * 1000
        a = int(self.space * 0.6180339887) | 1
        while math.gcd(a, self.space) != 1:
            a += 2
        self.step = a
        self.per_part = self.space // parts
        self.base = part * self.per_part
        self.state: dict[str, list] = {}
        # Shared by the generators of one process (the chunks of a run have the same days).
        self.day_cache = _DAY_CACHE.setdefault(self.first, {})

    def _birthplace_state(self, birthplace: str) -> list:
        digest = hashlib.blake2b(f"{self.seed}:{birthplace}".encode(), digest_size=8).digest()
        offset = int.from_bytes(digest) % self.space
        weight = sum(int(c) * w for c, w in zip(birthplace, WEIGHTS[:6], strict=True))
        return [0, offset, weight]

    def _day(self, index: int) -> tuple[str, int, dt.date]:
        hit = self.day_cache.get(index)
        if hit is None:
            birth = self.first + dt.timedelta(days=index)
            text = f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
            weight = sum(int(c) * w for c, w in zip(text, WEIGHTS[6:14], strict=True))
            hit = self.day_cache[index] = (text, weight, birth)
        return hit

    def next(self, birthplace: str) -> tuple[str, dt.date, str]:
        state = self.state.get(birthplace)
        if state is None:
            state = self.state[birthplace] = self._birthplace_state(birthplace)
        k = state[0]
        if k >= self.per_part:
            raise OverflowError(f"no more ID numbers for birthplace {birthplace} in this part")
        state[0] = k + 1
        x = (self.step * (self.base + k) + state[1]) % self.space
        day, sequence = divmod(x, 1000)
        text, weight, birth = self._day(day)
        seq_text, seq_weight = _SEQUENCES[sequence]
        check = CHECK_CHARS[(state[2] + weight + seq_weight) % 11]
        gender = GENDER_MALE if sequence % 2 else GENDER_FEMALE
        return f"{birthplace}{text}{seq_text}{check}", birth, gender


_DAY_CACHE: dict[dt.date, dict[int, tuple[str, int, dt.date]]] = {}

# The 3-digit sequences with their share of the check sum (ISO 7064 MOD 11-2 weights 15–17).
_SEQUENCES = [
    (f"{n:03d}", sum(int(c) * w for c, w in zip(f"{n:03d}", WEIGHTS[14:17], strict=True)))
    for n in range(1000)
]


class Names:
    """Chinese names: a surname by frequency, then one or two given-name characters.

    With a ``PinyinCache``, each new name's readings are put together from its surname's and
    its given name's (a few hundred ``text_pinyin`` calls instead of ``name_readings`` per
    distinct name). For these word lists that is exactly ``name_readings(name)``: where a
    surname and a given name form a phrase of pypinyin's, it reads as its characters do
    (checked for all surname × given-name combinations of the lists, and for a sample in the
    tests, members/tests/test_seed.py), so a change of the lists or of pypinyin shows up there.
    """

    POOL = 300  # two-character given names in use per gender: names repeat, as in life

    def __init__(self, rnd: random.Random, seed: int = 0, pinyin: PinyinCache | None = None):
        self.rnd = rnd
        self.surname = Weighted(data.SURNAMES, rnd)
        self.given = {}
        # The pool depends on the seed only, so every chunk of a run draws from the same names.
        pool_rnd = random.Random(seed)
        for gender, chars in ((GENDER_MALE, data.GIVEN_MALE), (GENDER_FEMALE, data.GIVEN_FEMALE)):
            pairs = sorted({a + b for a in chars for b in chars})
            # Single-character names are about a quarter of the names given.
            self.given[gender] = pool_rnd.sample(pairs, min(self.POOL, len(pairs))) + chars * 3
        self.pinyin = pinyin
        self.parts: dict[str, tuple[str, str]] = {}
        self.surnames: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {}

    def _part(self, text: str) -> tuple[str, str]:
        """A given name's reading (``text_pinyin``)."""
        hit = self.parts.get(text)
        if hit is None:
            hit = self.parts[text] = text_pinyin(text)
        return hit

    def _surname(self, text: str) -> tuple[tuple[str, str], tuple[str, str]]:
        """A surname's reading as a surname and its ordinary reading."""
        hit = self.surnames.get(text)
        if hit is None:
            hit = self.surnames[text] = (surname_pinyin(text), text_pinyin(text))
        return hit

    def readings(self, surname: str, given: str) -> NameReadings:
        """``name_readings(surname + given)``, put together from the parts."""
        (s_full, s_initials), (o_full, o_initials) = self._surname(surname)
        g_full, g_initials = self._part(given)
        if (s_full, s_initials) == (o_full, o_initials):
            return NameReadings(s_full + g_full, s_initials + g_initials)
        return NameReadings(
            s_full + g_full, s_initials + g_initials, o_full + g_full, o_initials + g_initials
        )

    def __call__(self, gender: str) -> str:
        surname = self.surname()
        given = self.rnd.choice(self.given[gender])
        name = surname + given
        if self.pinyin is not None and name not in self.pinyin:
            self.pinyin.remember(name, self.readings(surname, given))
        return name


class Phones:
    """11-digit mainland mobile numbers."""

    def __init__(self, rnd: random.Random):
        self.rnd = rnd

    def __call__(self) -> str:
        return self.rnd.choice(data.MOBILE_PREFIXES) + f"{self.rnd.randrange(10**8):08d}"
