"""The quick E.164 check says yes only where phonenumbers itself would accept the number unchanged."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from debt.e164 import valid_e164
from debt.portfolio import normalise_phone


def _phonenumbers_verdict(text: str) -> str | None:
    """What normalise_phone did before the quick check: parse, is_valid_number, format."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _examples() -> list[str]:
    """Every region's example number of every type, in E.164."""
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in range(12):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                found.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))
    return found


def _near_misses(examples: list[str], rng: random.Random) -> list[str]:
    """Examples with their last digits replaced, one digit more or fewer: valid and invalid alike."""
    numbers = []
    for text in examples:
        for _ in range(6):
            k = rng.randint(1, 5)
            tail = "".join(rng.choice("0123456789") for _ in range(k + rng.choice((-1, 0, 1))))
            numbers.append(text[:-k] + tail)
    return numbers


def test_the_quick_yes_agrees_with_phonenumbers_for_every_region():
    examples = _examples()
    numbers = examples + _near_misses(examples, random.Random(20260301))
    quick = [n for n in numbers if valid_e164(n)]
    wrong = [n for n in quick if _phonenumbers_verdict(n) != n]
    assert wrong == []
    accepted = [n for n in numbers if _phonenumbers_verdict(n) == n]
    assert len(quick) > 0.85 * len(accepted)  # the quick path really takes most valid numbers


@pytest.mark.parametrize("text", ["+441000000000", "+8612345678901", "+15550000000"])
def test_a_strict_e164_number_of_the_right_length_but_no_real_range_is_still_refused(text):
    assert phonenumbers.is_possible_number(phonenumbers.parse(text)) and not valid_e164(text)
    with pytest.raises(ValueError, match="not a valid phone number"):
        normalise_phone(text)


@pytest.mark.parametrize("text", ["+44 7400 123456", "+4407400123456", "+390612345678", "+80012345678"])
def test_numbers_the_quick_check_leaves_alone_get_phonenumbers_answer(text):
    """Spaces, a national prefix, Italy's leading zero, a non-geographic code: all still normalised."""
    assert not valid_e164(text)
    assert normalise_phone(text) == _phonenumbers_verdict(text)
