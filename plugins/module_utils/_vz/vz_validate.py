# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks every value from a task or an XML document before it can reach a tool.

vzctl writes values into CTID.conf unescaped, and host scripts source that file
as root, so each value is matched whole against an alphabet that is safe in
every place it goes: an argv element, a double-quoted line of a shell-sourced
file, a file name under /etc/vz.  Numbers take ASCII digits only.  The bounds
and their sources are listed in docs/openvz-tools.md ("What the collection
accepts").
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re
import unicodedata

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError

CTID_MIN = 1
CTID_MAX = 2147483644
NAME_MAX_LEN = 64
TEXT_MAX_LEN = 1024
HOSTNAME_MAX_LEN = 253
TEMPLATE_MAX_LEN = 128
PATH_MAX_LEN = 1024
IFNAME_MAX_LEN = 15

_DIGITS_RE = re.compile(r"[0-9]{1,19}")
# Not special inside a double-quoted sh word, nor for vzctl's config reader.
_UNSAFE_ASCII = re.compile(r'["\\$`\x00-\x1f\x7f]')
# Unicode that is not visible text: controls, format marks (bidi overrides),
# line and paragraph separators, surrogates, private use, unassigned.
_INVISIBLE_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
_HOSTNAME_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME_RE = re.compile(r"%s(?:\.%s)*\.?" % (_HOSTNAME_LABEL, _HOSTNAME_LABEL))
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")
_MAC_RE = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}")
_IFNAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_NETWORK_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_TEMPLATE_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]*")
_PATH_COMPONENT_RE = re.compile(r"(?:[A-Za-z0-9_.+-]|\$VEID)+")
_FEATURE_RE = re.compile(r"[a-z0-9_]+")
_CAPABILITY_RE = re.compile(r"[A-Za-z_]+")
_DEVNODE_RE = re.compile(r"([A-Za-z0-9_+-][A-Za-z0-9_.+-]*(?:/[A-Za-z0-9_+-][A-Za-z0-9_.+-]*)*)"
                         r":(r?w?q?|none)")
_IP_TEXT_RE = re.compile(r"([0-9A-Fa-f:.]{2,45})(?:/([0-9]{1,3}))?")
_UUID_HEX = r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
# Braces both or neither, as vzctl 7 and prlctl write them.
_UUID_RE = re.compile(r"\{(%s)\}|(%s)" % (_UUID_HEX, _UUID_HEX))

# vzctl 4.x src/lib/cap.c and features.c: the names vzctl knows; others are
# refused by vzctl only after a create has run.
FEATURE_NAMES = ("sysfs", "nfs", "sit", "ipip", "ppp", "ipgre", "bridge", "nfsd")
CAPABILITY_NAMES = (
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
    "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
    "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
    "LEASE", "AUDIT_WRITE", "VE_ADMIN", "SETFCAP", "FS_MASK",
)


def _text(value, param):
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise VzInputError(param, "is not valid UTF-8")
    if not isinstance(value, str):
        value = str(value)
    return value


def _whole(regex, text):
    return regex.fullmatch(text) is not None


def ascii_int(value, param, low, high):
    """An integer from an int or a string of ASCII digits (an optional '-' for negative bounds)."""
    if isinstance(value, bool):
        raise VzInputError(param, "must be an integer, got %r" % (value,))
    if isinstance(value, int):
        number = value
    else:
        text = _text(value, param)
        negative = text.startswith("-") and low < 0
        digits = text[1:] if negative else text
        if not _whole(_DIGITS_RE, digits):
            raise VzInputError(param, "must be an integer written in ASCII digits, got %r" % (text,))
        number = -int(digits) if negative else int(digits)
    if not low <= number <= high:
        raise VzInputError(param, "must be between %d and %d, got %r" % (low, high, value))
    return number


def ctid(value, param="ctid"):
    """A numeric CTID, or (OpenVZ 7) a UUID in canonical lower-case form, braces optional.

    Whether the host takes a UUID is the driver's check: this one knows no host.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _text(value, param)
        match = _UUID_RE.fullmatch(text)
        if match:
            return (match.group(1) or match.group(2)).lower()
        if not _whole(_DIGITS_RE, text):
            raise VzInputError(param, "must be a number from %d to %d in ASCII digits (or, on OpenVZ 7, "
                                      "a UUID), got %r" % (CTID_MIN, CTID_MAX, text))
        number = int(text)
    if not CTID_MIN <= number <= CTID_MAX:
        raise VzInputError(param, "must be a number from %d to %d, got %r" % (CTID_MIN, CTID_MAX, value))
    return str(number)


def is_uuid(text):
    return _UUID_RE.fullmatch(text) is not None


def host_ctid(value, vz7, param="ctid"):
    """``ctid()`` for a host: a UUID only on OpenVZ 7, whose vzctl alone knows them."""
    result = ctid(value, param)
    if not vz7 and not result.isdigit():
        raise VzInputError(param, "%r is a UUID; only OpenVZ 7 has UUID container IDs, this host's vzctl "
                                  "takes numbers" % (result,))
    return result


def _first_invisible(text):
    return next((char for char in text if ord(char) > 0x7f
                 and unicodedata.category(char) in _INVISIBLE_CATEGORIES), None)


def safe_text(value, param, max_len=TEXT_MAX_LEN):
    """Free text that vzctl will write into CTID.conf between double quotes."""
    text = _text(value, param)
    if len(text) > max_len:
        raise VzInputError(param, "must be at most %d characters long, got %d" % (max_len, len(text)))
    bad = _UNSAFE_ASCII.search(text)
    bad = bad.group(0) if bad else _first_invisible(text)
    if bad is not None:
        raise VzInputError(param, "must not contain quotes, backslashes, '$', backticks, control or "
                                  "invisible characters (found %r): vzctl writes it unescaped into "
                                  "the CT config, which host scripts source" % bad)
    return text


def hostname(value, param="hostname"):
    text = _text(value, param)
    if len(text) > HOSTNAME_MAX_LEN or not _whole(_HOSTNAME_RE, text):
        raise VzInputError(param, "%r is not a valid host name (labels of letters, digits and '-', "
                                  "joined by dots, at most %d characters)" % (text, HOSTNAME_MAX_LEN))
    return text


def name(value, param="name"):
    text = _text(value, param)
    if len(text) > NAME_MAX_LEN or not _whole(_NAME_RE, text) or text.isdigit():
        raise VzInputError(param, "%r is not a valid container name (1 to %d letters, digits, "
                                  "'_', '.', '+', '-', starting with a letter or digit; not only "
                                  "digits)" % (text, NAME_MAX_LEN))
    return text


def ip_address(value, param="ip_addresses", allow_prefix=True):
    """An address with an optional prefix, canonical (``2001:DB8::05`` -> ``2001:db8::5``).

    Scope ids (``fe80::1%eth0``) are refused: ``ipaddress`` takes anything
    after the '%', and vzctl writes it into the config unchecked.
    """
    text = _text(value, param)
    match = _IP_TEXT_RE.fullmatch(text)
    if not match:
        raise VzInputError(param, "%r is not an IPv4 or IPv6 address%s (no scope ids)"
                           % (text, " with an optional /prefix" if allow_prefix else ""))
    address, prefix = match.groups()
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise VzInputError(param, "%r is not a valid IPv4 or IPv6 address" % (text,))
    if parsed.is_unspecified:
        # vzctl ignores 0.0.0.0 and :: for --ipadd (it would never converge), and no DNS server has it.
        raise VzInputError(param, "%r is the unspecified address (vzctl ignores it)" % (text,))
    if prefix is not None:
        limit = 32 if parsed.version == 4 else 128
        if not allow_prefix:
            raise VzInputError(param, "%r: a name server is an address without a /prefix" % (text,))
        if not 0 <= int(prefix) <= limit:
            raise VzInputError(param, "%r has an invalid prefix length (0 to %d)" % (text, limit))
        return "%s/%d" % (parsed, int(prefix))
    return str(parsed)


def ip_version(address):
    """4 or 6 for an address ``ip_address()`` accepted."""
    return 6 if ":" in address else 4


def mac(value, param):
    text = _text(value, param)
    if not _whole(_MAC_RE, text):
        raise VzInputError(param, "%r is not a MAC address like 00:18:51:AA:BB:CC" % (text,))
    return text.upper()


def ifname(value, param):
    text = _text(value, param)
    if len(text) > IFNAME_MAX_LEN or not _whole(_IFNAME_RE, text):
        raise VzInputError(param, "%r is not a valid interface name (1 to %d letters, digits, "
                                  "'_', '.', '-', not starting with '.' or '-')" % (text, IFNAME_MAX_LEN))
    return text


def ostemplate(value, param="ostemplate"):
    text = _text(value, param)
    if len(text) > TEMPLATE_MAX_LEN or not _whole(_TEMPLATE_RE, text):
        raise VzInputError(param, "%r is not a valid OS template name (1 to %d letters, digits, "
                                  "'_', '.', '+', '-', starting with a letter, digit or '_')"
                           % (text, TEMPLATE_MAX_LEN))
    return text


def path(value, param):
    """An absolute path of plain components; ``$VEID`` may stand for the CTID."""
    text = _text(value, param)
    components = text.split("/")[1:]
    valid = (text.startswith("/") and len(text) <= PATH_MAX_LEN and text != "/"
             and all(_whole(_PATH_COMPONENT_RE, part) and part not in (".", "..")
                     for part in components))
    if not valid:
        raise VzInputError(param, "%r must be an absolute path (at most %d characters) of components "
                                  "made of letters, digits, '_.+-' and $VEID, without '.', '..', "
                                  "empty components or a trailing '/'" % (text, PATH_MAX_LEN))
    return text


# The validator of each NETIF field, for task values and for host values that
# go back on an argv alike.
def network(value, param):
    """An OpenVZ 7 virtual network name (``Bridged``, ``Host-Only``)."""
    text = _text(value, param)
    if len(text) > NAME_MAX_LEN or not _whole(_NETWORK_RE, text):
        raise VzInputError(param, "%r is not a virtual network name (1 to %d letters, digits, '_', '.', "
                                  "'-', starting with a letter or digit)" % (text, NAME_MAX_LEN))
    return text


def gateway(value, param):
    """An IPv4 gateway: an address without a prefix."""
    return _family_address(value, param, 4)


def gateway6(value, param):
    return _family_address(value, param, 6)


def _family_address(value, param, version):
    text = ip_address(value, param, allow_prefix=False)
    if ipaddress.ip_address(text).version != version:
        raise VzInputError(param, "%r is not an IPv%d address" % (text, version))
    return text


def veth_address(value, param):
    """An address of a veth (vzctl 7): an optional prefix of 1 or more bits.

    libvzctl stores a /0 prefix as no prefix (veth.c veth2str()), which would
    never compare equal to what was asked for.
    """
    text = ip_address(value, param)
    if text.endswith("/0"):
        raise VzInputError(param, "%r: a /0 prefix is stored as no prefix; give the address without one"
                           % (text,))
    return text


def _flag(value, param):
    if not isinstance(value, bool):
        raise VzInputError(param, "must be a boolean, got %r" % (value,))
    return value


def _addresses(values, param):
    if not isinstance(values, (list, tuple)):
        raise VzInputError(param, "must be a list of addresses, got %r" % (values,))
    return [veth_address(value, param) for value in values]


NETIF_FIELDS = {"ifname": ifname, "mac": mac, "host_ifname": ifname, "host_mac": mac, "bridge": ifname,
                "network": network, "gateway": gateway, "gateway6": gateway6, "dhcp": _flag, "dhcp6": _flag,
                "ip_addresses": _addresses}
# The fields ``vzctl set --netif_add`` takes (vzctl 4.x), which go back on an argv from the host's config.
NETIF_ADD_FIELDS = ("ifname", "mac", "host_ifname", "host_mac", "bridge", "network")


# libvzctl's and vzctl 4.x's masks have 4096 bits (libvzctl.h VZCTL_MAX_NCPU, VZCTL_MAX_NNODE; 4.x cpu.h
# CPUMASK_NBITS); libvzctl writes the list into a 1024-byte buffer (cpu.c cpumask2str()).
MASK_BITS = 4096
MASK_TEXT_MAX_LEN = 1023
_MASK_RANGE_RE = re.compile(r"([0-9]{1,4})(?:-([0-9]{1,4}))?")


def mask(value, param, auto=False):
    """A CPU or NUMA node list (``0-1,3``), ``all`` (or ``auto`` for CPUs), in vzctl's canonical form.

    vzctl writes the set back as sorted ranges (``3,0-1`` is stored ``0-1,3``),
    so the canonical form is what compares with the host.
    """
    text = _text(value, param)
    if text == "all" or (auto and text == "auto"):
        return text
    bits = set()
    for part in text.split(","):
        match = _MASK_RANGE_RE.fullmatch(part)
        low = int(match.group(1)) if match else None
        high = int(match.group(2) or match.group(1)) if match else None
        if match is None or high < low or high >= MASK_BITS:
            raise VzInputError(param, "%r is not a list of numbers and ranges from 0 to %d like 0-1,3 "
                                      "(or all%s)" % (text, MASK_BITS - 1, ", auto" if auto else ""))
        bits.update(range(low, high + 1))
    return mask_text(bits, param)


def mask_text(bits, param):
    """The set ``bits`` in vzctl's form: ``all``, or sorted ranges."""
    if len(bits) >= MASK_BITS:
        return "all"
    ordered = sorted(bits)
    ranges = []
    for number in ordered:
        if ranges and ranges[-1][1] == number - 1:
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    text = ",".join(str(low) if low == high else "%d-%d" % (low, high) for low, high in ranges)
    if len(text) > MASK_TEXT_MAX_LEN:
        raise VzInputError(param, "is %d characters long as ranges; vzctl 7 keeps at most %d"
                           % (len(text), MASK_TEXT_MAX_LEN))
    return text


# libvzctl bindmount.c mount_opt[], in the order it writes them back.
BINDMOUNT_OPTIONS = ("nosuid", "noexec", "nodev", "ro")
_BIND_COMPONENT_RE = re.compile(r"[A-Za-z0-9_.+-]+")


def bind_path(value, param):
    """A bind mount's source or target: absolute, plain components, not ``/``.

    BINDMOUNT is ``SRC:DST,OPT`` items split at blanks, so ':', ',' and blanks
    cannot be in a path; '$' is not expanded there, so it is refused too.
    """
    text = _text(value, param)
    parts = text.split("/")[1:]
    if not (text.startswith("/") and text != "/" and len(text) <= PATH_MAX_LEN
            and all(_whole(_BIND_COMPONENT_RE, part) and part not in (".", "..") for part in parts)):
        raise VzInputError(param, "%r must be an absolute path (at most %d characters, not /) of components "
                                  "made of letters, digits and '_.+-', without '.', '..', empty components "
                                  "or a trailing '/'" % (text, PATH_MAX_LEN))
    return text


def bindmount(value, param):
    """{src (optional), dst, options} -> the same with options in vzctl's order."""
    if not isinstance(value, dict) or not value.get("dst"):
        raise VzInputError(param, "each bind mount needs dst (the path inside the container), got %r" % (value,))
    unknown = sorted(set(value) - {"src", "dst", "options"})
    if unknown:
        raise VzInputError(param, "unknown bind mount keys %s" % ", ".join(unknown))
    options = value.get("options") or []
    if isinstance(options, str):
        options = options.split(",") if options else []
    if not isinstance(options, (list, tuple)) or any(option not in BINDMOUNT_OPTIONS for option in options):
        raise VzInputError(param, "options must be a list of %s, got %r" % (", ".join(BINDMOUNT_OPTIONS), options))
    return {"src": bind_path(value["src"], param + " src") if value.get("src") else None,
            "dst": bind_path(value["dst"], param + " dst"),
            "options": [option for option in BINDMOUNT_OPTIONS if option in options]}


def nameserver(value, param="nameservers"):
    text = _text(value, param)
    if text == "inherit":
        return text
    return ip_address(text, param, allow_prefix=False)


def searchdomain(value, param="searchdomains"):
    text = _text(value, param)
    if text == "inherit":
        return text
    return hostname(text, param)


def feature(value, param="features"):
    text = _text(value, param)
    if text not in FEATURE_NAMES:
        raise VzInputError(param, "%r is not a feature vzctl knows (%s)" % (text, ", ".join(FEATURE_NAMES)))
    return text


def capability(value, param="capabilities"):
    text = _text(value, param)
    upper = text.upper() if _whole(_CAPABILITY_RE, text) else None
    if upper not in CAPABILITY_NAMES:
        raise VzInputError(param, "%r is not a capability vzctl knows (%s)"
                           % (text, ", ".join(name.lower() for name in CAPABILITY_NAMES)))
    return upper


def devnode(value, param="devnodes"):
    """``DEVICE:PERMS``, DEVICE relative to /dev (``net/tun:rw``)."""
    text = _text(value, param)
    match = _DEVNODE_RE.fullmatch(text)
    if not match or any(part in (".", "..") for part in match.group(1).split("/")):
        raise VzInputError(param, "%r is not a device node spec like net/tun:rw (a device under /dev, "
                                  "then ':' and r, w, q in that order, or none)" % (text,))
    return text


def uuid(value, param="uuid"):
    """A UUID in canonical lower-case 8-4-4-4-12 form (braces optional on input)."""
    match = _UUID_RE.fullmatch(_text(value, param).strip())
    if not match:
        raise VzInputError(param, "%r is not a UUID like 8-4-4-4-12 hex digits" % (value,))
    return (match.group(1) or match.group(2)).lower()


# ---------------------------------------------------------------- day-2 modules
# (template, snapshot, container_exec)

_CHECKSUM_ALGORITHMS = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128}
_HEX_RE = re.compile(r"[0-9A-Fa-f]+")
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
    if len(digest) != _CHECKSUM_ALGORITHMS[algorithm] or not _whole(_HEX_RE, digest):
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
    match = _UUID_RE.fullmatch(_text(value, param).strip())
    if not match:
        raise VzInputError(param, "%r is not a UUID like {8-4-4-4-12 hex digits}" % (value,))
    return "{%s}" % (match.group(1) or match.group(2)).lower()


def snapshot_text(value, param):
    """A snapshot name or description: one line, no control characters.

    vzctl stores it in Snapshots.xml and prints it in ``snapshot-list`` rows,
    which a line break would split.
    """
    text = _text(value, param)
    if len(text) > TEXT_MAX_LEN:
        raise VzInputError(param, "must be at most %d characters long, got %d" % (TEXT_MAX_LEN, len(text)))
    bad = re.search(r"[\x00-\x1f\x7f]", text)
    bad = bad.group(0) if bad else _first_invisible(text)
    if bad:
        raise VzInputError(param, "must not contain control characters, line breaks or invisible "
                                  "characters (found %r)" % bad)
    if "]]>" in text:
        raise VzInputError(param, "must not contain ']]>' (vzctl writes it into a CDATA section)")
    return text


def ct_path(value, param):
    """A path inside a container: absolute, no NUL (it is quoted for the CT's shell)."""
    text = str(value)
    if not text.startswith("/") or "\x00" in text:
        raise VzInputError(param, "%r must be an absolute path inside the container" % (text,))
    return text
