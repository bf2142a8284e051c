# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Data from a hypervisor or a container, as Ansible must see it: text, never a template.

ansible-core up to 2.18 templates again every string it meets in a variable
(nested in dictionaries and lists too) unless the string is marked unsafe, so
a container description holding ``{{ lookup('pipe', ...) }}`` would run on the
controller as soon as something (``compose``, ``keyed_groups``, a task) read
it.  ansible-core 2.19 and later only template strings tagged
``TrustedAsTemplate``; values an inventory plugin sets carry no such tag, and
``wrap_var`` removes it from any that do (such as strings read back from an
inventory cache).  ``wrap_var`` is the one call that means "not a template" on
every ansible-core this collection supports (2.16 and later).

Only strings that contain ``{`` or ``}`` are marked: without one of Jinja's
delimiters (``{{``, ``{%``, ``{#``) a string is never templated, and plain
strings stay plain in ``ansible-inventory --list`` output on 2.16-2.18
(where an unsafe string is written as ``{"__ansible_unsafe": ...}``), which
tools that read that output expect.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from ansible.utils.unsafe_proxy import wrap_var

_BRACES = ("{", "}")
_BRACES_BYTES = (b"{", b"}")


def _has_braces(value, braces):
    return any(brace in value for brace in braces)


def make_unsafe(value):
    """``value`` with every string in it that could be a template marked unsafe.

    Dictionaries (keys and values), lists, tuples and sets are copied with
    their items made unsafe, at any depth; numbers, booleans and None are
    returned as they are.
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return wrap_var(value) if _has_braces(value, _BRACES) else value
    if isinstance(value, bytes):
        return wrap_var(value) if _has_braces(value, _BRACES_BYTES) else value
    if isinstance(value, Mapping):
        return dict((make_unsafe(key), make_unsafe(item)) for key, item in value.items())
    if isinstance(value, Set):
        return set(make_unsafe(item) for item in value)
    if isinstance(value, list):
        return [make_unsafe(item) for item in value]
    if isinstance(value, tuple):
        return tuple(make_unsafe(item) for item in value)
    # Anything else (no such value comes from a listing today): wrap_var
    # knows every type ansible-core can template.
    return wrap_var(value)
