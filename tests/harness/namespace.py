"""Private mount namespace and the mounts that make one emulated host.

Shared by the pytest fixtures and `make demo`, so both build the host the
same way. Python 3.11 has no os.unshare, hence ctypes.
"""

import ctypes
import ctypes.util
import os
from pathlib import Path

CLONE_NEWNS = 0x00020000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MNT_DETACH = 0x2

# Everything an emulated host may write lands under these; nothing else.
OVERLAID_DIRS = ("/etc", "/var")
VZ_DIR = "/vz"

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
_libc.unshare.argtypes = [ctypes.c_int]
_libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                        ctypes.c_ulong, ctypes.c_char_p]
_libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]

# The pid that last unshared: a forked child must not skip its own unshare.
_private_pid = None
# The namespace this process came from, kept open so a test can look at the
# machine from outside its own mounts (nsenter --mount=/proc/self/fd/N).
_outer_ns_fd = None


def _check(ret, what):
    if ret != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, "%s: %s" % (what, os.strerror(errno)))


def _b(path):
    return os.fsencode(str(path))


def isolation_unavailable_reason():
    """Why this process cannot build emulated hosts, or None if it can."""
    if os.geteuid() != 0:
        return "emulated OpenVZ hosts need root (private mount namespace and overlays)"
    return None


def enter_private_mount_namespace():
    """Move this process (once) into its own mount namespace.

    Propagation is made private so nothing mounted afterwards leaks back to
    the machine, and nothing mounted elsewhere leaks in.
    """
    global _private_pid, _outer_ns_fd  # pylint: disable=global-statement
    if _private_pid == os.getpid():
        return
    outer = os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
    try:
        _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None),
               "mount --make-rprivate /")
    except OSError:
        os.close(outer)
        raise
    if _outer_ns_fd is not None:
        os.close(_outer_ns_fd)
    _outer_ns_fd, _private_pid = outer, os.getpid()


def in_private_mount_namespace():
    """True only if this thread's namespace is not the one we started in.

    unshare() moves only the calling thread; a thread other than the one
    that unshared would otherwise mount over the machine's own /etc.
    """
    if _private_pid != os.getpid():
        return False
    outer = os.readlink("/proc/self/fd/%d" % _outer_ns_fd)
    return os.readlink("/proc/thread-self/ns/mnt") != outer


def outer_namespace_fd():
    """An fd of the mount namespace this process had before unsharing."""
    if _private_pid != os.getpid():
        raise RuntimeError("this process has not unshared its mount namespace")
    return _outer_ns_fd


def mount_overlay(target, upper, work):
    """Overlay `target` on itself: reads see the real tree, writes go to `upper`."""
    for path in (upper, work):
        if "," in str(path) or ":" in str(path):
            raise ValueError("overlay option paths must not contain ',' or ':': %s" % path)
    options = "lowerdir=%s,upperdir=%s,workdir=%s" % (target, upper, work)
    _check(_libc.mount(b"overlay", _b(target), b"overlay", 0, _b(options)),
           "mount overlay on %s" % target)


def bind_mount(source, target):
    _check(_libc.mount(_b(source), _b(target), None, MS_BIND | MS_REC, None),
           "bind %s on %s" % (source, target))


def detach(target):
    """Lazily unmount `target` with everything mounted below it."""
    _check(_libc.umount2(_b(target), MNT_DETACH), "umount -l %s" % target)


def mount_points():
    """Mount points of this process's namespace, from /proc/self/mountinfo."""
    with open("/proc/self/mountinfo", encoding="utf-8") as handle:
        return [line.split()[4].replace("\\040", " ") for line in handle]


class HostMounts:
    """Fresh /etc and /var overlays and an empty /vz, all backed by `workdir`.

    Requires enter_private_mount_namespace() first: these mounts would
    otherwise replace the machine's own /etc.
    """

    def __init__(self, workdir):
        self.workdir = Path(workdir).resolve()
        self.mounted = []
        shadowed = OVERLAID_DIRS + (VZ_DIR,)
        if any(self.workdir == Path(d) or Path(d) in self.workdir.parents for d in shadowed):
            raise ValueError("%s would be hidden by the mounts it backs" % self.workdir)

    def __enter__(self):
        if not in_private_mount_namespace():
            raise RuntimeError("HostMounts outside a private mount namespace")
        try:
            for target in OVERLAID_DIRS:
                layer = self.workdir / target.strip("/")
                (layer / "upper").mkdir(parents=True)
                (layer / "work").mkdir()
                mount_overlay(target, layer / "upper", layer / "work")
                self.mounted.append(target)
            vz_backing = self.workdir / "vz"
            vz_backing.mkdir()
            # An empty directory on the real root, only ever a mount point.
            os.makedirs(VZ_DIR, exist_ok=True)
            bind_mount(vz_backing, VZ_DIR)
            self.mounted.append(VZ_DIR)
        except BaseException:
            self.unmount()
            raise
        return self

    def unmount(self):
        while self.mounted:
            detach(self.mounted.pop())

    def __exit__(self, *exc_info):
        self.unmount()
