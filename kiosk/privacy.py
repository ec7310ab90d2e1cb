"""Masking of resident ID numbers (居民身份证号码) in logs.

DESIGN.md, "Personal data": logs keep no digit of an ID number. (Screens show the masked
forms the central service sends: first 6 and last 4 characters, 张*伟.)
"""

from __future__ import annotations

import re

# 18 characters (17 digits + digit or X, GB 11643) or the 15-digit first-generation form.
# Bounded by non-digits only, so `id=440103…` and `身份证440103…` are caught too; a longer
# run of digits (a 20-digit serial) is not an ID number and stays readable.
ID_NUMBER_PATTERN = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
LOG_MASK = "[ID]"
MOBILE_NUMBER_PATTERN = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")  # mainland mobile
PHONE_MASK = "[PHONE]"


def mask_for_log(text: str) -> str:
    """Replace every ID-number-shaped run in `text`; logs keep no digit of an ID number."""
    return ID_NUMBER_PATTERN.sub(LOG_MASK, text)


def mask_for_bundle(text: str) -> str:
    """What leaves the kiosk for a technician (`kiosk-diag bundle`): no ID number and no phone
    number, whatever a log line or a driver message held."""
    return MOBILE_NUMBER_PATTERN.sub(PHONE_MASK, mask_for_log(text))


def masked_id_number(id_number: str) -> str:
    """The screen's form of an ID number: first 6 and last 4 characters, as the centre masks
    it (511321********0030); a shorter text is masked whole."""
    if len(id_number) < 15:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def masked_name(name: str) -> str:
    """The screen's form of a name, as the centre masks it: 张伟 → 张*, 李秀英 → 李*英."""
    if len(name) <= 2:
        return name[:1] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
