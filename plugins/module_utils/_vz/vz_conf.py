# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""CTID.conf and vz.conf, read the way vzctl reads them: raw values by key.

Reading never writes (libvirt's driver appends ``#UUID:`` lines while merely
listing; this one does not).  What each value means is vz_conf_values' and
vz_settings' business; this module has no knowledge of settings, so the
day-2 modules ship it without the model.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import io
import os
import re

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_facts

VZ_CONF = "/etc/vz/vz.conf"
CONF_DIR = "/etc/vz/conf"
NAMES_DIR = "/etc/vz/names"
# A numeric CTID or (OpenVZ 7) a UUID, as the tools write them in file names.
_CTID_RE = re.compile(r"[0-9]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


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
    """The CTID a container name maps to, from /etc/vz/names (no process spawned).

    vzctl 4.x links a name to ``/etc/vz/conf/CTID.conf``; vzctl 7 to the CT's
    ``VE_PRIVATE/ve.conf``, whose ``VEID=`` names the CT.
    """
    link = os.path.join(NAMES_DIR, name)
    if not os.path.islink(link):
        return None
    target = os.readlink(link)
    base = os.path.basename(target)
    if base == "ve.conf":
        path = os.path.join(NAMES_DIR, target)
        ctid = read_conf(path).get("VEID", "") if os.path.isfile(path) else ""
    else:
        ctid = base[:-len(".conf")] if base.endswith(".conf") else ""
    return ctid if _CTID_RE.fullmatch(ctid) else None


def expand_veid(template, ctid):
    return template.replace("$VEID", ctid) if template else template
