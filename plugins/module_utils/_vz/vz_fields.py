# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kinds of comparison and of ``vzctl set`` options the settings use.

vz_settings declares, per setting, which comparison and which option builder
applies; this module holds their code.  A comparison is ``same(current,
desired)``; an option builder is ``args(current, desired)`` and returns the
options that turn ``current`` into ``desired``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_facts, vz_units, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError, VzStateError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_conf_values import NETIF_KEYS


def equal(current, desired):
    return current == desired


def _ip_key(address):
    ip, _sep, prefix = address.partition("/")
    try:
        ip = str(ipaddress.ip_address(ip))
    except ValueError:
        pass
    return ip + ("/" + prefix if prefix else "")


def same_ips(current, desired):
    return sorted(_ip_key(a) for a in current or []) == sorted(_ip_key(a) for a in desired)


def same_pages(current, desired):
    if current is None:
        return False
    return current // vz_facts.PAGE == desired // vz_facts.PAGE


def same_kib_pair(current, desired):
    if current is None:
        return False
    kib = vz_facts.KIB
    return (current[0] // kib, current[1] // kib) == (desired[0] // kib, desired[1] // kib)


def subset(current, desired):
    current = current or {}
    return all(current.get(key) == value for key, value in desired.items())


def same_set(current, desired):
    return sorted(current or []) == sorted(desired)


def same_mask(current, desired):
    """No CPUMASK/NODEMASK is every CPU (node), as ``all`` is."""
    return (current or "all") == desired


def _bindmount_key(mount):
    return mount["dst"], mount["src"] or "", tuple(mount["options"])


def same_bindmounts(current, desired):
    return sorted(_bindmount_key(m) for m in current or []) == sorted(_bindmount_key(m) for m in desired)


def _bindmount_arg(mount):
    paths = "%s:%s" % (mount["src"], mount["dst"]) if mount["src"] else mount["dst"]
    return ",".join([paths] + list(mount["options"]))


def bindmount_args(current, desired):
    # The whole list, as for IP addresses: libvzctl takes "all" and the new ones
    # in one call (bindmount.c bindmount2str() merges them over nothing).
    args = ["--bindmount_del", "all"]
    for mount in desired:
        args += ["--bindmount_add", _bindmount_arg(mount)]
    return args


# MAC addresses are case-insensitive; interface and bridge names are not; an
# absent DHCP flag or address list is off or empty, as vzctl 7 reads it.
_NETIF_FOLD = {"mac": lambda v: (v or "").upper(), "host_mac": lambda v: (v or "").upper(),
               "gateway": lambda v: _ip_key(v or ""), "gateway6": lambda v: _ip_key(v or ""),
               "dhcp": bool, "dhcp6": bool,
               "ip_addresses": lambda v: sorted(_ip_key(address) for address in v or [])}


def _netif_value(netif, key):
    return _NETIF_FOLD.get(key, lambda v: v or "")(netif.get(key))


def same_netifs(current, desired):
    by_name = {netif["ifname"]: netif for netif in current or []}
    if sorted(by_name) != sorted(netif["ifname"] for netif in desired):
        return False
    for netif in desired:
        have = by_name[netif["ifname"]]
        for key in NETIF_KEYS:
            if netif.get(key) is not None and _netif_value(have, key) != _netif_value(netif, key):
                return False
    return True


def same_ubc(current, desired):
    current = current or {}
    return all(current.get(key) == list(value) for key, value in desired.items())


# ------------------------------------------------------------------ options

def option(flag):
    return lambda current, desired: [flag, str(desired)]


def yes_no(flag):
    return lambda current, desired: [flag, "yes" if desired else "no"]


def size(flag):
    return lambda current, desired: [flag, vz_units.format_size(desired)]


def ip_args(current, desired):
    # The whole list in one call, never a delta: a delta computed from a state
    # read before vzctl took the CT lock would merge two concurrent plays.
    args = ["--ipdel", "all"]
    for address in desired:
        args += ["--ipadd", address]
    return args


def list_args(flag, param):
    def build(current, desired):
        if not desired:
            raise VzInputError(param, "vzctl cannot empty this list; give the wanted entries "
                                      "(or 'inherit' to use the host's)")
        args = []
        for item in desired:
            args += [flag, item]
        return args
    return build


def size_pair(flag):
    def build(current, desired):
        return [flag, "%s:%s" % (vz_units.format_size(desired[0]), vz_units.format_size(desired[1]))]
    return build


def count_pair(flag):
    def build(current, desired):
        return [flag, "%d:%d" % tuple(desired)]
    return build


def switch_args(flag):
    def build(current, desired):
        current = current or {}
        changed = ["%s:%s" % (key.lower(), "on" if value else "off")
                   for key, value in sorted(desired.items()) if current.get(key) != value]
        return [flag, ",".join(changed)]
    return build


def devnode_args(current, desired):
    args = []
    wanted_devices = [node.rsplit(":", 1)[0] for node in desired]
    for node in current or []:
        if node.rsplit(":", 1)[0] not in wanted_devices:
            args += ["--devnodes", node.rsplit(":", 1)[0] + ":none"]
    for node in desired:
        if node not in (current or []):
            args += ["--devnodes", node]
    return args


def ubc_args(current, desired):
    current = current or {}
    args = []
    for key in sorted(desired):
        if current.get(key) != list(desired[key]):
            barrier, limit = desired[key]
            args += ["--" + key, "%s:%s" % (vz_facts.limit_text(barrier), vz_facts.limit_text(limit))]
    return args


def merge_netifs(current, desired):
    """Desired NETIF entries, filling fields the task left out from the host's entry."""
    by_name = {netif["ifname"]: netif for netif in current}
    merged = []
    for netif in desired:
        base = dict(by_name.get(netif["ifname"], {}))
        base.update({key: value for key, value in netif.items() if value is not None})
        merged.append(base)
    return merged


def netif_add_arg(netif):
    """``--netif_add`` takes ifname,mac,host_ifname,host_mac,bridge; blanks are generated."""
    fields = [netif.get("ifname") or "", netif.get("mac") or "", netif.get("host_ifname") or "",
              netif.get("host_mac") or "", netif.get("bridge") or ""]
    while fields and not fields[-1]:
        fields.pop()
    return ",".join(fields)


def netif_args(current, desired):
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


def netif_calls_vz7(current, desired):
    """vzctl 7's calls that turn the veth list into ``desired``, each an argv tail for ``vzctl set``.

    vzctl 7 takes ``--netif_add`` with MACs only beside ``--ifname``, allows one
    ``--ifname`` a call (and a ``--netif_add`` without one is that call's
    ``--ifname``), has no ``--bridge`` (a veth joins a bridge through its
    virtual network, ``--network``), knows no ``--netif_del all`` (libvzctl
    takes "all" as an interface name) and, with ``--netif_add`` or ``--ifname``
    present, gives ``--ipadd`` to the veth instead of venet.  So the names are
    set in calls of their own (``--netif_del`` each one not wanted with the
    first new name's plain ``--netif_add``, each further new name in one more
    call), then each veth whose fields differ gets one ``--ifname`` call.
    Not atomic: a failure in between leaves generated MACs, which a re-run
    sets.
    """
    have = dict((netif["ifname"], netif) for netif in current or [])
    wanted = [netif["ifname"] for netif in desired]
    deleted = []
    for name in have:
        if name not in wanted:
            deleted += ["--netif_del", name]
    # Without --ifname, vzctl 7 takes a --netif_add's name as the call's --ifname,
    # which may be given once (src/vzctl.c): one new name a call.
    added = [["--netif_add", name] for name in wanted if name not in have] or [[]]
    calls = [call for call in [deleted + added[0]] + added[1:] if call]
    for netif in merge_netifs(current or [], desired):
        _check_host_netif(netif)
        old = have.get(netif["ifname"], {})
        fields = []
        for key, flag in _VZ7_IFNAME_OPTIONS:
            value = netif.get(key)
            if value is None or value == "" or _netif_value(old, key) == _netif_value(netif, key):
                continue
            if key == "ip_addresses":
                fields += ["--ipdel", "all"]
                for address in value:
                    fields += ["--ipadd", address]
            else:
                fields += [flag, ("yes" if value else "no") if isinstance(value, bool) else value]
        if fields:
            calls.append(["--ifname", netif["ifname"]] + fields)
    return calls


# vzctl 7's options beside ``--ifname`` for each veth field; ``--ipadd`` there
# goes to the veth, and ``--ipdel all`` with it replaces the veth's list
# (libvzctl veth.c merge_veth_dev(), common.c copy_ip_param()).
_VZ7_IFNAME_OPTIONS = (("mac", "--mac"), ("host_ifname", "--host_ifname"), ("host_mac", "--host_mac"),
                       ("network", "--network"), ("gateway", "--gw"), ("gateway6", "--gw6"), ("dhcp", "--dhcp"),
                       ("dhcp6", "--dhcp6"), ("ip_addresses", "--ipadd"))


def _check_host_netif(netif):
    """Values kept from the host's NETIF go back on an argv: they pass the same checks."""
    for key in vz_validate.NETIF_ADD_FIELDS:
        if netif.get(key):
            try:
                vz_validate.NETIF_FIELDS[key](netif[key], key)
            except VzInputError as exc:
                raise VzStateError("the container config's NETIF entry for %s holds %s; give netifs[].%s "
                                   "in the task to replace it" % (netif.get("ifname"), exc, key))
