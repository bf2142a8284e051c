"""The host-side state a CT has: mounts, the running flag, the private area.

Mounts are real bind mounts (mount(2) through ctypes, falling back to the
``mount``/``umount`` binaries), so /proc/self/mountinfo is the truth.  The
emulator runs as root inside a private mount namespace.
"""
import ctypes
import ctypes.util
import json
import os
import shutil
import subprocess

from .. import paths

MS_BIND = 4096
MS_REC = 16384
MNT_DETACH = 2

_libc = None


def _lib():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return _libc


def mount_points():
    points = []
    with open("/proc/self/mountinfo", "rb") as handle:
        for line in handle:
            fields = line.split(b" ")
            points.append(_unescape(fields[4]))
    return points


def _unescape(raw):
    out = bytearray()
    index = 0
    while index < len(raw):
        if raw[index:index + 1] == b"\\" and raw[index + 1:index + 4].isdigit():
            out.append(int(raw[index + 1:index + 4], 8))
            index += 4
        else:
            out.append(raw[index])
            index += 1
    return out.decode("utf-8", "surrogateescape")


def is_mountpoint(path):
    try:
        real = os.path.realpath(path)
    except OSError:
        return False
    return real in mount_points()


def bind_mount(source, target, readonly=False):
    lib = _lib()
    ret = lib.mount(source.encode(), target.encode(), None, MS_BIND, None)
    if ret != 0:
        err = ctypes.get_errno()
        proc = subprocess.run(["mount", "--bind", source, target],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        if proc.returncode != 0:
            raise OSError(err, os.strerror(err))
    if readonly:
        subprocess.run(["mount", "-o", "remount,bind,ro", target],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def umount(target):
    lib = _lib()
    if lib.umount2(target.encode(), 0) == 0:
        return
    err = ctypes.get_errno()
    if lib.umount2(target.encode(), MNT_DETACH) == 0:
        return
    raise OSError(err, os.strerror(err))


def umount_tree(root):
    """Unmount everything under ``root`` (deepest first), then ``root``."""
    real = os.path.realpath(root)
    subs = [p for p in mount_points() if p.startswith(real.rstrip("/") + "/")]
    for point in reversed(subs):
        try:
            umount(point)
        except OSError:
            pass
    umount(real)


# ---------------------------------------------------------------- run state

def running_flag(ctid):
    return paths.state_path("running", str(ctid))


def is_running(ctid):
    return os.path.exists(running_flag(ctid))


def running_start(ctid):
    """When the running CT started (its running/ record, else the record's mtime), or None."""
    path = running_flag(ctid)
    try:
        with open(path) as handle:
            start = json.loads(handle.read() or "{}").get("start")
        return start if isinstance(start, (int, float)) else os.path.getmtime(path)
    except (OSError, ValueError, AttributeError):
        return None


def set_running(ctid, value, info=None):
    path = running_flag(ctid)
    if value:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            handle.write(info or "")
    else:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


# ---------------------------------------------------------------- areas

def fs_source(private, layout):
    if layout == "ploop":
        return os.path.join(private, "root.hdd", "fs")
    return private


def rm_rf(path):
    if os.path.islink(path) or (os.path.exists(path) and not os.path.isdir(path)):
        os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
        if os.path.exists(path):
            subprocess.run(["rm", "-rf", path], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)


def fs_root_of(path):
    """The mount point of the filesystem holding ``path`` (get_fs_root())."""
    real = os.path.realpath(path)
    best = "/"
    for point in mount_points():
        if (real == point or real.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
            best = point
    return best


def copy_tree(src, dst):
    """cp -a of a CT tree (used for snapshots)."""
    subprocess.run(["cp", "-a", src, dst], check=True)
