"""Build the matrix's venvs (cores.py) under .cache/matrix/, each once.

A venv is rebuilt only when its stamp (named after a hash of the interpreter's
version and the requirements) is missing, so a re-run costs a second. A venv
whose Python is not on this machine is skipped with the reason printed.

Usage (from the repository root): python tests/matrix/venvs.py [NAME ...]
"""

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matrix.cores import ALL_VENVS, find_python, stamp_name, stamp_text  # noqa: E402  pylint: disable=wrong-import-position

# Two installs at once: the machines have two cores and pip waits on the network too.
WORKERS = 2


def _run(argv):
    proc = subprocess.run([str(arg) for arg in argv], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)
    if proc.returncode:
        raise RuntimeError("%s failed (rc=%d):\n%s%s" % (" ".join(map(str, argv)), proc.returncode,
                                                         proc.stdout[-3000:], proc.stderr[-3000:]))
    return proc.stdout


def python_version(python):
    return _run([python, "-c", "import platform; print(platform.python_version())"]).strip()


def build(venv):
    """A line saying what was done to `venv`: built, up to date or skipped (why)."""
    python, reason = find_python(venv.python)
    if python is None:
        return "skip %s: %s" % (venv.name, reason)
    version = python_version(python)
    stamp = venv.path / stamp_name(venv, version)
    if stamp.exists():
        return "ok   %s (up to date)" % venv.name
    start = time.monotonic()
    if not (venv.bin / "python").exists():
        _run([python, "-m", "venv", venv.path])
    for old in venv.path.glob(".stamp-*"):
        old.unlink()
    vpy = venv.bin / "python"
    _run([vpy, "-m", "pip", "install", "--quiet", "--upgrade", venv.pip])
    _run([vpy, "-m", "pip", "install", "--quiet"] + venv.requirements())
    stamp.write_text(stamp_text(venv, version), encoding="utf-8")
    return "ok   %s (built with %s in %ds)" % (venv.name, python, time.monotonic() - start)


def main(names):
    unknown = sorted(set(names) - {venv.name for venv in ALL_VENVS})
    if unknown:
        sys.exit("unknown venv(s) %s; known: %s" % (", ".join(unknown), ", ".join(v.name for v in ALL_VENVS)))
    wanted = [venv for venv in ALL_VENVS if not names or venv.name in names]
    failed = False
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [(venv, pool.submit(build, venv)) for venv in wanted]
        for venv, future in futures:
            try:
                print("matrix-venvs: %s" % future.result(), flush=True)
            except (RuntimeError, OSError) as exc:
                failed = True
                print("matrix-venvs: FAILED %s: %s" % (venv.name, exc), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
