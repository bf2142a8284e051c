# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How each kind of CTID.conf value decodes into the model, and encodes back.

A setting of vz_settings names one of these for its key(s).  Decoding never
guesses: a value it cannot read is a VzConfigError naming the file and key.
``encode`` is what ``vzctl create`` writes for a create option, so the driver
can predict the config a create leaves.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_facts, vz_units, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzConfigError, VzInputError

# OpenVZ 7 samples say IP_ADDRESS="0.0.0.0" for none; vzctl ignores these.
NO_ADDRESS = ("0.0.0.0", "::")
# bridge: vzctl 4.x's; network (a virtual network such as Bridged) and the rest: vzctl 7's.
NETIF_KEYS = ("ifname", "mac", "host_ifname", "host_mac", "bridge", "network", "gateway", "gateway6", "dhcp",
              "dhcp6", "ip_addresses")
# NETIF fields whose value is a ','-separated list (vzctl 7's per-veth addresses).
_LIST_FIELDS = ("ip", "ip6")
# vzctl 7's NETIF names (veth.c veth2str()) of the model's keys.
_NETIF_CONF_NAMES = {"gateway": "gw", "gateway6": "gw6"}
_INT_RE = re.compile(r"-?[0-9]{1,19}")
_DIGITS_RE = re.compile(r"[0-9]{1,19}")


class Key(object):
    """One key, read as text; an absent key is None."""

    def __init__(self, key, inherited=False):
        self.key = key
        self.keys = (key,)
        # vz.conf supplies the value when the CT config has none (VE_PRIVATE...).
        self.inherited = inherited

    def read(self, conf, globals_):
        raw = conf.get(self.key)
        if raw is None and self.inherited:
            raw = globals_.get(self.key)
        return None if raw is None else self.decode(raw, conf)

    def decode(self, raw, conf):
        return raw

    def encode(self, value):
        return value


class Name(Key):
    """NAME: an empty value is no name."""

    def decode(self, raw, conf):
        return raw or None


class Int(Key):
    def decode(self, raw, conf):
        if raw == "":
            return None
        if not _INT_RE.fullmatch(raw):
            raise VzConfigError(conf.path, self.key, raw, "not an integer")
        return int(raw)


class YesNo(Key):
    def decode(self, raw, conf):
        if raw == "":
            return None
        if raw not in ("yes", "no"):
            raise VzConfigError(conf.path, self.key, raw, "expected yes or no")
        return raw == "yes"


class Words(Key):
    """A space-separated list (NAMESERVER, DEVNODES)."""

    def decode(self, raw, conf):
        return raw.split()


class Template(Key):
    """OSTEMPLATE; vzctl 7 writes an EZ template as ``.NAME``, which is the template NAME."""

    def decode(self, raw, conf):
        return raw[1:] if raw.startswith(".") else raw


class Layout(Key):
    """VE_LAYOUT is ``simfs`` or ``ploop[:mode]``.

    vzctl 7 writes no VE_LAYOUT: ``VEFSTYPE`` (ext4, xfs: a ploop image;
    simfs) says it, from the CT config or vz.conf.  Without either, vzctl
    4.x uses simfs.
    """

    def __init__(self):
        super(Layout, self).__init__("VE_LAYOUT", inherited=True)
        self.keys = ("VE_LAYOUT", "VEFSTYPE")

    def read(self, conf, globals_):
        layout = super(Layout, self).read(conf, globals_)
        if layout:
            return layout
        fstype = conf.get("VEFSTYPE") or globals_.get("VEFSTYPE")
        if fstype:
            return "simfs" if fstype == "simfs" else "ploop"
        return "simfs"

    def decode(self, raw, conf):
        return raw.split(":")[0]


def _prefix_length(address):
    """vzctl 7 stores an IPv4 prefix as a netmask (``10.0.0.3/255.255.255.0`` for ``/24``)."""
    ip, sep, prefix = address.partition("/")
    if "." in prefix:
        try:
            return "%s/%d" % (ip, ipaddress.IPv4Network("0.0.0.0/" + prefix).prefixlen)
        except ValueError:
            pass  # not a netmask: left as stored, and so never equal to an address asked for
    return address


class Addresses(Key):
    """IP_ADDRESS, without the "no address" placeholders vzctl ignores, prefixes as lengths."""

    def read(self, conf, globals_):
        raw = conf.get(self.key)
        return [_prefix_length(address) for address in (raw or "").split() if address not in NO_ADDRESS]


def _pair(conf, key, raw, divisor):
    try:
        return vz_units.parse_conf_pair(raw, divisor)
    except ValueError as exc:
        raise VzConfigError(conf.path, key, raw, str(exc))


class Pair(Key):
    """``barrier[:limit]`` in the key's own unit (DISKINODES: a count)."""

    def __init__(self, key, divisor):
        super(Pair, self).__init__(key)
        self.divisor = divisor

    def decode(self, raw, conf):
        return _pair(conf, self.key, raw, self.divisor)


class BytePair(Pair):
    """A pair stored in units of ``divisor`` bytes, in the model as bytes (DISKSPACE)."""

    def decode(self, raw, conf):
        soft, hard = _pair(conf, self.key, raw, self.divisor)
        return soft * self.divisor, hard * self.divisor

    def encode(self, value):
        return "%d:%d" % (value[0] // self.divisor, value[1] // self.divisor)


class Limit(Pair):
    """The limit half of a page pair, as bytes; "unlimited" is None (PHYSPAGES)."""

    def decode(self, raw, conf):
        limit = _pair(conf, self.key, raw, self.divisor)[1]
        return None if limit >= vz_facts.LONG_MAX else limit * self.divisor


class Switches(Key):
    """``name:on|off`` items (FEATURES, CAPABILITY), as {name: bool}."""

    def __init__(self, key, normalise):
        super(Switches, self).__init__(key)
        self.normalise = normalise

    def decode(self, raw, conf):
        result = {}
        for token in raw.replace(",", " ").split():
            item, sep, state = token.partition(":")
            if not sep or state not in ("on", "off"):
                raise VzConfigError(conf.path, self.key, raw, "expected name:on|off items")
            result[self.normalise(item)] = state == "on"
        return result


class Netifs(Key):
    """NETIF: ``key=value,...`` entries joined by ``;``, as dicts of NETIF_KEYS."""

    def read(self, conf, globals_):
        raw = conf.get(self.key)
        if raw is None:
            return []
        netifs = []
        for entry in raw.split(";"):
            if not entry.strip():
                continue
            fields = {}
            key = None
            for part in entry.split(","):
                name, sep, value = part.partition("=")
                if sep:
                    key = name
                    fields[key] = value
                elif key in _LIST_FIELDS:
                    # vzctl 7 joins a veth's addresses with ',' too: ip6=A/64,B/64
                    fields[key] += "," + part
                else:
                    raise VzConfigError(conf.path, self.key, raw, "expected key=value items")
            if "ifname" not in fields:
                raise VzConfigError(conf.path, self.key, raw, "an entry has no ifname")
            netif = {field: fields.get(_NETIF_CONF_NAMES.get(field, field)) for field in NETIF_KEYS}
            for flag in ("dhcp", "dhcp6"):
                if netif[flag] not in (None, "yes", "no"):
                    raise VzConfigError(conf.path, self.key, raw, "%s= must be yes or no" % flag)
                netif[flag] = None if netif[flag] is None else netif[flag] == "yes"
            netif["ip_addresses"] = _veth_addresses(fields)
            netifs.append(netif)
        return netifs


def _veth_addresses(fields):
    """vzctl 7 stores a veth's IPv4 addresses as ``ip=A/NETMASK:B`` and its IPv6 ones as ``ip6=C/64,D``."""
    if "ip" not in fields and "ip6" not in fields:
        return None
    addresses = (fields.get("ip") or "").split(":") + (fields.get("ip6") or "").split(",")
    return [_prefix_length(address) for address in addresses if address]


class Mask(Key):
    """CPUMASK, NODEMASK: vzctl 4.x writes all CPUs as ``all``, vzctl 7 as an empty value."""

    def decode(self, raw, conf):
        if raw in ("", "all", "auto"):
            return raw or "all"
        try:
            return vz_validate.mask(raw, self.key)
        except VzInputError as exc:
            raise VzConfigError(conf.path, self.key, raw, str(exc))


class MemGuarantee(Key):
    """MEMGUARANTEE: ``auto`` or a percentage of RAM."""

    def decode(self, raw, conf):
        if raw in ("", "auto"):
            return raw or None
        if not _DIGITS_RE.fullmatch(raw):
            raise VzConfigError(conf.path, self.key, raw, "expected auto or a percentage")
        return int(raw)


class Bindmounts(Key):
    """BINDMOUNT: ``[SRC:]DST[,OPTION...]`` items separated by blanks (libvzctl bindmount.c)."""

    def decode(self, raw, conf):
        mounts = []
        for item in raw.split():
            paths, _sep, options = item.partition(",")
            src, sep, dst = paths.partition(":")
            if not sep:
                src, dst = None, paths
            try:
                mounts.append(vz_validate.bindmount({"src": src, "dst": dst, "options": options}, self.key))
            except VzInputError as exc:
                raise VzConfigError(conf.path, self.key, raw, str(exc))
        return mounts


class Ubc(object):
    """The UBC pairs other than PHYSPAGES/SWAPPAGES (memory and swap), as {name: [barrier, limit]}."""

    def __init__(self):
        self.keys = tuple(key for key in vz_facts.UBC_DIVISORS if key not in ("PHYSPAGES", "SWAPPAGES"))

    def read(self, conf, globals_):
        ubc = {}
        for key in self.keys:
            raw = conf.get(key)
            if raw is not None:
                ubc[key.lower()] = list(_pair(conf, key, raw, vz_facts.UBC_DIVISORS[key]))
        return ubc or None
