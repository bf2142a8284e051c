"""pytest hooks and fixtures of the harness, loaded as a plugin (`-p harness.fixtures` in pytest.ini).

A plugin rather than a root conftest.py: `ansible-test units` runs tests/unit with its own
pytest configuration and would load a conftest, namespaces and all.
"""

import os
import shutil
import sys
import tempfile

import pytest

from harness import namespace
from harness.ansible_runner import AnsibleEnv
from harness.host import FLAVOURS, emulated_host
from harness.http_mirror import serve
from harness.module_runner import ModuleRunner
from harness.paths import CACHE_DIR, EMULATOR_DIR, REPO_ROOT
from harness.rootfs import build_templates

__all__ = [
    "pytest_addoption", "pytest_configure", "pytest_generate_tests",
    "openvz_templates", "openvz_cpus", "openvz_host", "legacy_host", "vz7_host",
    "ansible_env", "run_playbook", "run_adhoc", "module_runner", "mirror",
]

_ISOLATION_REASON = pytest.StashKey()


def _collection_importable():
    """Make the repository importable as ansible_collections.openvz.vz, as ansible-test does.

    A symlink is enough for imports (only ansible-test insists on a real path).
    """
    root = os.path.join(tempfile.gettempdir(), "openvz-vz-unit-%d" % os.getpid())
    link = os.path.join(root, "ansible_collections", "openvz", "vz")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(str(REPO_ROOT), link)
    if root not in sys.path:
        sys.path.insert(0, root)


_collection_importable()


def pytest_addoption(parser):
    group = parser.getgroup("openvz", "emulated OpenVZ hosts")
    group.addoption(
        "--openvz-flavours", default=",".join(FLAVOURS),
        help="comma-separated flavours that tests using `openvz_host` run in "
             "(default: %(default)s); a `flavour` marker overrides it")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "flavour(*names): run an openvz_host test only in these flavours")
    # Once per process, xdist workers included, before any test mounts.
    reason = namespace.isolation_unavailable_reason()
    if reason is None:
        namespace.enter_private_mount_namespace()
    config.stash[_ISOLATION_REASON] = reason


def _requested_flavours(metafunc):
    marker = metafunc.definition.get_closest_marker("flavour")
    names = list(marker.args) if marker else [
        name.strip() for name in metafunc.config.getoption("openvz_flavours").split(",")
        if name.strip()]
    unknown = sorted(set(names) - set(FLAVOURS))
    if unknown:
        raise pytest.UsageError("unknown OpenVZ flavour(s) %s; known: %s"
                                % (", ".join(unknown), ", ".join(FLAVOURS)))
    return names


def pytest_generate_tests(metafunc):
    if "openvz_host" not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers("parametrize"):
        argnames = marker.args[0]
        if isinstance(argnames, str):
            argnames = [name.strip() for name in argnames.split(",")]
        if "openvz_host" in argnames:
            return
    metafunc.parametrize("openvz_host", _requested_flavours(metafunc), indirect=True)


@pytest.fixture(scope="session")
def openvz_templates():
    """OS template name -> cache tarball; override to provision other templates."""
    return build_templates(CACHE_DIR / "templates")


@pytest.fixture
def openvz_cpus():
    """CPU count of the emulated host; override to change it."""
    return 2


def _host(request, flavour, tmp_path, monkeypatch, templates, cpus):
    reason = request.config.stash.get(_ISOLATION_REASON, None)
    if reason:
        pytest.skip(reason)
    workdir = tmp_path / "openvz-host"
    monkeypatch.syspath_prepend(str(EMULATOR_DIR))
    try:
        with emulated_host(flavour, workdir, templates=templates, cpus=cpus) as host:
            monkeypatch.setenv("PATH", host.env["PATH"])
            monkeypatch.delenv("VZEMU_STATE_DIR", raising=False)
            yield host
    finally:
        # Overlay work dirs are created mode 000; rmtree as root copes.
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def openvz_host(request, tmp_path, monkeypatch, openvz_templates, openvz_cpus):
    """A fresh emulated OpenVZ host; flavour from parametrization (indirect)."""
    flavour = getattr(request, "param", FLAVOURS[0])
    yield from _host(request, flavour, tmp_path, monkeypatch, openvz_templates, openvz_cpus)


@pytest.fixture
def legacy_host(request, tmp_path, monkeypatch, openvz_templates, openvz_cpus):
    """A fresh emulated legacy (OpenVZ 6, vzctl 4.x) host."""
    yield from _host(request, "legacy", tmp_path, monkeypatch, openvz_templates, openvz_cpus)


@pytest.fixture
def vz7_host(request, tmp_path, monkeypatch, openvz_templates, openvz_cpus):
    """A fresh emulated OpenVZ 7 host."""
    yield from _host(request, "vz7", tmp_path, monkeypatch, openvz_templates, openvz_cpus)


@pytest.fixture
def ansible_env(tmp_path):
    """An AnsibleEnv: run_playbook(...), run_adhoc(...) against localhost."""
    return AnsibleEnv(tmp_path / "ansible")


@pytest.fixture
def run_playbook(ansible_env):
    """run_playbook(text_or_path, extra_vars=None, check=False, diff=False) -> AnsibleResult."""
    return ansible_env.run_playbook


@pytest.fixture
def run_adhoc(ansible_env):
    """run_adhoc(module, args=None) -> AnsibleResult."""
    return ansible_env.run_adhoc


@pytest.fixture
def module_runner(ansible_env):
    """module_runner(module, **args) -> result dict, via pytest-ansible if installed."""
    return ModuleRunner(ansible_env)


@pytest.fixture
def mirror(tmp_path):
    """A loopback HTTP mirror of ``tmp_path/mirror``; templates go in ``mirror.top`` (precreated/)."""
    top = tmp_path / "mirror"
    (top / "precreated").mkdir(parents=True)
    with serve(top, lifetime=90) as server:
        server.top = top / "precreated"
        yield server
