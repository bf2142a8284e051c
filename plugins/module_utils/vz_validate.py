# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks every value from a task or an XML document before it can reach a tool.

vzctl writes values into CTID.conf unescaped, and shell scripts source that
file, so anything that could break the quoting or be expanded is refused.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re

from ansible_collections.openvz.vz.plugins.module_utils.vz_errors import VzInputError

CTID_MIN = 1
CTID_MAX = 2147483644

_UNSAFE = re.compile(r'["\\$`\x00-\x1f\x7f]')
_HOSTNAME_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME_RE = re.compile(r"^%s(?:\.%s)*\.?$" % (_HOSTNAME_LABEL, _HOSTNAME_LABEL))
_NAME_RE = re.compile(r"^[A-Za-z0-9_.+-]+$")
_MAC_RE = re.compile(r"^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$")
_IFNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
_TEMPLATE_RE = re.compile(r"^[A-Za-z0-9_.+-]+$")
_PATH_RE = re.compile(r"^/[A-Za-z0-9_.+/-]*(?:\$VEID[A-Za-z0-9_.+/-]*)*$")
_FEATURE_RE = re.compile(r"^[a-z0-9_]+$")
_CAPABILITY_RE = re.compile(r"^[A-Za-z_]+$")
_DEVNODE_RE = re.compile(r"^[A-Za-z0-9_./-]+:(?:r?w?q?|none)$")


def ctid(value, param="ctid"):
    text = str(value).strip()
    if not text.isdigit():
        raise VzInputError(param, "must be a number from %d to %d, got %r" % (CTID_MIN, CTID_MAX, value))
    number = int(text)
    if not CTID_MIN <= number <= CTID_MAX:
        raise VzInputError(param, "must be a number from %d to %d, got %r" % (CTID_MIN, CTID_MAX, value))
    return str(number)


def safe_text(value, param):
    """Free text that vzctl will write into CTID.conf between double quotes."""
    text = str(value)
    bad = _UNSAFE.search(text)
    if bad:
        raise VzInputError(param, "must not contain quotes, backslashes, '$', backticks or control "
                                  "characters (found %r): vzctl writes it unescaped into the CT config"
                           % bad.group(0))
    return text


def hostname(value, param="hostname"):
    text = str(value)
    if len(text) > 253 or not _HOSTNAME_RE.match(text):
        raise VzInputError(param, "%r is not a valid host name (letters, digits, '-' and dots)" % (text,))
    return text


def name(value, param="name"):
    text = str(value)
    if not _NAME_RE.match(text) or text.isdigit():
        raise VzInputError(param, "%r is not a valid container name (letters, digits, '_', '.', '+', '-'; "
                                  "not only digits)" % (text,))
    return text


def ip_address(value, param="ip_addresses"):
    """An address with an optional prefix, normalised (``2001:DB8::05`` -> ``2001:db8::5``)."""
    text = str(value).strip()
    address, sep, prefix = text.partition("/")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise VzInputError(param, "%r is not a valid IPv4 or IPv6 address" % (text,))
    if sep:
        limit = 32 if parsed.version == 4 else 128
        if not prefix.isdigit() or not 0 <= int(prefix) <= limit:
            raise VzInputError(param, "%r has an invalid prefix length" % (text,))
        return "%s/%d" % (parsed, int(prefix))
    return str(parsed)


def mac(value, param):
    text = str(value)
    if not _MAC_RE.match(text):
        raise VzInputError(param, "%r is not a MAC address like 00:18:51:AA:BB:CC" % (text,))
    return text.upper()


def ifname(value, param):
    text = str(value)
    if not _IFNAME_RE.match(text):
        raise VzInputError(param, "%r is not a valid interface name" % (text,))
    return text


def ostemplate(value, param="ostemplate"):
    text = str(value)
    if not _TEMPLATE_RE.match(text) or text.startswith("-"):
        raise VzInputError(param, "%r is not a valid OS template name" % (text,))
    return text


def path(value, param):
    text = str(value)
    if not _PATH_RE.match(text) or "/../" in text + "/" or "/./" in text + "/":
        raise VzInputError(param, "%r must be an absolute path of letters, digits, '_.+-/' "
                                  "(and $VEID)" % (text,))
    return text


def nameserver(value, param="nameservers"):
    text = str(value)
    if text == "inherit":
        return text
    return ip_address(text, param)


def searchdomain(value, param="searchdomains"):
    text = str(value)
    if text == "inherit":
        return text
    return hostname(text, param)


def feature(value, param="features"):
    text = str(value)
    if not _FEATURE_RE.match(text):
        raise VzInputError(param, "%r is not a valid feature name" % (text,))
    return text


def capability(value, param="capabilities"):
    text = str(value)
    if not _CAPABILITY_RE.match(text):
        raise VzInputError(param, "%r is not a valid capability name" % (text,))
    return text.upper()


def devnode(value, param="devnodes"):
    text = str(value)
    if not _DEVNODE_RE.match(text) or ".." in text:
        raise VzInputError(param, "%r is not a device node spec like net/tun:rw" % (text,))
    return text


def bounded_int(value, param, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise VzInputError(param, "must be an integer, got %r" % (value,))
    if isinstance(value, bool) or not low <= number <= high:
        raise VzInputError(param, "must be between %d and %d, got %r" % (low, high, value))
    return number


# ---------------------------------------------------------------- day-2 modules
# (template, snapshot, container_exec)

_CHECKSUM_ALGORITHMS = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128}
_HEX_RE = re.compile(r"^[0-9A-Fa-f]+$")
_GUID_RE = re.compile(r"^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$")
_URL_SCHEMES = ("http", "https", "ftp")
_UNSAFE_URL = re.compile(r"[\x00-\x20\x7f]")


def checksum(value, param="checksum"):
    """``ALGORITHM:HEX`` (``sha256:9f86...``) -> (algorithm, lower-case hex digest)."""
    text = str(value).strip()
    algorithm, sep, digest = text.partition(":")
    algorithm = algorithm.lower()
    if not sep or algorithm not in _CHECKSUM_ALGORITHMS:
        raise VzInputError(param, "must be ALGORITHM:HEX with ALGORITHM one of %s, got %r"
                           % (", ".join(sorted(_CHECKSUM_ALGORITHMS)), value))
    if len(digest) != _CHECKSUM_ALGORITHMS[algorithm] or not _HEX_RE.match(digest):
        raise VzInputError(param, "%r is not a %s digest (%d hex digits)"
                           % (digest, algorithm, _CHECKSUM_ALGORITHMS[algorithm]))
    return algorithm, digest.lower()


def url(value, param="url"):
    text = str(value)
    scheme = text.partition("://")[0].lower() if "://" in text else ""
    if scheme not in _URL_SCHEMES or _UNSAFE_URL.search(text):
        raise VzInputError(param, "%r is not an %s URL" % (text, "/".join(_URL_SCHEMES)))
    return text


def snapshot_uuid(value, param="uuid"):
    """A snapshot id as vzctl prints it: ``{lower-case uuid}`` (braces optional on input)."""
    match = _GUID_RE.match(str(value).strip())
    if not match:
        raise VzInputError(param, "%r is not a UUID like {8-4-4-4-12 hex digits}" % (value,))
    return "{%s}" % match.group(1).lower()


def snapshot_text(value, param):
    """A snapshot name or description: one line, no control characters.

    vzctl stores it in Snapshots.xml and prints it in ``snapshot-list`` rows,
    which a line break would split.
    """
    text = str(value)
    bad = re.search(r"[\x00-\x1f\x7f]", text)
    if bad:
        raise VzInputError(param, "must not contain control characters or line breaks (found %r)"
                           % bad.group(0))
    if "]]>" in text:
        raise VzInputError(param, "must not contain ']]>' (vzctl writes it into a CDATA section)")
    return text


def ct_path(value, param):
    """A path inside a container: absolute, no NUL (it is quoted for the CT's shell)."""
    text = str(value)
    if not text.startswith("/") or "\x00" in text:
        raise VzInputError(param, "%r must be an absolute path inside the container" % (text,))
    return text
