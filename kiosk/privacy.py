"""Masking of resident ID numbers (居民身份证号码) for screens and logs.

DESIGN.md, "Personal data": screens keep the first 6 and last 4, logs keep none.
"""

from __future__ import annotations

import re

# 18 characters (17 digits + digit or X, GB 11643) or the 15-digit first-generation form.
# Bounded by non-digits only, so `id=440103…` and `身份证440103…` are caught too; a longer
# run of digits (a 20-digit serial) is not an ID number and stays readable.
ID_NUMBER_PATTERN = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
LOG_MASK = "[ID]"


def mask_for_log(text: str) -> str:
    """Replace every ID-number-shaped run in `text`; logs keep no digit of an ID number."""
    return ID_NUMBER_PATTERN.sub(LOG_MASK, text)


def mask_for_screen(id_number: str) -> str:
    """Keep the first 6 and last 4 characters, as a resident checking the number needs.

    >>> mask_for_screen("440103199001011234")
    '440103********1234'
    """
    if len(id_number) <= 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_name(name: str) -> str:
    """A name as a greeting shows it to passers-by: 张三 → 张*, 欧阳娜娜 → 欧**娜."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
