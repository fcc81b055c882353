"""text_pinyin's shortcuts (a per-character table; pypinyin's own cut with cached words) give
exactly what the whole name through pypinyin gives (``_text_pinyin_reference``).

The reference costs ~100 µs a name, so the seed names are checked on a sample; set
SMARTUNION_PINYIN_FULL=1 to check every distinct name of 200,000 generated ones and every
surname × given-name combination of the seed word lists (about two minutes).
"""

import itertools
import os
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin.constants import PHRASES_DICT
from pypinyin.core import Pinyin
from pypinyin.seg import mmseg

from smartunion.core import pinyin
from smartunion.core.pinyin import _text_pinyin_reference, text_pinyin

FULL = bool(os.environ.get("SMARTUNION_PINYIN_FULL"))

# Characters pypinyin reads differently in some phrases, and characters of such phrases.
POLYPHONES = "曾单解朴区仇乐长重行家子儿朝藏查缪尉迟万俟"
OTHERS = "王张李伟娜庆银于放素人国明华安平"
# Chinese to pypinyin (``RE_HANS``) without a reading of their own: they pass through.
NO_READING = "㐂㐃"
RARE = "〇\ue815𠀀𪚥" + NO_READING


@pytest.fixture
def cold():
    """Start from empty caches, so characters are met for the first time."""
    pinyin._CHARS.clear()
    pinyin._word_pinyin.cache_clear()
    yield
    pinyin._CHARS.clear()
    pinyin._word_pinyin.cache_clear()


# Two characters that begin a phrase: mmseg's prefix set, two-character entries.
PAIRS = {w for w in mmseg.p_set._set if len(w) == 2}


def takes_word_path(name: str) -> bool:
    return any(a + b in PAIRS for a, b in itertools.pairwise(name))


def assert_same(names):
    wrong = [(n, text_pinyin(n), _text_pinyin_reference(n)) for n in names]
    wrong = [w for w in wrong if w[1] != w[2]]
    assert not wrong, wrong[:20]


def test_it_uses_the_cut_and_the_phrase_starts_that_lazy_pinyin_uses():
    assert Pinyin().get_seg() is pinyin._pypinyin_seg
    assert {a + b for a, seconds in pinyin._phrase_seconds().items() for b in seconds} == PAIRS
    assert not any(len(phrase) < 2 for phrase in PHRASES_DICT)


def test_it_gives_pinyin_and_initials():
    assert text_pinyin("张三") == ("zhangsan", "zs")
    assert text_pinyin("欧阳娜娜") == ("ouyangnana", "oynn")
    assert text_pinyin("长乐") == _text_pinyin_reference("长乐") == ("changle", "cl")
    assert text_pinyin("Tom 李2") == ("tom li2", "tom l2")


def _generated_names(count: int, seed: int) -> list[str]:
    from smartunion.core.synthetic.people import Names

    names = Names(random.Random(seed), seed=seed)
    return sorted({names("1" if i % 2 else "2") for i in range(count)})


def test_seed_names_match(cold):
    names = _generated_names(200_000, seed=2026)
    by_words = [n for n in names if takes_word_path(n)]
    assert by_words  # the word path is exercised, e.g. 王国华
    sample = names if FULL else random.Random(1).sample(names, 4000) + by_words
    assert_same(sample)


@pytest.mark.skipif(not FULL, reason="minutes: set SMARTUNION_PINYIN_FULL=1")
def test_every_seed_combination_matches():
    from smartunion.core.synthetic import data

    chars = sorted(set(data.GIVEN_MALE + data.GIVEN_FEMALE))
    given_names = chars + [a + b for a in chars for b in chars]
    assert_same(s + g for s, _weight in data.SURNAMES for g in given_names)


def test_polyphones_and_phrases_in_every_position_match(cold):
    chars = POLYPHONES + OTHERS
    names = {a + b for a in chars for b in chars}
    trigrams = sorted(a + b + c for a in POLYPHONES for b in chars for c in POLYPHONES)
    names |= set(random.Random(3).sample(trigrams, 3000))
    names |= {"长乐", "重庆", "银行", "行长", "家长", "长子", "儿子", "单于", "万俟", "尉迟"}
    names |= {"王长乐", "李重庆", "张银行", "银行家", "朴子儿", "解家儿", "曾长乐乐"}
    assert sum(takes_word_path(n) for n in names) > 50
    assert_same(sorted(names))


def test_other_text_matches(cold):
    names = [
        "",
        " ",
        "\t\n",
        "张 三",
        "  张三  ",
        "张\n三",
        "张a b三",
        "John Smith",
        "JOHN",
        "王2号",
        "2024",
        "阿卜杜·热合曼",
        "阿卜杜 · 热合曼",
        "买买提·艾力",
        "ΑΣ",  # lower-cased as a run: final sigma
        "İ王",  # lower-cases to two characters
        "ＡＢＣ张",
        "さくら",
        "김철수",
        "王😀",
        "长乐a",
        "a长乐",
        "长·乐",
        *RARE,
        "王" + RARE + "明",
        "王" * 40,  # truncated: 160 letters of pinyin, 40 initials
        "欧阳" * 30,
        "a" * 200,
        "张" * 31 + "a" * 5,
        "双" * 21 + "长乐" * 3,
    ]
    assert_same(names)
    assert_same(names)  # again, from the filled caches


ALPHABET = POLYPHONES + OTHERS + RARE + "aZ9 ·-\n"
PHRASES = sorted(PHRASES_DICT)[::997]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(ALPHABET),
            st.sampled_from(PHRASES),
            st.characters(min_codepoint=0x3400, max_codepoint=0x9FFF),
            st.characters(codec="ascii"),
        ),
        max_size=12,
    ).map("".join)
)
def test_random_text_matches(name):
    assert text_pinyin(name) == _text_pinyin_reference(name)
