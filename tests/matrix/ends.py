"""The unit tests and ansible-test sanity on the ends of the matrix (cores.py):
the oldest core meta/runtime.yml claims and the newest.

Usage (from the repository root):
  python tests/matrix/ends.py [--jobs N] unit [PYTEST_ARG ...]
  python tests/matrix/ends.py [--jobs N] sanity SANITY_ROOT

A core whose venv is not built (no such Python here) is skipped with the
reason printed. Every core runs even when another one fails. With --jobs 2
both cores run at once, each one's output printed when it ends.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness.collection_copy import sync  # noqa: E402  pylint: disable=wrong-import-position
from matrix.cores import NEWEST, OLDEST, REPO_ROOT, ready_reason  # noqa: E402  pylint: disable=wrong-import-position

# The unit tests that import ansible (the emulator's own need no core).
UNIT_PATHS = ("tests/unit", "tests/harness/tests", "tests/repo/test_flavour_guide.py", "tests/repo/test_user_guide.py",
              "tests/repo/test_payload.py")
# Unit tests that exercise a newer core's internals, per core minor left out: why.
UNIT_DESELECT = {
    "2.16": {
        "tests/repo/test_payload.py::test_modules_without_xml_ship_neither_lxml_nor_the_container_driver":
            "benchmarks/payload_size.py reads AnsiballZ's 2.19+ builder (ansible._internal._ansiballz)",
    },
}
GET_PIP_STANDIN = REPO_ROOT / "tests" / "harness" / "get_pip_standin.py"


def _unit(core, args, _root):
    deselect = []
    for test, why in sorted(UNIT_DESELECT.get(core.minor, {}).items()):
        print("matrix-unit: ansible-core %s: left out %s: %s" % (core.version, test, why), flush=True)
        deselect += ["--deselect", test]
    return [str(core.bin / "python"), "-m", "pytest"] + list(args) + deselect + list(UNIT_PATHS), REPO_ROOT


def _site_packages(core):
    (site,) = core.path.glob("lib/python*/site-packages")
    return site


def install_get_pip_standins(core):
    """The standin at each get_pip_<version>.py name this core's ansible-test looks for."""
    source = (_site_packages(core) / "ansible_test" / "_internal" / "python_requirements.py").read_text(encoding="utf-8")
    cache = Path(os.path.expanduser("~/.ansible/test/cache"))
    cache.mkdir(parents=True, exist_ok=True)
    for version in sorted(set(re.findall(r"\bpip='([0-9.]+)'", source))):
        shutil.copyfile(GET_PIP_STANDIN, cache / ("get_pip_%s.py" % version.replace(".", "_")))


def _sanity(core, _args, root):
    # One copy per core: ansible-test keeps its venvs in the copy's tests/output.
    copy = sync(Path("%s-%s" % (root, core.name)) / "ansible_collections" / "openvz" / "vz")
    install_get_pip_standins(core)
    return [str(core.bin / "ansible-test"), "sanity", "--venv", "--python", core.python, "--color", "no"], copy


def _run_one(step, core, rest, parallel):
    """(core, passed) after running `step` under `core`; with `parallel` the
    output goes to a log file, printed whole once the run ends."""
    label = "matrix-%s: ansible-core %s (Python %s)" % (step, core.version, core.python)
    start = time.monotonic()
    if step == "unit":
        command, cwd = _unit(core, rest, None)
    else:
        command, cwd = _sanity(core, (), rest[0])
    print("%s: %s" % (label, " ".join(command)), flush=True)
    if parallel:
        log = core.path / ("%s.log" % step)
        with open(log, "w", encoding="utf-8") as handle:
            rc = subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=handle,
                                stderr=subprocess.STDOUT, check=False).returncode
        print("=== %s: output (%s)\n%s" % (label, log, log.read_text(encoding="utf-8", errors="replace")), flush=True)
    else:
        rc = subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL, check=False).returncode
    print("%s %s in %ds" % (label, "FAILED" if rc else "passed", time.monotonic() - start), flush=True)
    return core, rc == 0


def main(argv):
    jobs = 1
    if argv[:1] == ["--jobs"] and len(argv) > 1 and argv[1].isdigit():
        jobs, argv = int(argv[1]), argv[2:]
    if not argv or argv[0] not in ("unit", "sanity") or (argv[0] == "sanity" and len(argv) != 2):
        sys.exit(__doc__)
    step, rest = argv[0], argv[1:]
    cores = []
    for core in (OLDEST, NEWEST):
        reason = ready_reason(core)
        if reason:
            print("matrix-%s: ansible-core %s skipped: %s" % (step, core.version, reason), flush=True)
        else:
            cores.append(core)
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        results = list(pool.map(lambda core: _run_one(step, core, rest, jobs > 1), cores))
    failed = [core.version for core, passed in results if not passed]
    if failed:
        print("matrix-%s: FAILED on ansible-core %s" % (step, ", ".join(failed)), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
