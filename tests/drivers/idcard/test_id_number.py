from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.idcard.id_number import check_character, is_valid


def test_the_standards_own_example_is_valid() -> None:
    # GB 11643-1999, appendix: 11010519491231002X
    assert check_character("11010519491231002") == "X"
    assert is_valid("11010519491231002X")
    assert is_valid("11010519491231002x")


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",
        "11010519491231002",
        "1101051949123100XX",
        "１１０１０５１９４９１２３１００２X",
    ],
)
def test_wrong_or_malformed_numbers_are_invalid(number: str) -> None:
    assert not is_valid(number)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_exactly_one_check_character_fits(first17: str, last: str) -> None:
    assert is_valid(first17 + last) == (last == check_character(first17))


def test_check_character_wants_seventeen_digits() -> None:
    with pytest.raises(ValueError):
        check_character("1234")
