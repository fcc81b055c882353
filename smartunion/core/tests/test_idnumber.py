"""居民身份证号码 checks (core.idnumber.parse_id_number), against generated numbers."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from smartunion.core.idnumber import (
    GENDER_FEMALE,
    GENDER_MALE,
    check_char,
    make_id_number,
    mask_id_number,
    parse_id_number,
)

TODAY = dt.date(2026, 6, 1)
BIRTHPLACES = ("620102", "620103", "620200", "622901", "623001", "110101", "440305")

birthplaces = st.one_of(st.sampled_from(BIRTHPLACES), st.from_regex(r"\A[1-6][0-9]{5}\Z"))
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)
valid_numbers = st.builds(make_id_number, birthplaces, births, sequences)
CHARACTERS = "0123456789X"


def parse(raw, **kwargs):
    return parse_id_number(raw, today=TODAY, **kwargs)


def error_of(raw, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        parse(raw, **kwargs)
    return exc.value


@given(birthplaces, births, sequences)
def test_a_generated_valid_number_passes_with_its_gender_and_birth_date(place, birth, seq):
    number = make_id_number(place, birth, seq)
    ident = parse(number)
    assert ident.number == number
    assert ident.birth_date == birth
    assert ident.birthplace == place
    assert ident.gender == (GENDER_MALE if seq % 2 else GENDER_FEMALE)
    assert ident.warnings == ()


@given(valid_numbers, st.integers(min_value=0, max_value=17), st.sampled_from(CHARACTERS))
def test_any_single_character_changed_is_refused(number, position, replacement):
    if number[position] == replacement:
        replacement = CHARACTERS[(CHARACTERS.index(replacement) + 1) % len(CHARACTERS)]
    corrupted = number[:position] + replacement + number[position + 1 :]
    error = error_of(corrupted)
    assert error.code in ("check_char", "birth_date", "birth_range", "characters")
    assert corrupted not in " ".join(error.messages)


@given(valid_numbers)
def test_two_swapped_neighbours_are_refused_when_they_differ(number):
    for i in range(16):
        if number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            with pytest.raises(ValidationError):
                parse(swapped)


@given(valid_numbers)
def test_full_width_digits_and_lower_case_x_are_normalized(number):
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)
    assert parse(full_width).number == number
    assert parse(f" {number[:6]} {number[6:14]} {number[14:]} ").number == number


def test_a_lower_case_check_x_is_accepted():
    # Find a number whose check character is X.
    for seq in range(1000):
        number = make_id_number("620102", dt.date(1990, 5, 17), seq)
        if number.endswith("X"):
            break
    assert parse(number.lower()).number == number
    assert parse(number[:-1] + "ｘ").number == number


def test_a_15_digit_number_is_refused_asking_for_the_18_digit_one():
    error = error_of("620102900517123")
    assert error.code == "old_format"
    assert "15位" in error.messages[0] and "18位" in error.messages[0]


def test_29_february_1999_is_refused_as_an_impossible_date():
    first17 = "62010219990229123"
    error = error_of(first17 + check_char(first17))
    assert error.code == "birth_date"
    assert "出生日期" in error.messages[0]


def test_29_february_of_a_leap_year_is_fine():
    first17 = "62010220000229123"
    assert parse(first17 + check_char(first17)).birth_date == dt.date(2000, 2, 29)


@pytest.mark.parametrize("length", [17, 19])
def test_17_or_19_characters_are_refused_with_the_count(length):
    number = make_id_number("620102", dt.date(1990, 5, 17), 123)
    raw = number[:length] if length < 18 else number + "1"
    error = error_of(raw)
    assert error.code == "length"
    assert error.messages == [f"身份证号码应为18位，当前为{length}位。"]


def test_a_birth_date_in_the_future_or_before_1900_is_refused():
    assert error_of(make_id_number("620102", TODAY + dt.timedelta(days=1), 1)).code == (
        "birth_range"
    )
    assert error_of(make_id_number("620102", dt.date(1899, 12, 31), 1)).code == "birth_range"


def test_letters_other_than_a_final_x_are_refused():
    number = make_id_number("620102", dt.date(1990, 5, 17), 123)
    assert error_of(number[:5] + "A" + number[6:]).code == "characters"
    assert error_of(number[:17] + "Y").code == "characters"


def test_an_empty_number_is_required():
    assert error_of("  ").code == "required"


def test_an_unknown_birthplace_code_is_only_a_warning():
    number = make_id_number("629999", dt.date(1990, 5, 17), 123)
    ident = parse(number, known_regions=frozenset({"620102"}))
    assert ident.number == number
    assert ident.warnings and "出生地代码" in ident.warnings[0]
    assert (
        parse(
            make_id_number("620102", dt.date(1990, 5, 17), 1), known_regions=frozenset({"620102"})
        ).warnings
        == ()
    )


@given(valid_numbers)
def test_the_mask_keeps_the_birthplace_and_the_last_four(number):
    masked = mask_id_number(number)
    assert masked == number[:6] + "********" + number[-4:]
    assert number[6:14] not in masked
