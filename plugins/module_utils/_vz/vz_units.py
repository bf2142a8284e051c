# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sizes as users write them (512M, 2G, 1T, bytes) and as vzctl stores them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import KIB, LONG_MAX, PAGE

_SUFFIX = {"": 1, "K": KIB, "M": KIB ** 2, "G": KIB ** 3, "T": KIB ** 4}
# ASCII only: Unicode case folding would take the Kelvin sign for K and a
# dotted or dotless capital I for i.
_SIZE_RE = re.compile(r"([0-9]{1,20})([KMGTkmgt]?)(?:[iI]?[bB])?", re.ASCII)
# Every limit is stored below vzctl's "unlimited" (LONG_MAX) in its own unit;
# a size in bytes is bounded by the same number so no unit can overflow it.
MAX_SIZE = LONG_MAX - 1


def parse_size(value, param):
    """Bytes from ``512M``/``2G``/``1T``/``1024``; errors name ``param``."""
    if isinstance(value, bool):
        raise VzInputError(param, "expected a size such as 512M, 2G or a number of bytes, got %r" % (value,))
    if isinstance(value, int):
        number = value
    else:
        match = _SIZE_RE.fullmatch(str(value))
        if not match:
            raise VzInputError(param, "expected a size such as 512M, 2G, 1T or a number of bytes "
                                      "(ASCII digits), got %r" % (value,))
        number = int(match.group(1)) * _SUFFIX[match.group(2).upper()]
    if not 0 <= number <= MAX_SIZE:
        raise VzInputError(param, "a size must be between 0 and %d bytes, got %r" % (MAX_SIZE, value))
    return number


def whole_pages(nbytes, param):
    """vzctl stores RAM and swap in 4 KiB pages: anything else would change on every run."""
    if nbytes % PAGE:
        raise VzInputError(param, "must be a multiple of 4 KiB (one page), got %d bytes" % nbytes)
    return nbytes


def whole_kib(nbytes, param):
    """vzctl stores DISKSPACE in KiB."""
    if nbytes % KIB:
        raise VzInputError(param, "must be a whole number of KiB, got %d bytes" % nbytes)
    return nbytes


def format_size(nbytes):
    """The shortest exact vzctl spelling of a byte count (``2G``, ``1536M``)."""
    for suffix in ("T", "G", "M", "K"):
        unit = _SUFFIX[suffix]
        if nbytes and nbytes % unit == 0:
            return "%d%s" % (nbytes // unit, suffix)
    return "%dB" % nbytes


_CONF_MULT = {"T": KIB ** 4, "G": KIB ** 3, "M": KIB ** 2, "K": KIB, "P": PAGE, "B": 1}
# As vzctl's parse_ul_sfx(): "unlimited" exactly, with nothing after it.
_CONF_NUM_RE = re.compile(r"(unlimited)|([0-9]+(?:\.[0-9]*)?)([TGMKPBtgmkpb]?)", re.ASCII)


def parse_conf_number(text, divisor):
    """One value of a CT config limit, in the key's own unit.

    As vzctl reads them: a bare number is already in the key's unit, a suffixed
    one is bytes scaled down by ``divisor`` (page size, 1024 for DISKSPACE...).
    """
    match = _CONF_NUM_RE.fullmatch(text.strip())
    if not match:
        raise ValueError("not a number: %r" % text)
    unlimited, number, suffix = match.groups()
    if unlimited:
        return LONG_MAX
    value = float(number) if "." in number else int(number)
    if suffix:
        if not divisor:
            raise ValueError("unit suffix not allowed: %r" % text)
        value = value * _CONF_MULT[suffix.upper()] / divisor
    return min(int(value), LONG_MAX)


def parse_conf_pair(text, divisor):
    """``barrier[:limit]`` of a CT config limit; a single value stands for both."""
    parts = text.split(":")
    if len(parts) > 2 or not parts[0]:
        raise ValueError("expected value or value:value, got %r" % text)
    first = parse_conf_number(parts[0], divisor)
    return first, (parse_conf_number(parts[1], divisor) if len(parts) == 2 else first)
