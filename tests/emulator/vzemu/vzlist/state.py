"""What vzlist reads from the (emulated) host besides CT configs.

A real OpenVZ kernel lists running CTs in /proc/vz/veinfo (with their venet
IPs), their beancounters in /proc/user_beancounters and so on.  The emulated
kernel is the vzemu state dir:

- ``running/CTID`` exists while a CT runs.  The vzctl stand-in writes JSON
  ``{"start": <epoch>, "ip": [...]}`` there; "start" (else the file's mtime)
  gives the uptime, ``"paused": true`` makes an OpenVZ 7 CT "paused".
- ``applied/CTID.json`` holds what ``vzctl set`` applied live to a running
  CT: ``"ub": {"KMEMSIZE": [barrier, limit], ...}`` overrides the config's
  beancounters, and ``"ip": [...]`` (the kernel's whole list after a live
  change), if present, the CT's IPs.

The kernel's IPs are otherwise the CT config's IP_ADDRESS: with ``set
--save`` (the normal case) the config and the kernel agree, while the "ip"
written at start goes stale after a live ``--ipadd``.
"""
import json
import os
import re
import time

from .. import ct as ct_mod
from .. import cstr, paths
from ..vzctl import config as cfg
from . import legacy_conf
from .common import LONG_MAX, UBC_NAMES, b

_CONF_NAME = re.compile(rb"[ \t\n\v\f\r]*([+-]?[0-9]+)\.[ \t\n\v\f\r]*([^ \t\n\v\f\r]{1,5})")


def running_dir():
    return paths.state_path("running")


def running_entries():
    """{name: (file path, mtime, parsed content)} of the emulated veinfo."""
    out = {}
    try:
        names = os.listdir(running_dir())
    except OSError:
        return out
    for name in names:
        path = os.path.join(running_dir(), name)
        try:
            mtime = os.stat(path).st_mtime
        except OSError:
            continue
        out[name] = (path, mtime)
    return out


def running_info(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return {}
    if not data.strip():
        return {}
    try:
        info = json.loads(data.decode("utf-8", "surrogateescape"))
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


# ---------------------------------------------------------------- legacy --

def legacy_conf_ids(console):
    """get_ve_list(): CTIDs of every "<int>.conf" in the conf dir (readdir order)."""
    try:
        names = os.listdir(paths.CONF_DIR)
    except OSError:
        return []
    ids = []
    for name in names:
        raw = b(name)
        match = _CONF_NAME.match(raw)
        if not match or match.group(2) != b"conf":
            continue
        value = int(match.group(1))
        value = cstr.to_int32(max(cstr.LONG_MIN, min(cstr.LONG_MAX, value)))
        if value < 0 or value > 2147483644:
            console.err(b"Warning: invalid CTID in config file name: " + raw + b", skipping\n")
            continue
        ids.append(value)
    return ids


def legacy_veid_by_name(name):
    """src/lib/config.c get_veid_by_name(): the CTID the name's symlink names, or -1."""
    link = os.path.join(b(paths.NAMES_DIR), name)
    if not os.path.exists(link):
        return -1
    try:
        target = os.readlink(link)
    except OSError:
        return -1
    base = target.rsplit(b"/", 1)[-1]
    value, _rest = cstr.strtol(base)
    if value is None:
        return -1
    return cstr.to_int32(value)


def _quiet_param(host, veid):
    """A CT config read without any messages (what the kernel got at start)."""
    return legacy_conf.read(host, veid, os.path.join(paths.CONF_DIR, "%d.conf" % veid),
                            legacy_conf.logger(None, quiet=True))


def applied(ctid):
    """What was applied live to running CT ``ctid`` (vzctl stand-in's record)."""
    info = running_info(paths.state_path("applied", "%s.json" % ctid))
    return info


def kernel_ips(ctid, ip_list):
    """The venet IPs as vzlist shows them from veinfo: no masks, glibc's
    canonical form, each followed by a blank; None when there are none."""
    live = applied(ctid).get("ip")
    source = live if isinstance(live, list) else ip_list
    out = []
    for item in source:
        addr = b(item).split(b"/", 1)[0]
        canon = cfg.canon_ip(addr)
        if canon is not None and canon not in out:
            out.append(canon)
    if not out:
        return None
    return b"".join(item + b" " for item in out)


def legacy_running(host):
    """{veid: kernel IP string or None} for the running CTs (veinfo)."""
    out = {}
    for name, (path, _mtime) in running_entries().items():
        value, rest = cstr.strtol(b(name))
        if value is None:
            continue
        veid = cstr.to_int32(value)
        if not veid:
            continue
        out[veid] = kernel_ips(veid, _quiet_param(host, veid).ip)
    return out


def started(path, mtime):
    start = running_info(path).get("start")
    if isinstance(start, (int, float)) and not isinstance(start, bool):
        return float(start)
    return mtime


class Kernel(object):
    """Beancounters, CPU and I/O settings of running CTs.

    The emulated kernel holds what vzctl start applied from the config:
    limits set there, "unlimited" (LONG_MAX) for the rest; held, maxheld and
    failcnt are always 0 (there is no real usage to count).
    """

    def __init__(self, host):
        self.host = host
        self._params = {}
        self._entries = None

    def param(self, veid):
        if veid not in self._params:
            self._params[veid] = _quiet_param(self.host, veid)
        return self._params[veid]

    def ubc(self, veid):
        param = self.param(veid)
        live = applied(veid).get("ub")
        live = live if isinstance(live, dict) else {}
        out = {}
        for name in UBC_NAMES:
            barrier, limit = param.ub.get(name.upper(), (LONG_MAX, LONG_MAX))
            pair = live.get(name.upper())
            if isinstance(pair, list) and len(pair) == 2:
                barrier, limit = int(pair[0]), int(pair[1])
            out[name] = [0, 0, barrier, limit, 0]
        return out

    def entry(self, name):
        if self._entries is None:
            self._entries = running_entries()
        return self._entries.get(name)

    def cpustat(self, ctid):
        entry = self.entry(str(ctid))
        since = started(*entry) if entry else time.time()
        return (0.0, 0.0, 0.0), uptime_since(since)

    def cpu(self, veid):
        param = self.param(veid)
        return (param.cpulimit or 0, param.cpuunits if param.cpuunits is not None else 1000)

    def cpunum(self, veid):
        param = self.param(veid)
        return cstr.to_int32(param.cpus) if param.cpus is not None else 0

    def io(self, veid, iolimit, iopslimit):
        param = self.param(veid)
        return param.iolimit or 0, param.iopslimit or 0


def uptime_since(started):
    """Seconds since ``started`` in jiffies (HZ 100) as a C float."""
    seconds = max(0.0, time.time() - started)
    return cstr.float32(int(seconds * 100) / 100.0)


# ---------------------------------------------------------------- common --

def mount_points():
    try:
        return ct_mod.mount_points()
    except OSError:
        return set()


def is_mounted(root, mounts):
    path = root.decode("utf-8", "surrogateescape") if isinstance(root, bytes) else root
    return os.path.realpath(path) in mounts


def guess_private_is_ploop(private, console):
    """src/lib/image.c guess_ve_private_is_ploop()."""
    if private is None:
        return False
    hdd = private + b"/root.hdd"
    try:
        st = os.lstat(hdd)
    except OSError:
        return False
    import stat as stat_mod
    if not stat_mod.S_ISDIR(st.st_mode):
        console.err(b"Warning: " + hdd + b" is not a directory.\n"
                    b"Please set the VE_LAYOUT parameter value in the VE config.\n")
    descriptor = hdd + b"/DiskDescriptor.xml"
    try:
        st = os.lstat(descriptor)
    except OSError:
        return False
    if not stat_mod.S_ISREG(st.st_mode):
        console.err(b"Warning: " + descriptor + b" is not a regular file.\n"
                    b"Please set the VE_LAYOUT parameter value in the VE config.\n")
    return True
