"""Pinyin of Chinese names, computed on write so search needs no function at query time.

A person's name is read the way people say it: the family name as a surname (曾 zēng, 单 shàn,
尉迟 yùchí: ``data/surnames.csv``), then the given name (``name_readings``). pypinyin reads
every character by its ordinary reading (曾 céng), and people who do not know the surname's
reading type that too: when the two differ, the name's ordinary reading is kept as its other
reading, and search finds the person by either (docs/decisions/0009-surname-readings.md).

``text_pinyin`` is pypinyin's ordinary reading of any text, fast: a per-character table and
pypinyin's own cut (72 µs before, 1.2 µs after, per unseen name of the seed).
"""

import csv
import functools
import itertools
import operator
from pathlib import Path
from typing import NamedTuple

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, RE_HANS
from pypinyin.seg.simpleseg import seg as _pypinyin_seg

FULL_MAX = 128  # Person.name_pinyin
INITIALS_MAX = 32  # Person.name_initials

SURNAMES_FILE = Path(__file__).resolve().parent / "data" / "surnames.csv"

# Transliterated names (阿卜杜·热合曼, 买买提·艾力) carry no Chinese family name to read.
_NAME_DOTS = frozenset("·・•‧")


def _text_pinyin_reference(text: str) -> tuple[str, str]:
    """What ``text_pinyin`` returns, the slow way: the whole text through pypinyin (for tests)."""
    full, initials = _pinyin_of(text)
    return full[:FULL_MAX], initials[:INITIALS_MAX]


def _pinyin_of(text: str) -> tuple[str, str]:
    """The reference's answer before truncation."""
    syllables = [s.lower() for s in lazy_pinyin(text, errors="default") if s.strip()]
    initials = [
        s.lower()
        for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
        if s.strip()
    ]
    return "".join(syllables), "".join(initials)


# Why the shortcuts give exactly pypinyin's answer. lazy_pinyin cuts a text into words
# (``simpleseg.seg``: runs of Chinese characters — one ``RE_HANS`` character at a time — and
# runs of anything else; each Chinese run cut again by mmseg into dictionary phrases and single
# characters) and converts each word on its own, so its result is the concatenation of the
# words' results, and each word, given alone, is cut into itself again. Hence
#   text_pinyin(text) = the words' ``_pinyin_of`` concatenated, then truncated (``_by_words``);
# and when every character is Chinese and no two adjacent characters begin a phrase (mmseg
# takes a phrase only where its first two characters begin one), every word is one character
# (the per-character table). pypinyin's dictionaries are read once: words loaded into them
# later (``load_phrases_dict``, which this project does not use) are not seen here.


@functools.cache
def _phrase_seconds() -> dict[str, frozenset[str]]:
    """Character -> the characters that follow it at the start of a phrase (the two-character
    entries of mmseg's prefix set, by first character); built on first use (~50 ms, 5 MB)."""
    pairs = sorted(phrase[:2] for phrase in PHRASES_DICT if len(phrase) >= 2)
    return {
        first: frozenset(pair[1] for pair in group)
        for first, group in itertools.groupby(pairs, key=operator.itemgetter(0))
    }


_NO_SECONDS: frozenset[str] = frozenset()

# Chinese character -> (its pinyin, its first letter, its ``_phrase_seconds()``), filled as
# characters are first met; at most the ~97,000 characters ``RE_HANS`` accepts (all 41,923
# that pypinyin knows: about 7 MB).
_CHARS: dict[str, tuple[str, str, frozenset[str]]] = {}


def text_pinyin(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三: pypinyin's ordinary reading of a text, every character as
    in common words; letters and digits pass through lower-cased."""
    full = initials = ""
    seconds = _NO_SECONDS
    for char in name:
        if char in seconds:
            return _by_words(name)
        try:
            syllable, letter, seconds = _CHARS[char]
        except KeyError:
            return _learn(name)
        full += syllable
        initials += letter
    return full[:FULL_MAX], initials[:INITIALS_MAX]


def _learn(name: str) -> tuple[str, str]:
    """Add the name's new Chinese characters to the table, or take the word path for others."""
    for char in name:
        if char not in _CHARS:
            if not RE_HANS.match(char):
                return _by_words(name)
            _CHARS[char] = (*_pinyin_of(char), _phrase_seconds().get(char, _NO_SECONDS))
    return text_pinyin(name)


@functools.lru_cache(maxsize=16384)
def _word_pinyin(word: str) -> tuple[str, str]:
    return _pinyin_of(word)


def _by_words(name: str) -> tuple[str, str]:
    """Names with phrases or other than Chinese characters: pypinyin's own cut, words cached."""
    full = []
    initials = []
    for word in _pypinyin_seg(name):
        word_full, word_initials = _word_pinyin(word)
        full.append(word_full)
        initials.append(word_initials)
    return "".join(full)[:FULL_MAX], "".join(initials)[:INITIALS_MAX]


# --------------------------------------------------------------------------------------------
# Names: the family name read as a surname


class NameReadings(NamedTuple):
    """How a name is searched: its reading (the surname's reading, then the given name) and,
    when the name's ordinary reading differs, that one too ("" otherwise)."""

    pinyin: str
    initials: str
    other_pinyin: str = ""
    other_initials: str = ""


@functools.cache
def surname_table() -> dict[str, tuple[str, str]]:
    """Surname -> (its reading, its initials), from ``data/surnames.csv``."""
    table = {}
    with SURNAMES_FILE.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        for row in rows:
            syllables = row["reading"].split()
            table[row["surname"]] = ("".join(syllables), "".join(s[0] for s in syllables))
    return table


@functools.cache
def _surname_firsts() -> frozenset[str]:
    return frozenset(surname[0] for surname in surname_table())


def split_surname(name: str) -> tuple[str, str]:
    """('欧阳', '娜娜') for 欧阳娜娜, ('张', '三') for 张三; ('', name) for a name with no
    Chinese family name in front (a transliterated name with ·, or not Chinese at all)."""
    if not name or not RE_HANS.match(name[0]) or _NAME_DOTS.intersection(name):
        return "", name
    if name[:2] in surname_table():
        return name[:2], name[2:]
    return name[:1], name[1:]


def surname_pinyin(surname: str) -> tuple[str, str]:
    """A family name's reading: the table's, else the characters' ordinary reading."""
    return surname_table().get(surname) or text_pinyin(surname)


def name_readings(name: str) -> NameReadings:
    """The readings search finds a person's name by: the surname reading first (曾晓燕
    zengxiaoyan, zxy), and the ordinary reading when it differs (cengxiaoyan, cxy)."""
    ordinary = text_pinyin(name)
    first = name[:1]
    if first not in _surname_firsts() and name[1:2] not in _phrase_seconds().get(
        first, _NO_SECONDS
    ):
        # Most names: a first character that begins no surname of the table and no phrase
        # with the next is read as usual and is a word of its own in pypinyin's cut (see
        # above), so the surname reading is the ordinary one.
        return NameReadings(*ordinary)
    surname, given = split_surname(name)
    if not surname:
        return NameReadings(*ordinary)
    s_full, s_initials = surname_pinyin(surname)
    g_full, g_initials = text_pinyin(given)
    reading = ((s_full + g_full)[:FULL_MAX], (s_initials + g_initials)[:INITIALS_MAX])
    if reading == ordinary:
        return NameReadings(*reading)
    return NameReadings(*reading, *ordinary)


def name_pinyin(name: str) -> tuple[str, str]:
    """('zengxiaoyan', 'zxy') for 曾晓燕: a name's reading, the surname read as a surname."""
    return name_readings(name)[:2]


class PinyinCache:
    """The readings of names (``name_readings``), computed once per distinct name.

    The seed *assembles* each name's readings from its surname's and given name's
    (``remember``). Unbounded: for a known, bounded set of names only.
    """

    def __init__(self) -> None:
        self._cache: dict[str, NameReadings] = {}

    def __call__(self, name: str) -> NameReadings:
        hit = self._cache.get(name)
        if hit is None:
            hit = self._cache[name] = name_readings(name)
        return hit

    def remember(self, name: str, value: NameReadings) -> None:
        """Record a name's readings computed elsewhere (they must equal ``name_readings``)."""
        self._cache[name] = value

    def __contains__(self, name: str) -> bool:
        return name in self._cache
