"""Fixtures for the vzctl stand-in's unit tests.

``emu_host`` builds a fresh emulated OpenVZ host at the real paths inside
this process's private mount namespace: overlays on /etc and /var (changes
land under tmp_path), a fresh directory bound on /vz, then
``vzemu.provision.provision_host()`` with a small busybox-static template.
It is parametrised over both flavours by default; a test narrows it with
``@pytest.mark.parametrize("flavour", ["legacy"])`` and passes host.json
overrides with ``@pytest.mark.emu_host(vswap=False, ...)``.  The tests run
the real ``tests/emulator/bin/vzctl`` executable as a subprocess.
"""
import ctypes
import ctypes.util
import io
import os
import shutil
import subprocess
import sys
import tarfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
EMULATOR = os.path.join(REPO, "tests", "emulator")
BIN = os.path.join(EMULATOR, "bin")
TEMPLATE = "debian-12.0-x86_64-minimal"
BUSYBOX_APPLETS = ("sh", "echo", "cat", "ls", "true", "false", "id", "sleep", "sed", "mkpasswd",
                   "hostname", "grep", "head", "wc", "env", "pwd", "mkdir", "rm", "touch")
# Debian's busybox-static has no chpasswd applet: the template carries this.
CHPASSWD = b"""#!/bin/sh
# chpasswd for the busybox test template: user:password lines on stdin
rc=0
while IFS=: read -r user pass; do
    if ! grep -q "^$user:" /etc/shadow; then
        echo "chpasswd: unknown user $user" >&2
        rc=1
        continue
    fi
    hash=$(mkpasswd -m sha512 "$pass") || { rc=1; continue; }
    sed -i "s|^$user:[^:]*:|$user:$hash:|" /etc/shadow || rc=1
done
exit $rc
"""

if EMULATOR not in sys.path:
    sys.path.insert(0, EMULATOR)

from vzemu import paths, provision  # noqa: E402

_private_pid = []


def pytest_configure(config):
    config.addinivalue_line("markers", "emu_host(**overrides): host.json overrides for emu_host")


def _enter_namespace():
    if _private_pid and _private_pid[0] == os.getpid():
        return
    try:
        if os.readlink("/proc/self/ns/mnt") != os.readlink("/proc/1/ns/mnt"):
            _private_pid[:] = [os.getpid()]
            subprocess.run(["mount", "--make-rprivate", "/"], check=True)
            return
    except OSError:
        pass
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.unshare(0x00020000) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "unshare(CLONE_NEWNS): %s" % os.strerror(err))
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    _private_pid[:] = [os.getpid()]


def _busybox():
    for path in ("/bin/busybox", "/usr/bin/busybox"):
        if os.path.exists(path):
            return path
    subprocess.run(["apt-get", "install", "-y", "busybox-static"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return shutil.which("busybox")


def _add(tar, name, data=None, mode=0o644, kind=tarfile.REGTYPE, link=None):
    info = tarfile.TarInfo(name)
    info.mode = mode
    info.uid = info.gid = 0
    info.mtime = 1700000000
    info.type = kind
    if link is not None:
        info.linkname = link
    if data is not None:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    else:
        tar.addfile(info)


@pytest.fixture(scope="session")
def template_tarball(tmp_path_factory):
    """A busybox-static root filesystem as a template cache tarball."""
    busybox = _busybox()
    if busybox is None:
        pytest.skip("busybox is not available")
    path = str(tmp_path_factory.mktemp("tmpl") / (TEMPLATE + ".tar.gz"))
    with open(busybox, "rb") as handle:
        binary = handle.read()
    with tarfile.open(path, "w:gz") as tar:
        for directory in ("bin", "sbin", "etc", "dev", "proc", "root", "tmp", "usr", "usr/bin",
                          "var", "sys", "run"):
            _add(tar, "./" + directory, kind=tarfile.DIRTYPE, mode=0o1777 if directory == "tmp"
                 else 0o755)
        _add(tar, "./bin/busybox", binary, mode=0o755)
        for applet in BUSYBOX_APPLETS:
            _add(tar, "./bin/" + applet, kind=tarfile.SYMTYPE, link="busybox", mode=0o777)
        _add(tar, "./bin/chpasswd", CHPASSWD, mode=0o755)
        _add(tar, "./etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
        _add(tar, "./etc/shadow", b"root:*:19000:0:99999:7:::\n", mode=0o640)
        _add(tar, "./etc/group", b"root:x:0:\n")
        _add(tar, "./etc/hostname", b"localhost\n")
    return path


class Result(object):
    def __init__(self, argv, rc, stdout, stderr):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self):
        return "vzctl %s -> rc %s\n--stdout--\n%s--stderr--\n%s" % (
            " ".join(self.argv), self.rc, self.stdout, self.stderr)


class EmuHost(object):
    """One emulated host; ``vzctl(...)`` runs the stand-in."""

    def __init__(self, flavour, base, env):
        self.flavour = flavour
        self.base = base
        self.env = env

    def vzctl(self, *argv, input=None, timeout=60):
        argv = [str(a) for a in argv]
        proc = subprocess.run(["vzctl"] + argv, input=input, capture_output=True, text=True,
                              env=self.env, timeout=timeout, check=False)
        return Result(argv, proc.returncode, proc.stdout, proc.stderr)

    def popen(self, *argv):
        return subprocess.Popen(["vzctl"] + [str(a) for a in argv], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def conf_path(self, ctid):
        return paths.ct_conf_path(ctid)

    def conf(self, ctid):
        with open(self.conf_path(ctid), "r", encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()

    def write_conf(self, ctid, text):
        with open(self.conf_path(ctid), "w") as handle:
            handle.write(text)

    def set_global(self, key, value):
        """Replace (or add) KEY=value in /etc/vz/vz.conf."""
        with open(paths.VZ_CONF) as handle:
            lines = handle.read().split("\n")
        for index, line in enumerate(lines):
            if line.startswith(key + "="):
                lines[index] = "%s=%s" % (key, value)
                break
        else:
            lines.insert(-1, "%s=%s" % (key, value))
        with open(paths.VZ_CONF, "w") as handle:
            handle.write("\n".join(lines))

    def faults(self, faults):
        import json
        with open(paths.state_path("faults.json"), "w") as handle:
            json.dump(faults, handle)

    def calls(self):
        import json
        try:
            with open(paths.state_path("calls.jsonl")) as handle:
                return [json.loads(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []

    def create(self, ctid, *extra):
        result = self.vzctl("create", ctid, "--ostemplate", TEMPLATE, *extra)
        assert result.rc == 0, result
        return result


@pytest.fixture(params=["legacy", "vz7"])
def flavour(request):
    return request.param


@pytest.fixture
def emu_host(flavour, tmp_path, request, template_tarball):
    if os.geteuid() != 0:
        pytest.skip("the emulator tests need root (mount namespace, overlays)")
    _enter_namespace()
    overrides = {}
    marker = request.node.get_closest_marker("emu_host")
    if marker is not None:
        overrides.update(marker.kwargs)
    mounted = []
    base = str(tmp_path)
    try:
        for target in ("/etc", "/var"):
            upper = os.path.join(base, "up" + target.replace("/", "_"))
            work = os.path.join(base, "wk" + target.replace("/", "_"))
            os.makedirs(upper)
            os.makedirs(work)
            subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                            "lowerdir=%s,upperdir=%s,workdir=%s" % (target, upper, work), target],
                           check=True)
            mounted.append(target)
        vzdir = os.path.join(base, "vz")
        os.makedirs(vzdir)
        os.makedirs(paths.VZ_ROOT_DIR, exist_ok=True)
        subprocess.run(["mount", "--bind", vzdir, paths.VZ_ROOT_DIR], check=True)
        mounted.append(paths.VZ_ROOT_DIR)
        for leftover in ("/etc/vz", paths.STATE_DIR):
            if os.path.isdir(leftover):
                shutil.rmtree(leftover)
        provision.provision_host(flavour, templates={TEMPLATE: template_tarball}, **overrides)
        env = dict(os.environ)
        env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
        env.pop("VZEMU_STATE_DIR", None)
        env["TZ"] = "UTC"
        yield EmuHost(flavour, base, env)
    finally:
        # CT mounts under /vz first, then the host's own mounts.
        for target in reversed(mounted):
            subprocess.run(["umount", "-R", "-l", target], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
