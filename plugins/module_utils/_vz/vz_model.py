# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The container model every other part of the driver speaks.

One ``Container`` holds what the host has (read from CTID.conf) or what a task
wants (from parameters or domain XML); its fields are the settings of
vz_settings plus who the container is.  ``None`` means "not set": on the
desired side it leaves the host's value alone.  ``status`` is one of the run
states of vz_facts.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_settings import BY_NAME, FIELDS, SETTINGS


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
            setting = BY_NAME.get(field)
            if setting is not None and setting.merge is not None:
                value = setting.merge(getattr(result, field), value)
            setattr(result, field, _copy_value(value))
        return result

    def display_name(self):
        return self.name or self.ctid

    def to_dict(self):
        data = {field: _copy_value(getattr(self, field)) for field in FIELDS}
        for setting in SETTINGS:
            if setting.result is not None and data[setting.name] is not None:
                data[setting.name] = setting.result(data[setting.name])
        data["status"] = self.status
        return data


def _copy_value(value):
    if isinstance(value, list):
        return [dict(item) if isinstance(item, dict) else item for item in value]
    if isinstance(value, dict):
        return dict(value)
    return value


def conf_uuid(conf):
    """The CT's UUID: OpenVZ 7's ``UUID=`` (vzctl 7 and prlctl write it into ve.conf), else the
    ``#UUID:`` comment libvirt keeps; a value that is no UUID is none."""
    value = conf.get("UUID")
    if value and vz_validate.is_uuid(value):
        return vz_validate.uuid(value, "UUID")
    return conf.uuid


def container_from_conf(ctid, conf, globals_):
    """The model of CT ``ctid`` from its config (a vz_conf.ConfFile), vz.conf supplying defaults."""
    ct = Container(ctid=ctid, uuid=conf_uuid(conf))
    for setting in SETTINGS:
        setattr(ct, setting.name, setting.key.read(conf, globals_))
    return ct
