"""Tiny but real container root filesystems, as OS template cache tarballs.

Built from Debian's static busybox so a test can chroot into a container's
private area and run a shell, `id` or `chpasswd` there.
"""

import gzip
import hashlib
import io
import lzma
import os
import tarfile
import tempfile
from pathlib import Path

BUSYBOX = Path("/bin/busybox")
BUILDER_VERSION = "2"
# Fixed so identical input gives byte-identical tarballs.
MTIME = 1700000000

APPLETS = (
    "sh", "ash", "ls", "cat", "echo", "id", "true", "false", "sleep", "env",
    "mkdir", "hostname", "rm", "cp", "mv", "ln", "chmod", "chown", "grep",
    "sed", "awk", "head", "tail", "wc", "touch", "test", "[", "printf", "pwd",
    "readlink", "basename", "dirname", "stat", "sort", "uniq", "tr", "cut",
    "ps", "kill", "mount", "umount", "uname", "passwd", "mkpasswd", "su",
    "ip", "ifconfig", "route", "date", "which", "xargs", "find", "tar",
    "gzip", "df", "du", "free", "uptime", "sync", "nproc", "whoami", "groups",
)
SBIN_APPLETS = ("init", "halt", "reboot", "poweroff")

# Debian's busybox is built without chpasswd; vzctl --userpasswd needs one.
CHPASSWD = b"""#!/bin/sh
# chpasswd stand-in: reads user:password lines, stores SHA-512 hashes.
set -e
while IFS=: read -r user pass; do
  [ -n "$user" ] || continue
  if ! grep -q "^$user:" /etc/shadow; then
    echo "chpasswd: user '$user' does not exist" >&2
    exit 1
  fi
  hash=$(printf '%s' "$pass" | mkpasswd -m sha512)
  awk -F: -v OFS=: -v u="$user" -v h="$hash" '$1 == u { $2 = h } { print }' \\
    /etc/shadow > /etc/shadow.new
  cat /etc/shadow.new > /etc/shadow
  rm -f /etc/shadow.new
done
"""

FILES = {
    "etc/passwd": (0o644, b"root:x:0:0:root:/root:/bin/sh\n"
                          b"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
    "etc/group": (0o644, b"root:x:0:\nnogroup:x:65534:\n"),
    "etc/shadow": (0o600, b"root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n"),
    "etc/hostname": (0o644, b"localhost\n"),
    "etc/hosts": (0o644, b"127.0.0.1\tlocalhost\n"),
    "etc/resolv.conf": (0o644, b""),
    "usr/sbin/chpasswd": (0o755, CHPASSWD),
}
DIRS = {
    "bin": 0o755, "sbin": 0o755, "etc": 0o755, "usr": 0o755, "usr/bin": 0o755,
    "usr/sbin": 0o755, "proc": 0o555, "sys": 0o555, "dev": 0o755,
    "tmp": 0o1777, "root": 0o700, "var": 0o755, "run": 0o755,
}

TEMPLATES = {
    "debian-12.0-x86_64-minimal": "gz",
    "centos-7-x86_64": "xz",
}


def _info(name, kind, mode, size=0, linkname=""):
    info = tarfile.TarInfo("./" + name)
    info.type = kind
    info.mode = mode
    info.size = size
    info.linkname = linkname
    info.mtime = MTIME
    info.uname = info.gname = "root"
    return info


def _members(busybox_bytes):
    """(TarInfo, data or None) for every entry, parents before children."""
    yield _info("", tarfile.DIRTYPE, 0o755), None
    for name, mode in DIRS.items():
        yield _info(name, tarfile.DIRTYPE, mode), None
    yield _info("bin/busybox", tarfile.REGTYPE, 0o755, len(busybox_bytes)), busybox_bytes
    for applet in APPLETS:
        yield _info("bin/" + applet, tarfile.SYMTYPE, 0o777, linkname="busybox"), None
    for applet in SBIN_APPLETS:
        yield _info("sbin/" + applet, tarfile.SYMTYPE, 0o777, linkname="../bin/busybox"), None
    for name, (mode, data) in FILES.items():
        yield _info(name, tarfile.REGTYPE, mode, len(data)), data


def write_tarball(path, compression, busybox=BUSYBOX):
    """Write the root filesystem to `path`, compressed with gz or xz."""
    busybox_bytes = Path(busybox).read_bytes()
    with open(path, "wb") as raw, _compressor(raw, compression) as stream:
        with tarfile.open(fileobj=stream, mode="w", format=tarfile.GNU_FORMAT) as tar:
            for info, data in _members(busybox_bytes):
                tar.addfile(info, io.BytesIO(data) if data is not None else None)


def _compressor(raw, compression):
    if compression == "gz":
        # gzip stores a name and a timestamp of its own; blank both for reproducibility.
        return gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=MTIME)
    if compression == "xz":
        return lzma.LZMAFile(raw, mode="wb", format=lzma.FORMAT_XZ)
    raise ValueError("unsupported compression %r" % compression)


def _cache_key(busybox):
    digest = hashlib.sha256(BUILDER_VERSION.encode())
    digest.update(Path(busybox).read_bytes())
    digest.update(CHPASSWD)
    return digest.hexdigest()[:16]


def build_templates(cache_dir, busybox=BUSYBOX):
    """Template name -> tarball path, building them into `cache_dir` once.

    Safe for concurrent pytest workers: each tarball is written under a
    temporary name and renamed into place.
    """
    if not Path(busybox).is_file():
        raise FileNotFoundError("%s is missing: run `make apt-deps` (busybox-static)" % busybox)
    target_dir = Path(cache_dir) / _cache_key(busybox)
    target_dir.mkdir(parents=True, exist_ok=True)
    result = {}
    for name, compression in TEMPLATES.items():
        path = target_dir / ("%s.tar.%s" % (name, compression))
        if not path.exists():
            handle, tmp = tempfile.mkstemp(dir=target_dir, suffix=".partial")
            os.close(handle)
            try:
                write_tarball(tmp, compression, busybox)
                os.chmod(tmp, 0o644)
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        result[name] = str(path)
    return result
