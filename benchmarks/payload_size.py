"""What each module's AnsiballZ payload carries: the module_utils files and their lines.

The payload is built the way ansible-core builds it (``recursive_finder`` of
``ansible.executor.module_common``, the same code that writes the zip sent to
the host), for every module in plugins/modules/. Printed per module: this
collection's module_utils files it ships (count, lines, names), the total over
every file of the payload (ansible-core's own module_utils included), and
whether lxml is imported by any shipped file, whether the container driver
(vz_driver) is shipped, and whether importing the module (its top-level
imports, as AnsiballZ runs it before main()) loads lxml or vz_driver.
Imports inside functions (container_info's XML codec, loaded only with
xml=true) are shipped but not loaded on import.

Usage: .venv/bin/python benchmarks/payload_size.py [--files] [--json]
"""

import argparse
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = os.path.join(REPO, "plugins", "modules")
OURS = "ansible_collections/openvz/vz/plugins/module_utils/_vz/"


def _collection_root():
    """A directory holding ansible_collections/openvz/vz -> this checkout (a symlink)."""
    root = tempfile.mkdtemp(prefix="openvz-vz-payload-")
    link = os.path.join(root, "ansible_collections", "openvz", "vz")
    os.makedirs(os.path.dirname(link))
    os.symlink(REPO, link)
    return root


def payload(name):
    """{path in the zip: source bytes} of module ``name``'s AnsiballZ payload."""
    # pylint: disable=import-outside-toplevel
    from ansible._internal._ansiballz._builder import ExtensionManager
    from ansible.executor.module_common import recursive_finder

    with open(os.path.join(MODULES, name + ".py"), "rb") as handle:
        data = handle.read()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        recursive_finder(name, "ansible_collections.openvz.vz.plugins.modules." + name, data, archive,
                         datetime.datetime(1980, 1, 1), ExtensionManager())
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _lines(source):
    return source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)


def _imports_lxml(source):
    return any(line.strip().startswith((b"from lxml", b"import lxml")) for line in source.splitlines())


_LOADED = """
import json, sys
sys.path.insert(0, sys.argv[1])
__import__("ansible_collections.openvz.vz.plugins.modules." + sys.argv[2])
print(json.dumps(["lxml" in sys.modules,
                  "ansible_collections.openvz.vz.plugins.module_utils._vz.vz_driver" in sys.modules]))
"""


def loaded_on_import(root, name):
    """(lxml loaded, vz_driver loaded) once module ``name`` is imported, in a fresh Python."""
    out = subprocess.run([sys.executable, "-c", _LOADED, root, name], check=True,
                         stdout=subprocess.PIPE).stdout
    return tuple(json.loads(out))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", action="store_true", help="list the module_utils files of each module")
    parser.add_argument("--json", action="store_true", help="print {module: {...}} as JSON instead")
    args = parser.parse_args()

    root = _collection_root()
    try:
        return _report(root, args)
    finally:
        shutil.rmtree(root)


def _report(root, args):
    from ansible.plugins.loader import init_plugin_loader  # pylint: disable=import-outside-toplevel
    init_plugin_loader([root])

    names = sorted(entry[:-3] for entry in os.listdir(MODULES) if entry.endswith(".py") and entry != "__init__.py")
    header = ("module", "our utils", "our lines", "all files", "all lines", "lxml shipped", "vz_driver shipped",
              "import loads lxml", "import loads vz_driver")
    rows = []
    details = {}
    for name in names:
        files = payload(name)
        ours = {path[len(OURS):]: source for path, source in files.items()
                if path.startswith(OURS) and not path.endswith("__init__.py")}
        lxml_loaded, driver_loaded = loaded_on_import(root, name)
        rows.append((name, len(ours), sum(_lines(s) for s in ours.values()), len(files),
                     sum(_lines(s) for s in files.values()),
                     "yes" if any(_imports_lxml(s) for s in files.values()) else "no",
                     "yes" if "vz_driver.py" in ours else "no",
                     "yes" if lxml_loaded else "no", "yes" if driver_loaded else "no"))
        details[name] = sorted(ours)
    if args.json:
        print(json.dumps({row[0]: dict(zip(header[1:], row[1:]), utils=[item[:-3] for item in details[row[0]]])
                          for row in rows}, indent=1, sort_keys=True))
        return 0
    widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(v).ljust(w) for v, w in zip(row, widths)) + " |")
    if args.files:
        for name in names:
            print("\n%s: %s" % (name, " ".join(item[:-3] for item in details[name])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
