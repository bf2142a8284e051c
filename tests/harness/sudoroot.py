"""This machine's real sudo, packed to be unpacked into a container's root.

For `become_method: sudo` through the openvz.vz.vzctl connection: the
sudo binary, its plugins and every shared library `ldd` says they load
(at the paths they have here), a sudoers like Debian's own (root may run
anything as anyone; `requiretty=True` adds `Defaults requiretty`) and a
PAM stack of `pam_permit` (the container has no PAM configuration of its
own; root needs no password anyway). Needs Debian's `sudo` package on this
machine (`make apt-deps`).
"""

import io
import os
import tarfile
from pathlib import Path

from harness import rootfs
from harness.pyrootfs import shared_libraries

SUDO = Path("/usr/bin/sudo")
PLUGIN_DIR = Path("/usr/libexec/sudo")
PAM_PERMIT = Path("/lib/x86_64-linux-gnu/security/pam_permit.so")
SUDOERS = (b"Defaults\tenv_reset\n"
           b"Defaults\tsecure_path=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"
           b"Defaults\tuse_pty\n"
           b"root\tALL=(ALL:ALL) ALL\n")
PAM_SUDO = b"auth sufficient pam_permit.so\naccount sufficient pam_permit.so\nsession sufficient pam_permit.so\n"


def unavailable_reason():
    """Why sudo cannot be packed here, or None."""
    missing = [str(p) for p in (SUDO, PLUGIN_DIR / "sudoers.so", PAM_PERMIT) if not p.exists()]
    return "missing %s: run `make apt-deps` (Debian's sudo)" % ", ".join(missing) if missing else None


def _add(tar, source, arcname=None, data=None, mode=None):
    # No directory entries: tar makes missing parents and leaves the
    # container's own (a /lib that is a symlink stays one).
    arcname = (arcname or str(source)).lstrip("/")
    if data is None:
        real = os.path.realpath(source)
        data = Path(real).read_bytes()
        mode = os.stat(real).st_mode & 0o7777
    info = rootfs._info(arcname, tarfile.REGTYPE, mode, len(data))  # pylint: disable=protected-access
    info.uid = info.gid = 0
    tar.addfile(info, io.BytesIO(data))


def write_tarball(path, requiretty=False):
    """Write the tarball (paths relative to the container's root) to `path`."""
    # libsudo_util.so.0 included: the loader asks for it by that name.
    binaries = [SUDO, PAM_PERMIT] + sorted(p for p in PLUGIN_DIR.iterdir() if p.suffix == ".so" or ".so." in p.name)
    libraries, broken = shared_libraries(binaries)
    if broken:
        raise RuntimeError("sudo's libraries are incomplete here: %s" % sorted(map(str, broken)))
    sudoers = SUDOERS + (b"Defaults\trequiretty\n" if requiretty else b"")
    with tarfile.open(path, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for binary in binaries:
            _add(tar, binary)
        for library in sorted(set(libraries) - set(map(str, binaries))):
            _add(tar, library)
        _add(tar, None, "etc/sudoers", sudoers, 0o440)
        _add(tar, None, "etc/pam.d/sudo", PAM_SUDO, 0o644)
    return path
