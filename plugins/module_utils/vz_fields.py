# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-setting comparison and the ``vzctl set`` options that close a difference.

Each setting is declared once here: how the host's value and the wanted value
compare, and which options change one into the other.  The planner only walks
this table.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.openvz.vz.plugins.module_utils import vz_facts, vz_units, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils.vz_errors import VzInputError, VzStateError
from ansible_collections.openvz.vz.plugins.module_utils.vz_model import NETIF_KEYS, merge_netifs


def _equal(current, desired):
    return current == desired


def _ip_key(address):
    ip, _sep, prefix = address.partition("/")
    try:
        ip = str(ipaddress.ip_address(ip))
    except ValueError:
        pass
    return ip + ("/" + prefix if prefix else "")


def _same_ips(current, desired):
    return sorted(_ip_key(a) for a in current or []) == sorted(_ip_key(a) for a in desired)


def _same_pages(current, desired):
    if current is None:
        return False
    return current // vz_facts.PAGE == desired // vz_facts.PAGE


def _same_kib_pair(current, desired):
    if current is None:
        return False
    kib = vz_facts.KIB
    return (current[0] // kib, current[1] // kib) == (desired[0] // kib, desired[1] // kib)


def _subset(current, desired):
    current = current or {}
    return all(current.get(key) == value for key, value in desired.items())


# MAC addresses are case-insensitive; interface and bridge names are not.
_NETIF_FOLD = {"mac": str.upper, "host_mac": str.upper}


def _netif_value(netif, key):
    value = netif.get(key) or ""
    return _NETIF_FOLD.get(key, str)(value)


def _same_netifs(current, desired):
    by_name = {netif["ifname"]: netif for netif in current or []}
    if sorted(by_name) != sorted(netif["ifname"] for netif in desired):
        return False
    for netif in desired:
        have = by_name[netif["ifname"]]
        for key in NETIF_KEYS:
            if netif.get(key) is not None and _netif_value(have, key) != _netif_value(netif, key):
                return False
    return True


def _same_ubc(current, desired):
    current = current or {}
    return all(current.get(key) == list(value) for key, value in desired.items())


# ------------------------------------------------------------------ options

def _opt(flag):
    return lambda current, desired: [flag, str(desired)]


def _yesno(flag):
    return lambda current, desired: [flag, "yes" if desired else "no"]


def _size(flag):
    return lambda current, desired: [flag, vz_units.format_size(desired)]


def _ip_args(current, desired):
    # The whole list in one call, never a delta: a delta computed from a state
    # read before vzctl took the CT lock would merge two concurrent plays.
    args = ["--ipdel", "all"]
    for address in desired:
        args += ["--ipadd", address]
    return args


def _list_args(flag, param):
    def build(current, desired):
        if not desired:
            raise VzInputError(param, "vzctl cannot empty this list; give the wanted entries "
                                      "(or 'inherit' to use the host's)")
        args = []
        for item in desired:
            args += [flag, item]
        return args
    return build


def _disk_pair(flag):
    def build(current, desired):
        return [flag, "%s:%s" % (vz_units.format_size(desired[0]), vz_units.format_size(desired[1]))]
    return build


def _inode_pair(current, desired):
    return ["--diskinodes", "%d:%d" % desired]


def _switch_args(flag):
    def build(current, desired):
        current = current or {}
        changed = ["%s:%s" % (key.lower(), "on" if value else "off")
                   for key, value in sorted(desired.items()) if current.get(key) != value]
        return [flag, ",".join(changed)]
    return build


def _devnode_args(current, desired):
    args = []
    wanted_devices = [node.rsplit(":", 1)[0] for node in desired]
    for node in current or []:
        if node.rsplit(":", 1)[0] not in wanted_devices:
            args += ["--devnodes", node.rsplit(":", 1)[0] + ":none"]
    for node in desired:
        if node not in (current or []):
            args += ["--devnodes", node]
    return args


def _ubc_args(current, desired):
    current = current or {}
    args = []
    for key in sorted(desired):
        if current.get(key) != list(desired[key]):
            barrier, limit = desired[key]
            args += ["--" + key, "%s:%s" % (vz_facts.limit_text(barrier), vz_facts.limit_text(limit))]
    return args


def netif_add_arg(netif):
    """``--netif_add`` takes ifname,mac,host_ifname,host_mac,bridge; blanks are generated."""
    fields = [netif.get("ifname") or "", netif.get("mac") or "", netif.get("host_ifname") or "",
              netif.get("host_mac") or "", netif.get("bridge") or ""]
    while fields and not fields[-1]:
        fields.pop()
    return ",".join(fields)


def netif_changes(current, desired):
    """The args that set the whole interface list in the main set call.

    Like IP addresses, the list is replaced whole (``--netif_del all`` and one
    ``--netif_add`` per interface) so that the CT lock serialises two plays;
    fields the task leaves out keep the host's values (MACs, host names).
    """
    args = ["--netif_del", "all"]
    for merged in merge_netifs(current or [], desired):
        _check_host_netif(merged)
        args += ["--netif_add", netif_add_arg(merged)]
    return args


def _check_host_netif(netif):
    """Values kept from the host's NETIF go back on an argv: they pass the same checks."""
    for key, check in vz_validate.NETIF_FIELDS.items():
        if netif.get(key):
            try:
                check(netif[key], key)
            except VzInputError as exc:
                raise VzStateError("the container config's NETIF entry for %s holds %s; give netifs[].%s "
                                   "in the task to replace it" % (netif.get("ifname"), exc, key))


class Field(object):
    def __init__(self, name, same, args, restart=False):
        self.name = name
        self.same = same
        self.args = args
        # vzctl saves these on a running CT but applies them only at the next start.
        self.restart = restart


# Order = order of options in the generated ``vzctl set`` call.
SET_FIELDS = (
    Field("name", _equal, _opt("--name")),
    Field("description", _equal, _opt("--description")),
    Field("hostname", _equal, _opt("--hostname")),
    Field("ip_addresses", _same_ips, _ip_args),
    Field("nameservers", _equal, _list_args("--nameserver", "nameservers")),
    Field("searchdomains", _equal, _list_args("--searchdomain", "searchdomains")),
    Field("onboot", _equal, _yesno("--onboot")),
    Field("memory", _same_pages, _size("--ram")),
    Field("swap", _same_pages, _size("--swap")),
    Field("cpus", _equal, _opt("--cpus")),
    Field("cpulimit", _equal, _opt("--cpulimit")),
    Field("cpuunits", _equal, _opt("--cpuunits")),
    Field("diskspace", _same_kib_pair, _disk_pair("--diskspace")),
    Field("diskinodes", _equal, _inode_pair),
    Field("features", _subset, _switch_args("--features"), restart=True),
    Field("capabilities", _subset, _switch_args("--capability"), restart=True),
    Field("devnodes", lambda c, d: sorted(c or []) == sorted(d), _devnode_args),
    Field("stop_timeout", _equal, _opt("--stop-timeout")),
    Field("ubc", _same_ubc, _ubc_args),
)

NETIFS = Field("netifs", _same_netifs, None)

SET_FIELDS_BY_NAME = dict((field.name, field) for field in SET_FIELDS)
