"""Fixtures for the vzctl stand-in's unit tests.

``emu_host`` is a fresh emulated OpenVZ host made the harness's way
(``harness.host.emulated_host``: this process's private mount namespace,
overlays on /etc and /var whose changes land under tmp_path, a fresh
directory bound on /vz), provisioned by ``vzemu.provision.provision_host()``
with the harness's busybox template ``debian-12.0-x86_64-minimal``
(``harness.rootfs``).  It is parametrised over both flavours by default; a
test narrows it with ``@pytest.mark.parametrize("flavour", ["legacy"])`` and
passes host.json overrides with ``@pytest.mark.emu_host(vswap=False, ...)``.
The tests run the real ``tests/emulator/bin/vzctl`` executable as a
subprocess, with TZ=UTC.  One emulated host per process at a time.
"""
import functools
import json
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from harness.host import emulated_host
from harness.namespace import isolation_unavailable_reason
from vzemu import paths, provision

TEMPLATE = "debian-12.0-x86_64-minimal"


def pytest_configure(config):
    config.addinivalue_line("markers", "emu_host(**overrides): host.json overrides for emu_host")


@pytest.fixture(scope="session")
def template_tarball(openvz_templates):
    """The busybox root filesystem of the harness as a template cache tarball (.tar.gz)."""
    return openvz_templates[TEMPLATE]


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

    def __init__(self, flavour, base, host):
        self.flavour = flavour
        self.base = base
        self.host = host   # harness.host.OpenVZHost
        self.env = host.env

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
        """Replace faults.json with ``faults`` (a list, "hold_lock" and all)."""
        with open(paths.state_path("faults.json"), "w") as handle:
            json.dump(faults, handle)

    def calls(self):
        return self.host.calls()

    def create(self, ctid, *extra):
        result = self.vzctl("create", ctid, "--ostemplate", TEMPLATE, *extra)
        assert result.rc == 0, result
        return result


def _reachable_by_all(path):
    """Every directory from / down to ``path`` lets any user through (o+x)."""
    path = os.path.abspath(path)
    while True:
        try:
            if not os.stat(path).st_mode & 0o001:
                return False
        except OSError:
            return False
        if path == "/":
            return True
        path = os.path.dirname(path)


@pytest.fixture(scope="session")
def public_emulator_bin():
    """``bin/`` of a copy of tests/emulator that any user can run.

    The checkout may sit in a directory only its owner can enter (a 0700
    home), and then an unprivileged process cannot even start
    ``tests/emulator/bin/vzlist``.  So tests that run the tools as another
    user run this copy, made in the first temporary directory everyone can
    reach, with directories 0755 and files 0644 (scripts 0755)."""
    from harness.paths import EMULATOR_DIR
    source = str(EMULATOR_DIR)
    bases = [tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"]
    base = next((b for b in bases if os.path.isdir(b) and _reachable_by_all(b)), None)
    if base is None:
        pytest.skip("no temporary directory every user can reach")
    top = tempfile.mkdtemp(prefix="vzemu-public-", dir=base)
    try:
        copy = os.path.join(top, "emulator")
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for root, dirs, files in os.walk(top):
            os.chmod(root, 0o755)
            for name in files:
                path = os.path.join(root, name)
                os.chmod(path, 0o755 if os.path.basename(root) == "bin" else 0o644)
        yield os.path.join(copy, "bin")
    finally:
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(params=["legacy", "vz7"])
def flavour(request):
    return request.param


@pytest.fixture
def emu_host(flavour, tmp_path, request, template_tarball):
    reason = isolation_unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    marker = request.node.get_closest_marker("emu_host")
    overrides = dict(marker.kwargs) if marker is not None else {}
    workdir = tmp_path / "host"
    try:
        with emulated_host(flavour, workdir, templates={TEMPLATE: template_tarball},
                           provision=functools.partial(provision.provision_host, **overrides),
                           base_env=dict(os.environ, TZ="UTC")) as host:
            yield EmuHost(flavour, str(tmp_path), host)
    finally:
        # Overlay work dirs are created mode 000; rmtree as root copes.
        shutil.rmtree(workdir, ignore_errors=True)


def wait_for(predicate, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
