# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every container of a host from one vzlist call plus the CT config files.

``vzlist -j`` writes strings unescaped (a description holding ``"`` makes the
whole document invalid JSON), so vzlist is asked only for the CTID and the
run state, which can carry no such text; everything else is read from
``CTID.conf`` with vz_conf, the way the container module reads it.  The
caller supplies how vzlist's output and the config texts are obtained: the
module reads them on the host, the inventory plugin over one SSH call.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import io
import json

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_model, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzError, VzStateError

# ctid is an int on vzctl 4.x and a string on OpenVZ 7; status is one word
# (one of vz_facts.VZLIST_STATUSES).
VZLIST_ARGV = ("vzlist", "-a", "-j", "-o", "ctid,status")


def parse_vzlist(text):
    """[(ctid, status)] from the output of VZLIST_ARGV, in vzlist's order."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise VzStateError("unexpected vzlist output (%s): %r" % (exc, text[:200]))
    if not isinstance(data, list):
        raise VzStateError("unexpected vzlist output: %r" % text[:200])
    entries = []
    for item in data:
        if not isinstance(item, dict) or "ctid" not in item or "status" not in item:
            raise VzStateError("unexpected vzlist entry: %r" % (item,))
        ctid = str(item["ctid"])
        if ctid == "0":
            continue  # the host itself, never a container
        try:
            # It names a config file: only a number or a UUID may.
            ctid = vz_validate.ctid(ctid)
        except VzError:
            raise VzStateError("unexpected vzlist entry: %r" % (item,))
        entries.append((ctid, str(item["status"])))
    return entries


class Selection(object):
    """Which containers a caller wants: each given list must match (any of its items)."""

    def __init__(self, ctids=None, names=None, statuses=None):
        self.ctids = set(str(c) for c in ctids) if ctids else None
        self.names = set(names) if names else None
        self.statuses = set(statuses) if statuses else None

    def wants_entry(self, ctid, status):
        """Decided before the config is read (a name may also select by CTID)."""
        if self.statuses is not None and status not in self.statuses:
            return False
        if self.ctids is not None and ctid not in self.ctids and self.names is None:
            return False
        return True

    def wants(self, container):
        if self.ctids is not None and self.names is not None:
            return container.ctid in self.ctids or container.name in self.names
        if self.names is not None:
            return container.name in self.names
        return True


def containers(entries, read_conf_text, globals_, selection=None):
    """(containers, warnings) for vzlist ``entries``.

    ``read_conf_text(ctid)`` returns the text of CTID.conf, or None when it is
    gone (destroyed since vzlist ran).  A config the driver cannot parse is
    reported in the warnings and left out, not guessed at.
    """
    selection = selection or Selection()
    found, warnings = [], []
    for ctid, status in entries:
        if not selection.wants_entry(ctid, status):
            continue
        path = vz_conf.ct_conf_path(ctid)
        text = read_conf_text(ctid)
        if text is None:
            continue
        try:
            container = vz_model.container_from_conf(ctid, vz_conf.parse_conf_text(text, path), globals_)
        except VzError as exc:
            warnings.append("container %s left out: %s" % (ctid, exc))
            continue
        container.status = status
        if selection.wants(container):
            found.append(container)
    return found, warnings


def read_local_conf_text(ctid):
    """CTID.conf from this host's /etc/vz/conf, or None if it is gone."""
    try:
        with io.open(vz_conf.ct_conf_path(ctid), "r", encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except (IOError, OSError):
        return None
