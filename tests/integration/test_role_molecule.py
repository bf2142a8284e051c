"""The roles' Molecule scenarios (extensions/molecule), inside an emulated OpenVZ host.

Molecule's delegated driver (`default`, unmanaged) creates no instance: the
scenario runs against the machine it starts on. Started here, inside the
host fixture's mounts and with the emulator first on PATH, it converges the
emulated host: syntax, check mode, converge, idempotence (a second converge
must report no change), verify.
"""
import os
import re
import subprocess

import pytest

from harness.paths import REPO_ROOT, VENV_BIN

SCENARIOS = ["host", "containers"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_molecule_scenario(openvz_host, ansible_env, tmp_path, scenario):
    env = dict(os.environ)
    env.update({
        "PATH": os.pathsep.join([str(VENV_BIN), env["PATH"]]),
        "ANSIBLE_COLLECTIONS_PATH": str(ansible_env.collections_path),
        # Molecule's and Ansible's own files (ephemeral dir, tmp) stay in the test's dir.
        "ANSIBLE_HOME": str(tmp_path / "ansible-home"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "NO_COLOR": "1",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
    })
    env.pop("ANSIBLE_CONFIG", None)
    proc = subprocess.run([str(VENV_BIN / "molecule"), "test", "-s", scenario],
                          cwd=REPO_ROOT / "extensions", env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=600, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    for action in ("syntax", "check", "converge", "idempotence", "verify"):
        assert re.search(r"^%s (>|➜) %s: Executed: Successful$" % (scenario, action), output, re.M), output
