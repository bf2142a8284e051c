# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which containers this collection created but has not yet given their root password.

With ``update_password: on_create`` the password is set only by the run that
creates the container.  If that run fails after ``vzctl create`` (at the set,
start or chpasswd step), the re-run finds the container existing and would
skip the password for good.  So the create writes an empty marker file first
and the successful chpasswd removes it; a re-run that finds the marker sets
the password.  The marker holds nothing secret: its name is the CTID.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

PENDING_DIR = "/var/lib/openvz.vz/password-pending"


def _path(ctid):
    return os.path.join(PENDING_DIR, ctid)


def is_pending(ctid):
    return os.path.exists(_path(ctid))


def mark(ctid):
    # exist_ok: the containers module creates containers side by side.
    os.makedirs(PENDING_DIR, 0o700, exist_ok=True)
    with open(_path(ctid), "w"):
        pass


def clear(ctid):
    try:
        os.unlink(_path(ctid))
    except OSError:
        if os.path.exists(_path(ctid)):
            raise
