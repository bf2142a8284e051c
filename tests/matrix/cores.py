"""Every ansible-core the collection is tested on, and where each one's venv is.

One place for the matrix: `make matrix-venvs` (venvs.py) builds what is listed
here, `make matrix-smoke` (test_smoke.py), `matrix-unit` and `matrix-sanity`
use it. The README's support statement says the same in words.
"""

import glob
import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MATRIX_DIR = REPO_ROOT / ".cache" / "matrix"
REQUIREMENTS_DEV = REPO_ROOT / "requirements-dev.txt"


@dataclass(frozen=True)
class Venv:
    """A venv of `python` (a minor version, "3.11") holding `packages` (pip requirement names
    whose version range comes from requirements-dev.txt) plus `pins` (exact requirements)."""

    name: str
    python: str
    pins: tuple = ()
    packages: tuple = ()
    # What pip is upgraded to first; the newest pip needs a recent Python.
    pip: str = "pip"

    @property
    def path(self):
        return MATRIX_DIR / self.name

    @property
    def bin(self):
        return self.path / "bin"

    def requirements(self):
        return list(self.pins) + [dev_requirement(name) for name in self.packages]


@dataclass(frozen=True)
class Core(Venv):
    """A controller venv: ansible-core `version` on Python `python`."""

    version: str = ""

    @property
    def minor(self):
        return ".".join(self.version.split(".")[:2])


def _core(version, python, extra=()):
    return Core(name="core-%s-py%s" % (version, python), python=python,
                pins=("ansible-core==%s" % version,), packages=("lxml",) + tuple(extra), version=version)


# The unit tests run on the ends (the oldest core meta/runtime.yml claims, the
# newest released), so those venvs also get pytest (-n 2) and hypothesis.
UNIT_EXTRAS = ("pytest", "pytest-xdist", "hypothesis")
# Controller Pythons each core accepts (its ansible_test/_util/target/common/
# constants.py, CONTROLLER_PYTHON_VERSIONS): 2.16 and 2.17 3.10-3.12, 2.18 and
# 2.19 3.11-3.13, 2.20 and 2.21 3.12-3.14. Here: the project's own 3.11 while
# a core takes it, then 3.12 for 2.20 and 3.13 (pyenv's newest) for 2.21.
CORES = (
    _core("2.16.19", "3.11", UNIT_EXTRAS),
    _core("2.17.14", "3.11"),
    _core("2.18.19", "3.11"),
    _core("2.19.14", "3.11"),
    _core("2.20.10", "3.12"),
    _core("2.21.5", "3.13", UNIT_EXTRAS),
)
OLDEST, NEWEST = CORES[0], CORES[-1]

# A hypervisor's Python as OpenVZ 7 ships it (3.6), with lxml 5.x (6.0 needs
# 3.8+): modules run on it under 2.16 only. The oldest target Python of each
# core (REMOTE_ONLY_PYTHON_VERSIONS in the same file): 2.16 3.6 (and 2.7),
# 2.17 3.7, 2.18 and 2.19 3.8, 2.20 and 2.21 3.9.
# pip 21.3 is the last for 3.6 (the venv's own 18.1 knows no manylinux2014 wheels).
TARGET_PY36 = Venv(name="target-py3.6", python="3.6", pins=("lxml>=5,<6",), pip="pip<22")
# The newest core that still runs modules on a Python 3.6 target.
LAST_CORE_FOR_PY36 = "2.16"

ALL_VENVS = CORES + (TARGET_PY36,)


def dev_requirement(name):
    """The requirement line for `name` in requirements-dev.txt (its version range)."""
    pattern = re.compile(r"^%s\s*([<>=!~,. 0-9a-z]*)$" % re.escape(name), re.IGNORECASE)
    for line in REQUIREMENTS_DEV.read_text(encoding="utf-8").splitlines():
        match = pattern.match(line.split("#", 1)[0].strip())
        if match:
            return name + match.group(1).replace(" ", "")
    raise LookupError("%s is not in %s" % (name, REQUIREMENTS_DEV))


def _version_key(path):
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.]", os.path.basename(path)))


def find_python(minor):
    """(path, None) of a Python `minor` ("3.11"): pyenv's newest patch release, else
    `pythonX.Y` on PATH; (None, reason) when there is none."""
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    candidates = sorted((path for path in glob.glob(os.path.join(root, "versions", minor + ".*"))
                         if re.match(r"^\d+\.\d+\.\d+$", os.path.basename(path))
                         and os.access(os.path.join(path, "bin", "python3"), os.X_OK)),
                        key=_version_key)
    if candidates:
        return os.path.join(candidates[-1], "bin", "python3"), None
    found = shutil.which("python" + minor)
    if found:
        return found, None
    return None, "no Python %s: neither %s/versions/%s.* nor python%s on PATH" % (minor, root, minor, minor)


def stamp_name(venv, python_version):
    """The stamp file's name, keyed by what the venv is built from: the
    interpreter's version and the requirements (the file lists them)."""
    digest = hashlib.sha256(stamp_text(venv, python_version).encode()).hexdigest()[:16]
    return ".stamp-%s" % digest


def stamp_text(venv, python_version):
    return "python %s\n%s\n" % (python_version, "\n".join([venv.pip] + venv.requirements()))


def ready_reason(venv):
    """None when `venv` is built (a stamp exists), else why not: its Python is
    missing here, or `make matrix-venvs` has not run."""
    if venv.path.is_dir() and list(venv.path.glob(".stamp-*")):
        return None
    _python, reason = find_python(venv.python)
    return reason or "%s is not built: run `make matrix-venvs`" % venv.path
