# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks a whole plan against the host before its first call runs.

vzctl refuses some values only after ``vzctl create`` has made the container
(an IP in use, a missing device node, ``--ram`` on a UBC profile), which would
leave it half-configured; and it takes any private or root path, so a task
could place a container over the host's own directories or another
container's files, which ``destroy`` would then delete.  Each check here
raises VzInputError naming the parameter, before anything runs.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import stat

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError, VzStateError

# Operating-system trees: a container area may be neither one of them, inside
# one, nor above one.
SYSTEM_TREES = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
                "/run", "/sbin", "/sys", "/usr")
# Directories that hold other things: a container area may be inside them but
# neither one of them nor above one.
SYSTEM_POINTS = ("/", "/home", "/media", "/mnt", "/opt", "/root", "/srv", "/tmp", "/var",
                 "/var/lib", "/vz")
# vz.conf directories whose trees belong to the host's OpenVZ tools.
TOOL_TREES = ("TEMPLATE", "LOCKDIR", "DUMPDIR")

DEV_DIR = "/dev"
# vzctl refuses loop devices (major 7) for a CT.
_LOOP_MAJOR = 7
_CONF_NAME_RE = re.compile(r"([0-9]+)\.conf")


def _inside(path, tree):
    """True when ``path`` is ``tree`` or below it."""
    return path == tree or path.startswith(tree.rstrip("/") + "/")


def overlap(first, second):
    return _inside(first, second) or _inside(second, first)


def _forms(path):
    """The path as written and as the host resolves it (symlinks followed)."""
    resolved = os.path.realpath(path)
    return (path,) if resolved == path else (path, resolved)


class _Areas(object):
    def __init__(self, private, root, ip_addresses):
        self.private = private
        self.root = root
        self.ip_addresses = ip_addresses


class Host(object):
    """The parts of the host a plan is checked against, read once and lazily."""

    def __init__(self, globals_):
        self.globals = globals_
        self._others = None

    def others(self, ctid):
        """{ctid: its private, root and addresses} for every other container config on the host."""
        if self._others is None:
            self._others = {}
            names = os.listdir(vz_conf.CONF_DIR) if os.path.isdir(vz_conf.CONF_DIR) else []
            for entry in sorted(names):
                match = _CONF_NAME_RE.fullmatch(entry)
                if not match or match.group(1) == "0":
                    continue
                path = os.path.join(vz_conf.CONF_DIR, entry)
                try:
                    conf = vz_conf.read_conf(path)
                except (IOError, OSError):
                    continue
                # Only these keys: another CT's config may hold values this
                # collection would refuse, which must not fail this task.
                self._others[match.group(1)] = _Areas(
                    private=conf.get("VE_PRIVATE") or self.globals.get("VE_PRIVATE"),
                    root=conf.get("VE_ROOT") or self.globals.get("VE_ROOT"),
                    ip_addresses=(conf.get("IP_ADDRESS") or "").split())
        return {key: value for key, value in self._others.items() if key != ctid}

    def protected(self):
        """(trees, points): host directories no container area may touch."""
        trees = list(SYSTEM_TREES)
        for key in TOOL_TREES:
            if self.globals.get(key):
                trees.append(os.path.normpath(self.globals.get(key)))
        points = list(SYSTEM_POINTS)
        for key in ("VE_PRIVATE", "VE_ROOT"):
            template = self.globals.get(key)
            if template and template.startswith("/"):
                points.append(os.path.dirname(os.path.normpath(vz_conf.expand_veid(template, "0"))))
        return trees, points


def check_areas(host, ctid, private, root, purpose):
    """Refuse a private/root pair that is a system directory or touches another CT's areas.

    ``purpose`` words the error: "create" names the parameters, "destroy"
    refuses to delete.
    """
    trees, points = host.protected()
    areas = (("private", vz_conf.expand_veid(private, ctid)), ("root", vz_conf.expand_veid(root, ctid)))
    for param, area in areas:
        if not area:
            continue
        for form in _forms(area):
            bad = [tree for tree in trees if overlap(form, tree)]
            bad += [point for point in points if _inside(point, form)]
            if bad:
                _refuse(purpose, param, ctid, area, "the host directory %s" % bad[0])
    if areas[0][1] and areas[1][1] and overlap(areas[0][1], areas[1][1]):
        _refuse(purpose, "root", ctid, areas[1][1], "its own private area %s" % areas[0][1])
    for other_id, other in sorted(host.others(ctid).items()):
        theirs = [vz_conf.expand_veid(getattr(other, key), other_id) for key in ("private", "root")]
        for param, area in areas:
            for their in theirs:
                if area and their and any(overlap(form, their) for form in _forms(area)):
                    _refuse(purpose, param, ctid, area, "container %s's area %s" % (other_id, their))


def _refuse(purpose, param, ctid, area, what):
    if purpose == "destroy":
        raise VzStateError("container %s: its %s area %s overlaps %s; destroying it would delete "
                           "files that are not its own, so it is refused" % (ctid, param, area, what))
    raise VzInputError(param, "%s overlaps %s; a container's private and root areas must be "
                              "directories of its own" % (area, what))


def check_devnodes(devnodes):
    """vzctl stats /dev/DEVICE when it applies --devnodes: check it before anything runs."""
    for node in devnodes or []:
        device, _sep, perms = node.rpartition(":")
        if perms == "none":
            continue
        path = os.path.join(DEV_DIR, device)
        try:
            info = os.stat(path)
        except OSError:
            raise VzInputError("devnodes", "%s: %s does not exist on the host" % (node, path))
        if not (stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)):
            raise VzInputError("devnodes", "%s: %s is not a character or block device" % (node, path))
        if os.major(info.st_rdev) == _LOOP_MAJOR:
            raise VzInputError("devnodes", "%s: vzctl does not assign loop devices to a container" % node)


def check_ips_free(host, ctid, addresses):
    """vzctl refuses an address another container has (exit 78), after a create has run."""
    wanted = {address.partition("/")[0]: address for address in addresses or []}
    if not wanted:
        return  # nothing new: the other containers need not be read
    for other_id, other in sorted(host.others(ctid).items()):
        for address in other.ip_addresses or []:
            plain = address.partition("/")[0]
            if plain in wanted:
                raise VzInputError("ip_addresses", "%s is already used by container %s"
                                   % (wanted[plain], other_id))


def check_swap_with_memory(base_conf_keys, desired):
    """vzctl 4.x: --ram on a config without SWAPPAGES fails with exit 28 (check_set_opt)."""
    if desired.memory is not None and desired.swap is None and "SWAPPAGES" not in base_conf_keys:
        raise VzInputError("memory", "the container's config has no SWAPPAGES (a UBC profile), and vzctl "
                                     "refuses --ram without a swap size there ('required UB parameter "
                                     "(swap) not set'): give swap as well")
