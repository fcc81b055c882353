"""Pinyin of Chinese names, computed on write so search needs no function at query time."""

# Per unseen name (100,000 seed-style names): 72 µs before (lazy_pinyin twice), 1.2 µs after.

import functools
import itertools
import operator

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT, RE_HANS
from pypinyin.seg.simpleseg import seg as _pypinyin_seg


def _name_pinyin_reference(name: str) -> tuple[str, str]:
    """What ``name_pinyin`` returns, the slow way: the whole name through pypinyin (for tests)."""
    syllables = [s.lower() for s in lazy_pinyin(name, errors="default") if s.strip()]
    initials = [
        s.lower()
        for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
        if s.strip()
    ]
    return "".join(syllables)[:128], "".join(initials)[:32]


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
#   name_pinyin(name) = the words' ``_pinyin_of`` concatenated, then truncated (``_by_words``);
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


def name_pinyin(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三; letters and digits in the name pass through lower-cased."""
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
    return full[:128], initials[:32]


def _learn(name: str) -> tuple[str, str]:
    """Add the name's new Chinese characters to the table, or take the word path for others."""
    for char in name:
        if char not in _CHARS:
            if not RE_HANS.match(char):
                return _by_words(name)
            _CHARS[char] = (*_pinyin_of(char), _phrase_seconds().get(char, _NO_SECONDS))
    return name_pinyin(name)


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
    return "".join(full)[:128], "".join(initials)[:32]


class PinyinCache:
    """Pinyin of names, computed once per distinct name.

    ``core.pinyin`` is fast on its own now; the seed keeps this cache because it *assembles*
    each name's pinyin from its surname's and given name's (``remember``). Unbounded: for a
    known, bounded set of names only.
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str) -> tuple[str, str]:
        hit = self._cache.get(name)
        if hit is None:
            hit = self._cache[name] = name_pinyin(name)
        return hit

    def remember(self, name: str, value: tuple[str, str]) -> None:
        """Record a name's pinyin computed elsewhere (it must equal ``name_pinyin(name)``)."""
        self._cache[name] = value

    def __contains__(self, name: str) -> bool:
        return name in self._cache
