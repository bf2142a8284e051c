# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CTID.conf and vz.conf, read the way vzctl reads them, into the model.

Reading never writes (libvirt's driver appends ``#UUID:`` lines while merely
listing; this one does not), and a value it cannot parse is an error naming
the key, never silently dropped.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import io
import os
import re

from ansible_collections.openvz.vz.plugins.module_utils import vz_facts, vz_units
from ansible_collections.openvz.vz.plugins.module_utils.vz_errors import VzConfigError
from ansible_collections.openvz.vz.plugins.module_utils.vz_model import Container, NETIF_KEYS

VZ_CONF = "/etc/vz/vz.conf"
CONF_DIR = "/etc/vz/conf"
NAMES_DIR = "/etc/vz/names"

# OpenVZ 7 samples say IP_ADDRESS="0.0.0.0" for none; vzctl ignores these.
_NO_ADDRESS = ("0.0.0.0", "::")


class ConfFile(object):
    """Raw values of one config file, plus the ``#UUID:`` comment libvirt keeps."""

    def __init__(self, path, values, uuid=None):
        self.path = path
        self.values = values
        self.uuid = uuid

    def get(self, key, default=None):
        return self.values.get(key, default)


def _strip_backslashes(line):
    out = []
    chars = iter(line)
    for char in chars:
        out.append(next(chars, "") if char == "\\" else char)
    return "".join(out)


def parse_conf_text(text, path):
    values = {}
    uuid = None
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped.startswith("#UUID:"):
            uuid = uuid or stripped[len("#UUID:"):].strip()
            continue
        line = _strip_backslashes(raw).strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if value.startswith('"'):
            end = value.rfind('"')
            if end == 0:
                # vzctl skips such a line with a warning; so do we.
                continue
            value = value[1:end]
        if key in values:
            # As vzctl reads a repeated key (vz_facts.duplicate_policy).
            policy = vz_facts.duplicate_policy(key)
            if policy == vz_facts.DUP_ACCUMULATE:
                values[key] = (values[key] + " " + value).strip()
            elif policy == vz_facts.DUP_LAST:
                values[key] = value
            continue
        values[key] = value
    return ConfFile(path, values, uuid)


def read_conf(path):
    # vzctl stores bytes as given: a config may hold any of them, which must
    # not crash a reader (undecodable bytes read as U+FFFD, as vz_listing does).
    with io.open(path, "r", encoding="utf-8", errors="replace") as handle:
        return parse_conf_text(handle.read(), path)


def read_globals():
    return read_conf(VZ_CONF) if os.path.exists(VZ_CONF) else ConfFile(VZ_CONF, {})


def ct_conf_path(ctid):
    return os.path.join(CONF_DIR, "%s.conf" % ctid)


def ctid_for_name(name):
    """The CTID a container name maps to, from /etc/vz/names (no process spawned)."""
    link = os.path.join(NAMES_DIR, name)
    if not os.path.islink(link):
        return None
    target = os.path.basename(os.readlink(link))
    ctid = target[:-len(".conf")] if target.endswith(".conf") else ""
    return ctid if re.fullmatch("[0-9]+", ctid) else None


def expand_veid(template, ctid):
    return template.replace("$VEID", ctid) if template else template


def _words(value):
    return value.split() if value else []


def _pair(conf, key, divisor):
    raw = conf.get(key)
    if raw is None:
        return None
    try:
        return vz_units.parse_conf_pair(raw, divisor)
    except ValueError as exc:
        raise VzConfigError(conf.path, key, raw, str(exc))


def _int(conf, key):
    raw = conf.get(key)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise VzConfigError(conf.path, key, raw, "not an integer")


def _yesno(conf, key):
    raw = conf.get(key)
    if raw is None or raw == "":
        return None
    if raw not in ("yes", "no"):
        raise VzConfigError(conf.path, key, raw, "expected yes or no")
    return raw == "yes"


def _switches(conf, key, normalise):
    raw = conf.get(key)
    if raw is None:
        return None
    result = {}
    for token in raw.replace(",", " ").split():
        item, sep, state = token.partition(":")
        if not sep or state not in ("on", "off"):
            raise VzConfigError(conf.path, key, raw, "expected name:on|off items")
        result[normalise(item)] = state == "on"
    return result


def _netifs(conf):
    raw = conf.get("NETIF")
    if raw is None:
        return None
    netifs = []
    for entry in raw.split(";"):
        if not entry.strip():
            continue
        fields = {}
        for part in entry.split(","):
            key, sep, value = part.partition("=")
            if not sep:
                raise VzConfigError(conf.path, "NETIF", raw, "expected key=value items")
            fields[key] = value
        if "ifname" not in fields:
            raise VzConfigError(conf.path, "NETIF", raw, "an entry has no ifname")
        netifs.append({key: fields.get(key) for key in NETIF_KEYS})
    return netifs


def _limit_bytes(pair, unit):
    if pair is None or pair[1] >= vz_facts.LONG_MAX:
        return None
    return pair[1] * unit


def container_from_conf(ctid, conf, globals_):
    """The model of CT ``ctid`` from its config, with vz.conf supplying defaults."""
    def setting(key, default=None):
        value = conf.get(key)
        return value if value is not None else globals_.get(key, default)

    physpages = _pair(conf, "PHYSPAGES", vz_facts.PAGE)
    swappages = _pair(conf, "SWAPPAGES", vz_facts.PAGE)
    diskspace = _pair(conf, "DISKSPACE", vz_facts.DISK_DIVISORS["DISKSPACE"])
    ubc = {}
    for key, divisor in vz_facts.UBC_DIVISORS.items():
        if key in ("PHYSPAGES", "SWAPPAGES"):
            continue  # they are memory and swap
        pair = _pair(conf, key, divisor)
        if pair is not None:
            ubc[key.lower()] = list(pair)
    return Container(
        ctid=ctid,
        name=conf.get("NAME") or None,
        uuid=conf.uuid,
        description=conf.get("DESCRIPTION"),
        ostemplate=conf.get("OSTEMPLATE"),
        profile=conf.get("ORIGIN_SAMPLE"),
        layout=(setting("VE_LAYOUT") or "simfs").split(":")[0],
        private=setting("VE_PRIVATE"),
        root=setting("VE_ROOT"),
        hostname=conf.get("HOSTNAME"),
        ip_addresses=[address for address in _words(conf.get("IP_ADDRESS")) if address not in _NO_ADDRESS],
        netifs=_netifs(conf) or [],
        nameservers=_words(conf.get("NAMESERVER")) if conf.get("NAMESERVER") is not None else None,
        searchdomains=_words(conf.get("SEARCHDOMAIN")) if conf.get("SEARCHDOMAIN") is not None else None,
        onboot=_yesno(conf, "ONBOOT"),
        memory=_limit_bytes(physpages, vz_facts.PAGE),
        swap=_limit_bytes(swappages, vz_facts.PAGE),
        cpus=_int(conf, "CPUS"),
        cpulimit=_int(conf, "CPULIMIT"),
        cpuunits=_int(conf, "CPUUNITS"),
        diskspace=(diskspace[0] * vz_facts.KIB, diskspace[1] * vz_facts.KIB) if diskspace else None,
        diskinodes=_pair(conf, "DISKINODES", vz_facts.DISK_DIVISORS["DISKINODES"]),
        features=_switches(conf, "FEATURES", lambda item: item.lower()),
        capabilities=_switches(conf, "CAPABILITY", lambda item: item.upper()),
        devnodes=_words(conf.get("DEVNODES")) if conf.get("DEVNODES") is not None else None,
        stop_timeout=_int(conf, "STOP_TIMEOUT"),
        ubc=ubc or None,
    )
