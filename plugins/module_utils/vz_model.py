# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The container model every other part of the driver speaks.

One ``Container`` holds what the host has (read from CTID.conf) or what a task
wants (from parameters or domain XML).  ``None`` means "not set": on the
desired side it leaves the host's value alone.  ``status`` is one of the run
states of vz_facts.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

NETIF_KEYS = ("ifname", "mac", "host_ifname", "host_mac", "bridge")

# Field name -> what it holds.  Sizes are bytes; disk pairs are (soft, hard).
FIELDS = (
    "ctid", "name", "uuid", "description",
    "ostemplate", "profile", "layout", "private", "root",
    "hostname", "ip_addresses", "netifs", "nameservers", "searchdomains", "onboot",
    "memory", "swap", "cpus", "cpulimit", "cpuunits",
    "diskspace", "diskinodes", "features", "capabilities", "devnodes",
    "stop_timeout", "ubc",
)

# Fixed at creation: a difference is reported and refused, never "fixed" by
# recreating the container.
CREATE_ONLY = ("ostemplate", "profile", "layout", "private", "root")


class Container(object):
    __slots__ = FIELDS + ("status",)

    def __init__(self, **values):
        for field in FIELDS:
            setattr(self, field, values.pop(field, None))
        self.status = values.pop("status", None)
        if values:
            raise TypeError("unknown container fields: %s" % ", ".join(sorted(values)))

    def copy(self):
        clone = Container(**{field: _copy_value(getattr(self, field)) for field in FIELDS})
        clone.status = self.status
        return clone

    def merged(self, desired):
        """This container with every field ``desired`` sets applied over it."""
        result = self.copy()
        for field in FIELDS:
            value = getattr(desired, field)
            if value is None:
                continue
            if field in ("features", "capabilities"):
                combined = dict(getattr(result, field) or {})
                combined.update(value)
                value = combined
            elif field == "netifs":
                value = merge_netifs(getattr(result, field) or [], value)
            setattr(result, field, _copy_value(value))
        return result

    def display_name(self):
        return self.name or self.ctid

    def to_dict(self):
        data = {field: _copy_value(getattr(self, field)) for field in FIELDS}
        for pair in ("diskspace", "diskinodes"):
            if data[pair] is not None:
                data[pair] = {"soft": data[pair][0], "hard": data[pair][1]}
        data["status"] = self.status
        return data


def merge_netifs(current, desired):
    """Desired NETIF entries, filling fields the task left out from the host's entry."""
    by_name = {netif["ifname"]: netif for netif in current}
    merged = []
    for netif in desired:
        base = dict(by_name.get(netif["ifname"], {}))
        base.update({key: value for key, value in netif.items() if value is not None})
        merged.append(base)
    return merged


def _copy_value(value):
    if isinstance(value, list):
        return [dict(item) if isinstance(item, dict) else item for item in value]
    if isinstance(value, dict):
        return dict(value)
    return value
