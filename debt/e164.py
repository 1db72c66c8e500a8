"""A quick yes for phone numbers already written in strict E.164, with phonenumbers' own verdict.

`phonenumbers.parse` + `is_valid_number` cost ~40 µs a number, most of a portfolio row's parsing
time. For text that is already `+` and 7-15 digits, parse has nothing to normalise except a
national prefix or leading zeros after the country code; when neither is there, the number it
builds is (country code, the remaining digits), and `is_valid_number` on it only matches the
remaining digits against the metadata's patterns. `valid_e164` does exactly those matches with
the patterns compiled once:

- the country code is the first 1-3 digits that phonenumbers knows as one (as parse takes it);
- the region is chosen as `region_code_for_number` chooses it (leading digits, else the first
  region whose patterns the number fits);
- the number must fit the region's general pattern and length, and the pattern and length of at
  least one number type (fixed line, mobile, toll free, premium rate, shared cost, VoIP,
  personal, pager, UAN, voicemail), as `_number_type_helper` tests them.

It answers True only when phonenumbers would accept the text unchanged. Anything it is not
sure of (no strict E.164, a non-geographic country code such as +800, digits after the
country code that start with 0 or with the region's national prefix, or a number that fails a
test) gets False, and the caller asks phonenumbers itself, which then names the fault.
"""

from __future__ import annotations

import re
from functools import cache

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

_STRICT = re.compile(r"\+[1-9][0-9]{6,14}")
_NON_GEO = "001"
# Validity needs a match with any one type, so the order is speed only: the usual ones first.
_TYPES = ("mobile", "fixed_line", "toll_free", "premium_rate", "shared_cost", "voip", "personal_number",
          "pager", "uan", "voicemail")
_ANY_LENGTH = frozenset(range(1, 18))  # a type without lengths of its own takes any (E.164 has <= 15 digits)
Desc = tuple[frozenset[int], re.Pattern[str]]


def _desc(number_desc) -> Desc | None:
    """(allowed lengths, compiled pattern), or None for a type the region does not have."""
    if number_desc is None or not number_desc.national_number_pattern:
        return None
    lengths = frozenset(number_desc.possible_length) or _ANY_LENGTH
    return lengths, re.compile(number_desc.national_number_pattern)


class _Region:
    """One region's metadata, compiled once."""

    def __init__(self, code: str) -> None:
        meta = PhoneMetadata.metadata_for_region(code, None)
        # _number_type_helper skips mobile when its pattern is fixed_line's (one test does for both)
        kinds = [k for k in _TYPES if not (k == "mobile" and meta.same_mobile_and_fixed_line_pattern)]
        self.general = _desc(meta.general_desc)
        self.types = tuple(d for d in (_desc(getattr(meta, kind)) for kind in kinds) if d is not None)
        self.leading = re.compile(meta.leading_digits) if meta.leading_digits is not None else None
        prefix = meta.national_prefix_for_parsing
        self.national_prefix = re.compile(prefix) if prefix else None

    def valid(self, digits: str) -> bool:
        size = len(digits)
        if self.general is None or size not in self.general[0] or not self.general[1].fullmatch(digits):
            return False
        return any(size in lengths and pattern.fullmatch(digits) for lengths, pattern in self.types)


@cache  # bounded by the ~250 regions phonenumbers knows
def _regions(country_code: int) -> tuple[_Region, ...]:
    return tuple(_Region(code) for code in COUNTRY_CODE_TO_REGION_CODE[country_code])


def _country_code(digits: str) -> int | None:
    for size in (1, 2, 3):
        code = int(digits[:size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            return code
    return None


def valid_e164(text: str) -> bool:
    """True when `text` is strict E.164 that phonenumbers would parse, keep as is, and call valid."""
    if not _STRICT.fullmatch(text):
        return False
    code = _country_code(text[1:])
    if code is None or COUNTRY_CODE_TO_REGION_CODE[code][0] == _NON_GEO:
        return False
    national = text[1 + len(str(code)):]
    regions = _regions(code)
    main = regions[0].national_prefix  # parse strips the main region's prefix, if it finds one
    if national[0] == "0" or (main is not None and main.match(national)):
        return False
    for region in regions:  # the region region_code_for_number picks, then its verdict
        if region.leading is not None and len(regions) > 1:
            if region.leading.match(national):
                return region.valid(national)
        elif region.valid(national):
            return True
    return False
