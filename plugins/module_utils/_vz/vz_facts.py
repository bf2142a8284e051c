# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Facts about OpenVZ's tools, each defined here once for the whole collection.

Units and "unlimited", the UBC table, the run states and how ``vzctl status``
says them, what each tool's exit codes mean, and how vzctl reads a key that
a config file repeats.  From vzctl 4.x (``include/vzerror.h``,
``src/lib/config.c``, ``src/lib/ub.c``) and OpenVZ 7's libvzctl, as
docs/openvz-tools.md records them.  The emulator (tests/emulator) keeps its
own copies on purpose: it is the reference these are checked against.

Only vz_errors is imported here, so every module can take these facts
without carrying the container driver or lxml along.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzStateError

# ---------------------------------------------------------------- flavours

# Present on OpenVZ 7 / Virtuozzo 7 hosts (package virtuozzo-release).
VZ7_RELEASE_FILE = "/etc/virtuozzo-release"


def is_vz7_host():
    """An OpenVZ 7 host, whose vzctl is libvzctl's."""
    return os.path.exists(VZ7_RELEASE_FILE)


# ---------------------------------------------------------------- units

KIB = 1024
# vzctl's page size: RAM, swap and the *PAGES limits are counted in pages.
PAGE = 4096
# vzctl's "unlimited": a limit of LONG_MAX (in the key's own unit) is stored
# and printed (vzlist) as this number, and read from the word UNLIMITED.
LONG_MAX = 9223372036854775807
UNLIMITED = "unlimited"


def limit_text(value):
    """A limit as vzctl's options and this collection's XML write it."""
    return UNLIMITED if value >= LONG_MAX else str(value)


# UBC parameters (CT config keys) -> the divisor vzctl applies to a value with
# a K/M/G/T/P/B suffix (bytes -> the key's unit); 0: no suffix allowed.
UBC_DIVISORS = {
    "KMEMSIZE": 1, "LOCKEDPAGES": PAGE, "PRIVVMPAGES": PAGE,
    "SHMPAGES": PAGE, "NUMPROC": 0, "PHYSPAGES": PAGE,
    "VMGUARPAGES": PAGE, "OOMGUARPAGES": PAGE, "NUMTCPSOCK": 0,
    "NUMFLOCK": 0, "NUMPTY": 0, "NUMSIGINFO": 0, "TCPSNDBUF": 1, "TCPRCVBUF": 1,
    "OTHERSOCKBUF": 1, "DGRAMRCVBUF": 1, "NUMOTHERSOCK": 0, "NUMFILE": 0,
    "DCACHESIZE": 1, "NUMIPTENT": 0, "AVNUMPROC": 0, "SWAPPAGES": PAGE,
}
# DISKSPACE is stored in KiB, DISKINODES in inodes: the divisor of a suffixed value.
DISK_DIVISORS = {"DISKSPACE": KIB, "DISKINODES": 1}

# ---------------------------------------------------------------- run states

# As vzctl status / vzlist distinguish them; ABSENT is "no such container".
RUNNING = "running"
STOPPED = "stopped"
MOUNTED = "mounted"
SUSPENDED = "suspended"
PAUSED = "paused"  # vzlist on OpenVZ 7 only
ABSENT = "absent"
# What vzlist's status column may say.
VZLIST_STATUSES = (RUNNING, STOPPED, MOUNTED, SUSPENDED, PAUSED)


def parse_status(output):
    """``vzctl status`` -> run state.

    vzctl 4.x: ``CTID 101 exist mounted running`` (``down``, then ``suspended``
    as a sixth word); vzctl 7: ``VEID 101 exist unmounted running|paused|suspended|down``.
    """
    words = output.split()
    if len(words) < 5 or words[0] not in ("CTID", "VEID"):
        raise VzStateError("unexpected vzctl status output: %r" % output)
    if words[2] == "deleted":
        return ABSENT
    if words[4] == "running":
        return RUNNING
    if words[4] == PAUSED:
        return PAUSED
    if words[4] == SUSPENDED or SUSPENDED in words[5:]:
        return SUSPENDED
    if words[3] == "mounted":
        return MOUNTED
    return STOPPED


# ---------------------------------------------------------------- exit codes

# include/vzerror.h (vzctl 4.x); libvzctl keeps these numbers for OpenVZ 7,
# except that a name error is 137 there (131 is 4.x's).
VZCTL_NOT_RUNNING = 31
VZCTL_EXIT_MEANINGS = {
    1: "failed to set a UBC parameter", 3: "system error", 5: "not an OpenVZ kernel",
    7: "container create error", 8: "command executed in the container failed",
    9: "container is locked by another vzctl", 10: "global config file not found",
    11: "script not found", 14: "container config file not found", 20: "invalid command line syntax",
    21: "invalid parameter value", 22: "VE_ROOT is not set", 23: "VE_PRIVATE is not set",
    24: "TEMPLATE is not set", 28: "not all required UBC parameters are set",
    29: "OS template is not set", VZCTL_NOT_RUNNING: "container is not running",
    32: "container is running", 33: "container stop failed", 34: "cannot add IP address",
    40: "container is not mounted", 41: "container is mounted", 43: "container private area does not exist",
    44: "container private area already exists", 46: "not enough disk space",
    47: "bad OS template", 48: "cannot create private area", 49: "cannot create mount point",
    50: "cannot mount", 51: "cannot unmount", 52: "cannot delete private area",
    60: "disk quota on failed", 61: "disk quota init failed", 63: "DISKSPACE is not set",
    66: "disk quota off failed", 74: "failed to set the password", 78: "IP address already in use",
    79: "container action script failed", 82: "config file copy error", 91: "OS template not found",
    99: "ploop is not supported", 105: "container start disabled", 109: "failed to apply a config",
    131: "invalid container name or name already in use",
    137: "invalid container name or name already in use", 139: "failed to save the config file",
    156: "snapshot create failed", 157: "snapshot merge failed", 158: "snapshot delete failed",
    159: "snapshot switch failed", 160: "snapshot mount failed", 161: "snapshot umount failed",
    167: "snapshot list failed",
}
# vzlist: 1 for every error (Container(s) not found, unknown field, bad sort key...).
VZLIST_EXIT_MEANINGS = {
    1: "vzlist error (such as Container(s) not found, an unknown field or sort key)",
}
# vztmpl-dl (vzctl 4.x bin/vztmpl-dl.in and vps-functions).
VZTMPL_DL_EXIT_MEANINGS = {
    1: "download error", 2: "local template file already present, not updating",
    3: "usage error", 4: "wget binary not found", 5: "GPG signature check failed",
    20: "TEMPLATE is not set in vz.conf",
}
# vzpkg (OpenVZ 7's vztt, include/vztt_error.h); 1 is any system error.
VZPKG_NOT_UP2DATE = 22
VZPKG_NOT_CACHED = 23
VZPKG_EXIT_MEANINGS = {
    1: "system error (or the package manager's own failure)", 2: "internal error",
    3: "command execution error", 8: "a command vzpkg ran failed", 10: "vzpkg must run as root",
    21: "cannot lock", VZPKG_NOT_UP2DATE: "cache is not up to date",
    VZPKG_NOT_CACHED: "OS template is not cached", 24: "OS template not found",
    25: "broken or invalid template", 27: "the template is used by containers",
    29: "template cache already exists", 30: "config for the template cache not found",
    32: "the base template has other OS templates (sets) installed",
    35: "bad parameter", 52: "cannot fetch packages", 55: "the vz service is not running",
    68: "the template area is on a shared partition",
    73: "the template does not support operations with packages",
}
# vzmigrate: vzctl 4.x bin/vzmigrate.in MIG_ERR_*, OpenVZ 7 vzmcontrol/common.h (exits
# with -MIG_ERR_*); the two agree on the codes both have.
VZMIGRATE_EXIT_MEANINGS = {
    1: "usage error (or, OpenVZ 7, the container must be running for online migration)",
    2: "live migration of a stopped container (vzctl 4.x) / system error (OpenVZ 7)",
    3: "cannot lock the container", 4: "cannot connect to the destination",
    6: "copying the private area or a file failed", 7: "cannot start (restore, mount) the container on the destination",
    8: "cannot stop (suspend, dump) the source container", 9: "the container already exists on the destination",
    10: "the container does not exist on the source", 12: "its IP addresses are in use on the destination",
    13: "disk quota setup failed (vzctl 4.x)", 14: "OpenVZ (or checkpointing) is not running on the destination",
    15: "applying the config on the destination failed", 16: "the destination has no ploop support",
    19: "cannot read the destination's VE_ROOT/VE_PRIVATE", 20: "the container is locked",
    21: "connection to the destination broken", 22: "connection to the destination timed out",
    31: "not enough disk space on the destination", 45: "the container name is used on the destination",
}
SSH_EXIT_MEANINGS = {255: "ssh could not connect or log in"}
EXIT_MEANINGS = {
    "ssh": SSH_EXIT_MEANINGS,
    "vzmigrate": VZMIGRATE_EXIT_MEANINGS,
    "vzctl": VZCTL_EXIT_MEANINGS,
    "vzpkg": VZPKG_EXIT_MEANINGS,
    "vzlist": VZLIST_EXIT_MEANINGS,
    "vztmpl-dl": VZTMPL_DL_EXIT_MEANINGS,
}


def exit_meaning(tool, rc):
    """What exit code ``rc`` of ``tool`` (a name or a path) means, per that tool."""
    name = str(tool).rsplit("/", 1)[-1]
    known = EXIT_MEANINGS.get(name, {}).get(rc)
    return known if known is not None else "%s exited with %s" % (name, rc)


# ---------------------------------------------------------------- config files

# How vzctl reads a key that one config file repeats (4.x src/lib/config.c
# parse(); docs/openvz-tools.md "Reading"): lists and flag sets add up, limits
# and a few scalars keep the last line, everything else keeps the first (with
# "Warning at F:N: duplicate for KEY").
DUP_ACCUMULATE = "accumulate"
DUP_LAST = "last"
DUP_FIRST = "first"
ACCUMULATING_KEYS = frozenset((
    "IP_ADDRESS", "NAMESERVER", "SEARCHDOMAIN", "DEVICES", "DEVNODES", "CAPABILITY",
    "FEATURES", "IPTABLES", "NETDEV", "PCI",
))
LAST_WINS_KEYS = frozenset(set(UBC_DIVISORS) | set((
    "VE_LAYOUT", "IOPRIO", "IOLIMIT", "IOPSLIMIT", "MEMINFO", "NETFILTER", "LOG_LEVEL", "VEID",
)))


def duplicate_policy(key):
    """DUP_ACCUMULATE, DUP_LAST or DUP_FIRST: how a repeated ``key`` is read."""
    if key in ACCUMULATING_KEYS:
        return DUP_ACCUMULATE
    if key in LAST_WINS_KEYS:
        return DUP_LAST
    return DUP_FIRST
