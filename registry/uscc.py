"""Unified social credit codes (统一社会信用代码, GB 32100-2015), the tenant's key."""

from __future__ import annotations

import re

from stdnum.cn import uscc as stdnum_uscc

from registry.errors import InvalidValue
from registry.identifiers import refuse_scientific, to_halfwidth

# GB 32100 leaves out I, O, S, V and Z so they cannot be misread as digits.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CHAR = f"[{_ALPHABET}]"
# Registration authority and entity type may be letters (e.g. N for agriculture, Y for other);
# the division code is six digits.
_SHAPE = re.compile(rf"{_CHAR}{{2}}[0-9]{{6}}{_CHAR}{{10}}")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Synthetic codes: registered by industry and commerce (9), an enterprise (1), in Zhuzhou's
# Tianyuan district (430211), with an organisation code that reads "PARK" so nobody takes it
# for a real company.
_DEMO_PREFIX = "91430211"
_DEMO_ORG_STEM = "PARK"


def normalise_uscc(text: str) -> str:
    return "".join(to_halfwidth(text).split()).upper()


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character for an 8-character organisation code body."""
    total = sum(int(char, 36) * weight for char, weight in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_uscc(text: str) -> tuple[str, list[str]]:
    """Return the normalised code and any warnings; raise InvalidValue if it is not a USCC.

    A wrong embedded organisation code (characters 9-17) is only a warning: codes issued to
    individual businesses and some early registrations carry bodies that do not follow GB 11714,
    yet they are the codes on the licence.
    """
    refuse_scientific(text)
    code = normalise_uscc(text)
    if len(code) != 18:
        raise InvalidValue(
            "uscc_length",
            f"统一社会信用代码应为18位，实为{len(code)}位 / USCC must have 18 characters, got {len(code)}",
        )
    if not _SHAPE.fullmatch(code):
        raise InvalidValue(
            "uscc_format",
            "统一社会信用代码含有不允许的字符 / "
            "USCC has characters not allowed there (digits and letters except I, O, S, V, Z)",
        )
    if stdnum_uscc.calc_check_digit(code[:17]) != code[17]:
        raise InvalidValue("uscc_checksum", "统一社会信用代码校验位错误 / USCC check character is wrong")
    warnings = []
    if org_code_check_char(code[8:16]) != code[16]:
        warnings.append(
            "统一社会信用代码中的组织机构代码校验位不符 / "
            "the organisation code inside the USCC fails its GB 11714 check"
        )
    return code, warnings


def make_uscc(body17: str) -> str:
    """Append the GB 32100 check character to a 17-character body."""
    body = normalise_uscc(body17)
    if len(body) != 17 or not _SHAPE.fullmatch(body + "0"):
        raise ValueError(f"not a 17-character USCC body: {body17!r}")
    return body + stdnum_uscc.calc_check_digit(body)


def make_demo_uscc(n: int, stem: str = _DEMO_ORG_STEM) -> str:
    """The n-th synthetic tenant code of `stem` (its organisation code is the stem and n in the digits
    left of 8: 0 <= n < 10000 for the demo park's PARK): valid, deterministic, distinct."""
    digits = 8 - len(stem)
    if not 0 <= n < 10**digits:
        raise ValueError(f"demo USCC serial out of range: {n}")
    org_body = f"{stem}{n:0{digits}d}"
    return make_uscc(_DEMO_PREFIX + org_body + org_code_check_char(org_body))


# The import template's sample rows name this code. It is a well-formed USCC, so the sample shows a
# real row's shape and passes every check, but its organisation code spells EXAMPLE1, so it names no
# company: the importer skips every row carrying it, and the sample never becomes a record.
_SAMPLE_ORG_BODY = "EXAMPLE1"
SAMPLE_USCC = make_uscc(_DEMO_PREFIX + _SAMPLE_ORG_BODY + org_code_check_char(_SAMPLE_ORG_BODY))
