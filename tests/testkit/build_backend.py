"""PEP 517 build backend of openvz-vz-testkit (standard library only).

The wheel holds the kit's own package (``openvz_testkit/``) and, under
``openvz_testkit/_repo/``, the parts of this repository it runs at their
repository paths (``tests/emulator`` without its tests, ``tests/harness``
without its tests), because the harness finds the emulator relative to
itself (``tests/harness/paths.py``). The collection is not in it: the kit
uses the collection the user's ansible finds.

Not setuptools: the project's venv has setuptools 65 without ``wheel``,
which cannot build a wheel, and a build in isolation would fetch both from
an index. This backend needs nothing, so the kit builds offline, with or
without ``--no-build-isolation``, from a clone or a git URL
(``#subdirectory=tests/testkit``).
"""

import base64
import hashlib
import io
import os
import re
import stat
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NAME = "openvz-vz-testkit"
DIST = NAME.replace("-", "_")
# Subtrees of the repository the kit runs, and what of them it leaves out.
SHIPPED_TREES = ("tests/emulator", "tests/harness")
LEFT_OUT = frozenset(("tests", "__pycache__"))
LEFT_OUT_SUFFIXES = (".pyc", ".pyo")
REQUIRES = ("lxml>=5.3",)
REQUIRES_PYTHON = ">=3.9"
SUMMARY = "Run Ansible playbooks for openvz.vz against emulated OpenVZ hypervisors"
ENTRY_POINTS = "[console_scripts]\nopenvz-testkit = openvz_testkit.cli:main\n"
# Fixed, so two builds of the same tree give the same wheel.
ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def version():
    """The collection's version (galaxy.yml): the kit is released with it."""
    text = (REPO / "galaxy.yml").read_text(encoding="utf-8")
    match = re.search(r"^version:\s*['\"]?([0-9]+\.[0-9]+\.[0-9]+)['\"]?\s*$", text, re.M)
    if not match:
        raise RuntimeError("galaxy.yml has no version: x.y.z line")
    return match.group(1)


def _walk(top):
    """Files below `top` (sorted), without LEFT_OUT directories and bytecode."""
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in LEFT_OUT)
        for name in sorted(files):
            if not name.endswith(LEFT_OUT_SUFFIXES):
                yield Path(root) / name


def shipped_files():
    """(path in the wheel, file on disk) for every file of the kit."""
    for path in _walk(HERE / "openvz_testkit"):
        yield path.relative_to(HERE).as_posix(), path
    for tree in SHIPPED_TREES:
        for path in _walk(REPO / tree):
            yield "openvz_testkit/_repo/" + path.relative_to(REPO).as_posix(), path


def _metadata():
    lines = ["Metadata-Version: 2.1", "Name: " + NAME, "Version: " + version(),
             "Summary: " + SUMMARY, "License: GPL-3.0-or-later",
             "Requires-Python: " + REQUIRES_PYTHON]
    lines += ["Requires-Dist: " + req for req in REQUIRES]
    return "\n".join(lines) + "\n"


def _wheel_info():
    return "Wheel-Version: 1.0\nGenerator: openvz-vz build_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _record_line(arcname, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (arcname, digest, len(data))


def _add(archive, arcname, data, executable=False):
    info = zipfile.ZipInfo(arcname, ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    # pip gives installed files the executable bit when the archive has it
    # (the emulator's tools in bin/ are run by path).
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    archive.writestr(info, data)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):  # pylint: disable=unused-argument
    """PEP 517: write the wheel into `wheel_directory`, return its name."""
    dist_info = "%s-%s.dist-info" % (DIST, version())
    filename = "%s-%s-py3-none-any.whl" % (DIST, version())
    record = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as archive:
        for arcname, path in shipped_files():
            data = path.read_bytes()
            _add(archive, arcname, data, executable=bool(path.stat().st_mode & 0o111))
            record.append(_record_line(arcname, data))
        for name, text in (("METADATA", _metadata()), ("WHEEL", _wheel_info()),
                           ("entry_points.txt", ENTRY_POINTS)):
            arcname = "%s/%s" % (dist_info, name)
            _add(archive, arcname, text.encode())
            record.append(_record_line(arcname, text.encode()))
        record.append("%s/RECORD,," % dist_info)
        _add(archive, "%s/RECORD" % dist_info, ("\n".join(record) + "\n").encode())
    return filename


def build_sdist(sdist_directory, config_settings=None):  # pylint: disable=unused-argument
    """PEP 517: an sdist of the kit, its shipped trees at their repository paths.

    Unpacked, it is the repository's subset that builds the same wheel: its
    pyproject.toml points at tests/testkit for this backend.
    """
    top = "%s-%s" % (DIST, version())
    filename = top + ".tar.gz"
    sources = [("tests/testkit/" + arc, path) for arc, path in
               ((p.relative_to(HERE).as_posix(), p) for p in _walk(HERE))]
    sources += [(path.relative_to(REPO).as_posix(), path)
                for tree in SHIPPED_TREES for path in _walk(REPO / tree)]
    sources.append(("galaxy.yml", REPO / "galaxy.yml"))
    generated = {
        "PKG-INFO": _metadata(),
        "pyproject.toml": (HERE / "pyproject.toml").read_text(encoding="utf-8").replace(
            'backend-path = ["."]', 'backend-path = ["tests/testkit"]'),
    }
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for arcname, path in sources:
            tar.add(str(path), arcname="%s/%s" % (top, arcname), recursive=False)
        for arcname, text in sorted(generated.items()):
            info = tarfile.TarInfo("%s/%s" % (top, arcname))
            info.size = len(text.encode())
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(text.encode()))
    return filename
