"""A name's readings: the family name read as a surname (data/surnames.csv), the given name
as usual, and the name's ordinary reading when it differs (core.pinyin.name_readings).

Every entry of the surname table is checked: readings pypinyin knows for each character, one
syllable per character, single surnames only where the surname reading differs from the
ordinary one, and the readings a name gets from it.
"""

import csv
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.constants import RE_HANS

from smartunion.core import pinyin as core_pinyin
from smartunion.core.pinyin import (
    SURNAMES_FILE,
    NameReadings,
    name_pinyin,
    name_readings,
    split_surname,
    surname_table,
    text_pinyin,
)


def table_rows() -> list[dict]:
    with SURNAMES_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


ROWS = table_rows()


def known_readings(char: str) -> set[str]:
    """Every reading pypinyin knows for a character, without tones (ü as v, as stored)."""
    return set(pinyin(char, style=Style.NORMAL, heteronym=True, v_to_u=False)[0])


def ordinary(text: str) -> tuple[str, str]:
    full = "".join(s.lower() for s in lazy_pinyin(text) if s.strip())
    initials = "".join(s.lower() for s in lazy_pinyin(text, style=Style.FIRST_LETTER) if s.strip())
    return full[:128], initials[:32]


def reference(name: str) -> NameReadings:
    """name_readings the slow way: the table, and pypinyin over each part."""
    surname, given = "", name
    if name and RE_HANS.match(name[0]) and not set("·・•‧") & set(name):
        surname = name[:2] if name[:2] in surname_table() else name[:1]
        given = name[len(surname) :]
    whole = ordinary(name)
    if not surname:
        return NameReadings(*whole)
    s_full, s_initials = surname_table().get(surname) or ordinary(surname)
    g_full, g_initials = ordinary(given)
    reading = ((s_full + g_full)[:128], (s_initials + g_initials)[:32])
    return NameReadings(*reading) if reading == whole else NameReadings(*reading, *whole)


# ---- the table ---------------------------------------------------------------------------------


def test_the_table_has_single_and_double_surnames_each_once():
    surnames = [row["surname"] for row in ROWS]
    assert len(surnames) == len(set(surnames)) == len(surname_table())
    assert {len(s) for s in surnames} == {1, 2}
    assert all(RE_HANS.fullmatch(s) for s in surnames)
    assert {"曾", "单", "解", "仇", "区", "查", "朴", "欧阳", "司马", "尉迟"} <= set(surnames)


@pytest.mark.parametrize("row", ROWS, ids=[row["surname"] for row in ROWS])
def test_every_reading_is_one_pypinyin_knows_for_each_character(row):
    syllables = row["reading"].split()
    assert len(syllables) == len(row["surname"]), row
    for char, syllable in zip(row["surname"], syllables, strict=True):
        assert syllable in known_readings(char), (char, syllable, known_readings(char))


@pytest.mark.parametrize(
    "row", [r for r in ROWS if len(r["surname"]) == 1], ids=lambda r: r["surname"]
)
def test_a_single_surname_is_listed_only_where_its_reading_is_not_the_ordinary_one(row):
    assert row["reading"] != text_pinyin(row["surname"])[0], row


@pytest.mark.parametrize("row", ROWS, ids=[row["surname"] for row in ROWS])
def test_every_surname_gives_a_name_its_reading_first_and_the_ordinary_one_second(row):
    surname = row["surname"]
    full = row["reading"].replace(" ", "")
    initials = "".join(s[0] for s in row["reading"].split())
    name = surname + "晓燕"
    readings = name_readings(name)
    assert readings[:2] == (full + "xiaoyan", initials + "xy"), readings
    assert split_surname(name) == (surname, "晓燕")
    whole = ordinary(name)
    if whole == readings[:2]:
        assert readings[2:] == ("", "")
    else:
        assert readings[2:] == whole
    assert readings == reference(name)


# ---- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("曾晓燕", ("zengxiaoyan", "zxy", "cengxiaoyan", "cxy")),
        ("单田芳", ("shantianfang", "stf", "dantianfang", "dtf")),
        ("解小东", ("xiexiaodong", "xxd", "jiexiaodong", "jxd")),
        ("仇志强", ("qiuzhiqiang", "qzq", "chouzhiqiang", "czq")),
        ("区家明", ("oujiaming", "ojm", "qujiaming", "qjm")),
        ("查良镛", ("zhaliangyong", "zly", "chaliangyong", "cly")),
        ("朴正熙", ("piaozhengxi", "pzx", "puzhengxi", "pzx")),
        ("尉迟恭", ("yuchigong", "ycg", "", "")),  # pypinyin knows this one as a phrase
        ("子车明", ("zijuming", "zjm", "zicheming", "zcm")),
        ("欧阳娜娜", ("ouyangnana", "oynn", "", "")),
        ("张三", ("zhangsan", "zs", "", "")),
        ("王国华", ("wangguohua", "wgh", "", "")),
        ("曾", ("zeng", "z", "ceng", "c")),
        # The given name is read on its own, not as a phrase with the surname.
        ("曾经", ("zengjing", "zj", "cengjing", "cj")),
        ("阿卜杜·热合曼", (*text_pinyin("阿卜杜·热合曼"), "", "")),
        ("John Smith", ("john smith", "john smith", "", "")),
        ("", ("", "", "", "")),
    ],
)
def test_names_read_the_family_name_as_a_surname(name, expected):
    assert name_readings(name) == expected
    assert name_pinyin(name) == expected[:2]
    assert name_readings(name) == reference(name)


def test_a_long_name_is_cut_to_the_columns():
    readings = name_readings("曾" + "长" * 60)
    assert len(readings.pinyin) == 128 and len(readings.initials) == 32
    assert readings.pinyin.startswith("zengchang") and readings.other_pinyin.startswith("ceng")


@pytest.fixture
def cold():
    core_pinyin._CHARS.clear()
    core_pinyin._word_pinyin.cache_clear()
    yield
    core_pinyin._CHARS.clear()
    core_pinyin._word_pinyin.cache_clear()


def test_seed_style_names_match_the_reference(cold):
    from smartunion.core.synthetic.people import Names

    names = Names(random.Random(11), seed=11)
    sample = {names("1" if i % 2 else "2") for i in range(3000)}
    sample |= {s + g for s in ("曾", "单", "欧阳", "尉迟", "王", "银", "高") for g in "行国长乐"}
    wrong = [(n, name_readings(n), reference(n)) for n in sorted(sample)]
    assert not [w for w in wrong if w[1] != w[2]][:20]


SURNAME_STARTS = sorted(surname_table())
ALPHABET = "晓燕国华长乐行重单曾区王张李 ·a9"


@settings(max_examples=300, deadline=None)
@given(
    st.tuples(
        st.sampled_from(["", *SURNAME_STARTS]),
        st.text(alphabet=ALPHABET, max_size=6),
        st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=3),
    ).map("".join)
)
def test_random_names_match_the_reference(name):
    assert name_readings(name) == reference(name)
