"""The README's support table says what the matrix tests and what each core accepts.

Rows: one per core of cores.py, "<version> on <python>"; the Python columns
are that core's own limits, read from its ansible-test
(CONTROLLER_PYTHON_VERSIONS, REMOTE_ONLY_PYTHON_VERSIONS); meta/runtime.yml
claims the oldest core. A core whose venv is not built is skipped.
"""

import json
import re
import subprocess

import pytest

from matrix.cores import CORES, LAST_CORE_FOR_PY36, OLDEST, REPO_ROOT, ready_reason

ROW = re.compile(r"^\| (\d+\.\d+) \| (\S+) on (\S+) \| ([\d.]+)-([\d.]+) \| (?:\*\*)?([\d.]+)(?:\*\*)?-([\d.]+) \|$")
LIMITS = ("from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS as c, "
          "REMOTE_ONLY_PYTHON_VERSIONS as r; import json; print(json.dumps([c, r]))")


def _version(text):
    return tuple(int(part) for part in text.split("."))


def _table():
    rows = {}
    for line in (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            minor, version, python, c_low, c_high, t_low, t_high = match.groups()
            rows[minor] = (version, python, (c_low, c_high), (t_low, t_high))
    return rows


def test_one_row_per_core_as_tested():
    assert {minor: row[:2] for minor, row in _table().items()} == {
        core.minor: (core.version, core.python) for core in CORES}


def test_runtime_claims_the_oldest_core():
    runtime = (REPO_ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8")
    assert re.search(r'^requires_ansible: ">=%s\.0"$' % re.escape(OLDEST.minor), runtime, re.MULTILINE), runtime


@pytest.mark.parametrize("core", CORES, ids=lambda core: "core" + core.version)
def test_python_columns_are_the_cores_own_limits(core):
    reason = ready_reason(core)
    if reason:
        pytest.skip(reason)
    out = subprocess.run([str(core.bin / "python"), "-c", LIMITS], capture_output=True, text=True, check=True).stdout
    controller, remote_only = json.loads(out)
    targets = sorted((v for v in remote_only + controller if _version(v) >= (3,)), key=_version)
    _version_text, _python, controller_column, target_column = _table()[core.minor]
    assert controller_column == (controller[0], controller[-1])
    assert target_column == (targets[0], targets[-1])
    # Python 3.6 targets end with the core that cores.py says (the smoke tests check it runs).
    assert ("3.6" in targets) == (core.minor == LAST_CORE_FOR_PY36)
