"""The pieces `make sanity` relies on: the pip stand-in and the collection copy."""

import subprocess
import sys

from harness import collection_copy, get_pip_standin
from harness.paths import REPO_ROOT


def test_get_pip_standin_drops_get_pip_only_options(monkeypatch):
    commands = []
    monkeypatch.setattr(subprocess, "check_call", commands.append)
    monkeypatch.setattr(sys, "argv", ["quiet_pip.py", "--disable-pip-version-check",
                                      "pip==24.2", "--no-setuptools", "--no-wheel"])
    get_pip_standin.main()
    assert commands == [
        [sys.executable, "-m", "ensurepip", "--upgrade"],
        [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "pip==24.2"],
    ]


def test_collection_copy_mirrors_and_prunes(tmp_path):
    dest = tmp_path / "ansible_collections" / "openvz" / "vz"
    (dest / "plugins" / "modules").mkdir(parents=True)
    (dest / "plugins" / "modules" / "stale.py").write_text("gone\n", encoding="utf-8")
    (dest / "tests" / "output" / ".tmp").mkdir(parents=True)
    (dest / "tests" / "output" / ".tmp" / "keep").write_text("venv\n", encoding="utf-8")
    collection_copy.sync(dest)
    assert (dest / "galaxy.yml").read_bytes() == (REPO_ROOT / "galaxy.yml").read_bytes()
    assert not (dest / "plugins" / "modules" / "stale.py").exists()
    assert (dest / "tests" / "output" / ".tmp" / "keep").exists()
    assert not (dest / ".venv").exists() and not (dest / ".git").exists()
    assert set(collection_copy.collection_files()) >= {"galaxy.yml", "meta/runtime.yml"}
