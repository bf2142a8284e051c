"""What the modules import when they run.

On a Python without lxml (the machine's /usr/bin/python3) those that build
or read domain XML (container; container_info with xml=true) fail with
missing_required_lib("lxml") before anything runs, never a traceback; the
others work. On the venv's Python, which has lxml, the modules that need no
XML (container_info with xml=false, container_exec, snapshot, template)
load neither lxml nor the container driver (read from ``python -X
importtime``, one log per module process).
"""
import json
import subprocess

import pytest

from harness import calllog
from harness.paths import VENV_BIN

TEMPLATE = "debian-12.0-x86_64-minimal"
NO_LXML_PYTHON = "/usr/bin/python3"


def _play(tasks):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1)


def _task(name, module, args, **extra):
    task = {"name": name, "openvz.vz." + module: args}
    task.update(extra)
    return task


@pytest.mark.flavour("vz7")
def test_modules_without_lxml(openvz_host, run_playbook):
    probe = subprocess.run([NO_LXML_PYTHON, "-c", "import lxml"], capture_output=True, check=False)
    if probe.returncode == 0:
        pytest.skip("%s has lxml" % NO_LXML_PYTHON)
    made = run_playbook(_play([_task("made", "container", {"ctid": "101", "ostemplate": TEMPLATE,
                                                           "state": "started"})]))
    assert made.rc == 0, str(made)
    openvz_host.clear_calls()

    result = run_playbook(_play([
        _task("container", "container", {"ctid": "101", "hostname": "other.example"}, ignore_errors=True),
        _task("info with xml", "container_info", {"ctid": ["101"]}, ignore_errors=True),
        _task("info without xml", "container_info", {"ctid": ["101"], "xml": False}),
        _task("exec", "container_exec", {"ctid": "101", "argv": ["echo", "hello"]}),
        _task("snapshot", "snapshot", {"ctid": "101", "name": "s1"}),
        _task("template", "template", {"name": TEMPLATE}),
    ]), extra_vars={"ansible_python_interpreter": NO_LXML_PYTHON})
    assert result.rc == 0, str(result)
    for name in ("container", "info with xml"):
        failed = result.task(name)
        assert failed["status"] == "ignored", failed
        assert "Failed to import the required Python library (lxml)" in failed["result"]["msg"], failed
        assert "MODULE FAILURE" not in failed["result"]["msg"]
    info = result.task("info without xml")["result"]
    assert [ct["ctid"] for ct in info["containers"]] == ["101"] and "xml" not in info
    assert result.task("exec")["result"]["stdout"] == "hello"
    assert result.task("snapshot")["changed"]
    assert result.task("template")["status"] == "ok"
    # The failing modules ran nothing: the snapshot is the only change.
    assert [calllog.vzctl_command(call["argv"]) for call in openvz_host.mutating_calls()] == ["snapshot"]


# The container driver and the XML codec. (vz_settings and its comparisons,
# vz_fields, are the model's: container_info needs them to read a config.)
DRIVER = ("lxml", "vz_lxml", "vz_xml", "vz_driver", "vz_plan", "vz_preflight", "vz_params")
# A module_utils file only that module imports, to tell the logs apart.
SIGNATURE = {"vz_listing": "info without xml", "vz_exec": "exec", "vz_snapshot": "snapshot",
             "vz_template": "template", "vz_params": "container"}


def _imports_by_task(logs):
    """{task name: set of imported module names} from ``-X importtime`` logs."""
    found = {}
    for log in logs.iterdir():
        names = set(line.rsplit("|", 1)[-1].strip() for line in log.read_text().splitlines()
                    if line.startswith("import time:"))
        short = set(name.rsplit(".", 1)[-1] for name in names) | names
        tasks = [task for marker, task in SIGNATURE.items() if marker in short]
        assert len(tasks) == 1, (log, tasks)
        found[tasks[0]] = short
    return found


@pytest.mark.flavour("legacy")
def test_modules_that_need_no_xml_load_neither_lxml_nor_the_driver(openvz_host, run_playbook, tmp_path):
    logs = tmp_path / "importtime"
    logs.mkdir()
    python = tmp_path / "python-importtime"
    python.write_text('#!/bin/sh\nexec %s -X importtime "$@" 2>"%s/$$.log"\n' % (VENV_BIN / "python", logs))
    python.chmod(0o755)
    traced = {"ansible_python_interpreter": str(python)}
    made = run_playbook(_play([_task("made", "container", {"ctid": "101", "ostemplate": TEMPLATE,
                                                           "state": "started"})]))
    assert made.rc == 0, str(made)

    result = run_playbook(_play([
        _task("container", "container", {"ctid": "101", "hostname": "other.example"}, vars=traced),
        _task("info without xml", "container_info", {"ctid": ["101"], "xml": False}, vars=traced),
        _task("exec", "container_exec", {"ctid": "101", "argv": ["true"]}, vars=traced),
        _task("snapshot", "snapshot", {"ctid": "101", "name": "s1"}, vars=traced, ignore_errors=True),
        _task("template", "template", {"name": TEMPLATE}, vars=traced),
    ]))
    assert result.rc == 0, str(result)
    imports = _imports_by_task(logs)
    assert sorted(imports) == sorted(SIGNATURE.values())
    # The container module does load them: the logs show what a module imports.
    assert {"lxml", "vz_xml", "vz_driver"} <= imports["container"]
    for task in ("info without xml", "exec", "snapshot", "template"):
        assert sorted(set(DRIVER) & imports[task]) == [], task
