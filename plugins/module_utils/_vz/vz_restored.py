# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which backup a container was restored from, so that ``state: restored`` converges.

Neither ``vzrestore`` nor ``prlctl restore`` records where a container came
from, so a re-run could not tell a restored container from any other and would
refuse it (or, with ``force``, destroy and restore it again).  After a restore
the backup module writes ``/var/lib/openvz.vz/restored/CTID``: the backup's id
and the device and inode of the container's private area.  A re-run that finds
the container on that same private area is done; one destroyed and made again
since lives on a new directory and is treated as any existing container.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

RESTORED_DIR = "/var/lib/openvz.vz/restored"


def _path(ctid):
    return os.path.join(RESTORED_DIR, ctid)


def _area(private):
    try:
        st = os.stat(private)
    except OSError:
        return None
    return [st.st_dev, st.st_ino]


def restored_from(ctid, private):
    """The id of the backup container ``ctid`` was restored from, if it is still that container."""
    try:
        with open(_path(ctid)) as handle:
            record = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("area") is None or record.get("area") != _area(private):
        return None
    return record.get("backup")


def record(ctid, backup_id, private):
    # exist_ok: several restores may run side by side.
    os.makedirs(RESTORED_DIR, 0o700, exist_ok=True)
    tmp = _path(ctid) + ".tmp"
    with open(tmp, "w") as handle:
        json.dump({"backup": backup_id, "area": _area(private)}, handle)
    os.rename(tmp, _path(ctid))
