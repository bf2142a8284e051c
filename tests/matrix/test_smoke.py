"""The collection on every ansible-core it supports (cores.py), against an emulated hypervisor.

Per core, one `ansible-playbook` run of smoke.yml with that core's commands,
the collection installed by that core's `ansible-galaxy` from a tarball built
from the git-listed files: create, a no-op re-run, check and diff, container_info,
container_exec, the inventory plugin and a module through the vzctl
connection. Then the same under 2.16 with the modules on Python 3.6 (an OpenVZ
7 hypervisor's), and 2.17+ refusing such a target as the README says.

`make matrix-smoke` runs this after `make matrix-venvs`; a core whose venv is
not built (its Python is missing here) is skipped with the reason.
"""

import json
import subprocess
from pathlib import Path

import pytest

from harness import calllog
from harness.ansible_runner import AnsibleEnv
from harness.collection_copy import sync
from harness.paths import CACHE_DIR, VENV_BIN
from harness.pyrootfs import TEMPLATE_NAME, build_templates_with_python
from matrix.cores import CORES, LAST_CORE_FOR_PY36, TARGET_PY36, ready_reason

HERE = Path(__file__).resolve().parent
CTID = "101"
# The inventory source: this machine as the hypervisor, modules in its
# containers on the container's own Python.
INVENTORY_SOURCE = """\
plugin: openvz.vz.openvz
hypervisors:
  - name: here
compose:
  ansible_python_interpreter: "'/usr/bin/python3'"
"""
# What AnsiballZ on Python 3.6 says of code for 3.7+ (core 2.17 dropped 3.6).
PY36_REFUSAL = "future feature annotations is not defined"


@pytest.fixture(scope="session")
def openvz_templates():
    """The busybox templates plus one with a working Python, for the connection step."""
    return build_templates_with_python(CACHE_DIR)


@pytest.fixture(scope="session")
def collection_tarball(tmp_path_factory):
    """openvz-vz-*.tar.gz as `ansible-galaxy collection build` makes it from the git-listed files."""
    work = tmp_path_factory.mktemp("build")
    source = sync(work / "src")
    proc = subprocess.run([str(VENV_BIN / "ansible-galaxy"), "collection", "build", "--output-path",
                           str(work), str(source)], capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (tarball,) = work.glob("openvz-vz-*.tar.gz")
    return tarball


def _venv(venv):
    reason = ready_reason(venv)
    if reason:
        pytest.skip(reason)
    return venv


def _installed_env(core, tarball, root, python):
    """An AnsibleEnv running `core`'s commands, with the collection installed from `tarball`."""
    collections = root / "installed"
    proc = subprocess.run([str(core.bin / "ansible-galaxy"), "collection", "install", "--offline", "--force",
                           "-p", str(collections), str(tarball)], capture_output=True, text=True,
                          check=False, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    installed = collections / "ansible_collections" / "openvz" / "vz"
    assert (installed / "MANIFEST.json").is_file(), proc.stdout
    return AnsibleEnv(root / "ansible", python=python, collection_source=installed, bin_dir=core.bin)


def _core_version(core):
    proc = subprocess.run([str(core.bin / "python"), "-c", "import ansible.release as r; print(r.__version__)"],
                          capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def _smoke(core, host, tarball, tmp_path, python):
    assert _core_version(core) == core.version
    env = _installed_env(core, tarball, tmp_path, python)
    source = tmp_path / "smoke.openvz.yml"
    source.write_text(INVENTORY_SOURCE, encoding="utf-8")
    calls = tmp_path / "calls"
    calls.mkdir()
    result = env.run_playbook(HERE / "smoke.yml", extra_vars={"template": TEMPLATE_NAME, "calls_dir": str(calls)},
                              extra_args=["-i", str(source)])
    assert result.rc == 0, str(result)
    assert not result.failed_tasks, str(result)
    step_calls = {step: calllog.read_calls(calls / ("%s.jsonl" % step)) for step in ("create", "rerun", "check")}

    create = result.task("Create")
    assert create["changed"], create
    assert [calllog.vzctl_command(c["argv"]) for c in step_calls["create"] if calllog.is_mutating(c)][:1] == ["create"]
    assert "HOSTNAME=\"smoke.example.com\"" in host.conf_text(CTID)

    rerun = result.task("Re-run")
    assert not rerun["changed"], rerun
    assert not [c for c in step_calls["rerun"] if calllog.is_mutating(c)], step_calls["rerun"]

    predicted = result.task("Check and diff")
    assert predicted["changed"], predicted
    diff = predicted["result"]["diff"]
    diff = diff[0] if isinstance(diff, list) else diff
    assert "smoke.example.com" in diff["before"] and "renamed.example.com" in diff["after"], diff
    assert not [c for c in step_calls["check"] if calllog.is_mutating(c)], step_calls["check"]
    assert "HOSTNAME=\"smoke.example.com\"" in host.conf_text(CTID)

    info = result.task("Info")["result"]
    assert [(c["ctid"], c["status"], c["hostname"]) for c in info["containers"]] == [
        (CTID, "running", "smoke.example.com")]
    assert "<domain" in info["xml"][CTID]

    assert result.task("Exec")["result"]["stdout"] == "smoke.example.com"

    connection = result.task("Connection", host="here-%s" % CTID)
    assert connection["result"]["stdout"] == "smoke.example.com"
    return result


@pytest.mark.flavour("legacy")
@pytest.mark.parametrize("core", CORES, ids=lambda core: "core" + core.version)
def test_smoke(core, openvz_host, collection_tarball, tmp_path):
    core = _venv(core)
    _smoke(core, openvz_host, collection_tarball, tmp_path, python=core.bin / "python")


def _cores_with_py36_target(minors):
    return [core for core in CORES if (core.minor == LAST_CORE_FOR_PY36) == minors]


@pytest.mark.flavour("vz7")
@pytest.mark.parametrize("core", _cores_with_py36_target(True), ids=lambda core: "core" + core.version)
def test_smoke_python36_target(core, openvz_host, collection_tarball, tmp_path):
    """An OpenVZ 7 hypervisor's Python 3.6 (with lxml 5.x) runs the modules under 2.16."""
    core, target = _venv(core), _venv(TARGET_PY36)
    result = _smoke(core, openvz_host, collection_tarball, tmp_path, python=target.bin / "python")
    assert result.task("Info")["result"]["containers"], result


@pytest.mark.flavour("vz7")
@pytest.mark.parametrize("core", _cores_with_py36_target(False), ids=lambda core: "core" + core.version)
def test_python36_target_refused(core, openvz_host, collection_tarball, tmp_path):
    """2.17 and newer send modules that Python 3.6 cannot compile: the task fails, nothing runs."""
    core, target = _venv(core), _venv(TARGET_PY36)
    env = _installed_env(core, collection_tarball, tmp_path, target.bin / "python")
    result = env.run_adhoc("openvz.vz.container_info")
    assert result.rc != 0, str(result)
    assert PY36_REFUSAL in json.dumps(result.tasks) + result.stdout, str(result)
    assert not openvz_host.calls(), openvz_host.calls()
