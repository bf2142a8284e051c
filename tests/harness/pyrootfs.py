"""A container root filesystem with a working Python, assembled from this machine.

The busybox tree of `rootfs.py` plus this machine's own Debian Python: the
interpreter, its standard library (minus tests, IDLE, tkinter and other
parts no module needs) and every shared library `ldd` says the interpreter
and its extension modules load, at the paths they have here. Real Ansible
modules (setup, copy, template, command, ...) run in it through
`vzctl exec`. Building takes a few seconds and needs no network; the tarball
is cached under `.cache/templates-python/<key>/`, keyed by the interpreter,
its standard library listing and this builder's version.
"""

import hashlib
import io
import os
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

from harness import rootfs

BUILDER_VERSION = "2"
TEMPLATE_NAME = "debian-12.0-x86_64-python"
PYTHON = Path("/usr/bin/python3")
# Parts of the standard library that no Ansible module imports.
STDLIB_EXCLUDED = frozenset((
    "test", "tests", "idle_test", "idlelib", "tkinter", "turtledemo", "lib2to3", "ensurepip",
    "pydoc_data", "__pycache__", "venv", "distutils",
))
OS_RELEASE = (b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
              b'VERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n')
EXTRA_DIRS = {"var/tmp": 0o1777, "usr/lib": 0o755}
_LDD_PATH = re.compile(r"(/\S+)")


def interpreter():
    """(real path of python3, its stdlib dir) on this machine."""
    real = Path(os.path.realpath(PYTHON))
    stdlib = Path("/usr/lib") / real.name
    if not real.is_file() or not (stdlib / "os.py").is_file():
        raise FileNotFoundError("%s with a standard library in %s is needed (Debian's python3)"
                                % (PYTHON, stdlib))
    return real, stdlib


def shared_libraries(binaries):
    """(library paths ldd reports for `binaries`, loader included; binaries with a missing one)."""
    found, broken = set(), set()
    for binary in binaries:
        proc = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False)
        if proc.returncode != 0 or "not found" in proc.stdout:
            broken.add(binary)
            continue
        for line in proc.stdout.splitlines():
            match = _LDD_PATH.search(line.split("=>")[-1])
            if match:
                found.add(match.group(1))
    return sorted(found), broken


def _stdlib_files(stdlib):
    for dirpath, dirnames, filenames in os.walk(stdlib):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in STDLIB_EXCLUDED and not d.startswith("config-"))
        yield Path(dirpath), None
        for name in sorted(filenames):
            yield Path(dirpath), name


def _cache_key(python, stdlib):
    digest = hashlib.sha256(BUILDER_VERSION.encode())
    digest.update(Path(python).read_bytes())
    for dirpath, name in _stdlib_files(stdlib):
        digest.update(str(dirpath / (name or "")).encode())
    return digest.hexdigest()[:16]


def _add_real(tar, source, arcname):
    """Add `source` (symlinks followed) as `arcname`, owned by root."""
    info = tar.gettarinfo(os.path.realpath(source), arcname="./" + arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    if info.isfile():
        with open(source, "rb") as handle:
            tar.addfile(info, handle)
    else:
        tar.addfile(info)


def _add_dirs(tar, path, seen):
    """Directory entries for every missing parent of `path` (a relative path)."""
    parts = Path(path).parts[:-1]
    for index in range(1, len(parts) + 1):
        sub = "/".join(parts[:index])
        if sub not in seen:
            seen.add(sub)
            tar.addfile(rootfs._info(sub, tarfile.DIRTYPE, 0o755))


def write_tarball(path, busybox=rootfs.BUSYBOX):
    python, stdlib = interpreter()
    dynload = sorted((stdlib / "lib-dynload").glob("*.so"))
    libraries, broken = shared_libraries([python] + dynload)
    with tarfile.open(path, mode="w", format=tarfile.GNU_FORMAT) as tar:
        seen = {""}
        for info, data in rootfs._members(Path(busybox).read_bytes()):
            if info.isdir():
                seen.add(info.name[2:])
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
        for name, mode in EXTRA_DIRS.items():
            _add_dirs(tar, name + "/x", seen)
            tar.addfile(rootfs._info(name, tarfile.DIRTYPE, mode))
            seen.add(name)
        tar.addfile(rootfs._info("etc/os-release", tarfile.REGTYPE, 0o644, len(OS_RELEASE)),
                    io.BytesIO(OS_RELEASE))
        rel_python = str(python).lstrip("/")
        _add_dirs(tar, rel_python, seen)
        _add_real(tar, python, rel_python)
        tar.addfile(rootfs._info("usr/bin/python3", tarfile.SYMTYPE, 0o777, linkname=python.name))
        for dirpath, name in _stdlib_files(stdlib):
            rel = str(dirpath / (name or "")).lstrip("/").rstrip("/")
            if name is None:
                if rel not in seen:
                    _add_dirs(tar, rel, seen)
                    seen.add(rel)
                    tar.addfile(rootfs._info(rel, tarfile.DIRTYPE, 0o755))
                continue
            if dirpath / name in broken:
                continue  # an extension module whose libraries this machine lacks
            _add_real(tar, dirpath / name, rel)
        for library in libraries:
            rel = library.lstrip("/")
            _add_dirs(tar, rel, seen)
            _add_real(tar, library, rel)


def build_python_template(cache_dir, busybox=rootfs.BUSYBOX):
    """{TEMPLATE_NAME: tarball path}, built into `cache_dir` once (safe across workers)."""
    python, stdlib = interpreter()
    target_dir = Path(cache_dir) / _cache_key(python, stdlib)
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / (TEMPLATE_NAME + ".tar")
    if not path.exists():
        handle, tmp = tempfile.mkstemp(dir=target_dir, suffix=".partial")
        os.close(handle)
        try:
            write_tarball(tmp, busybox)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return {TEMPLATE_NAME: str(path)}


def build_templates_with_python(cache_dir):
    """The busybox templates (rootfs.build_templates) plus the one with a working Python,
    for tests that run modules inside containers; each kind cached in its own directory."""
    templates = rootfs.build_templates(Path(cache_dir) / "templates")
    templates.update(build_python_template(Path(cache_dir) / "templates-python"))
    return templates
