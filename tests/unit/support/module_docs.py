"""A module's documented options as ansible-doc merges them (its own and its
openvz.vz doc fragments'), read from the source without importing Ansible."""
import ast
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[3]


def assigned(path, name):
    """The string literal assigned to ``name`` in the Python file ``path``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == name:
            return node.value.value
    raise AssertionError("no %s in %s" % (name, path))


def documentation(module):
    return yaml.safe_load(assigned(REPO / "plugins" / "modules" / (module + ".py"), "DOCUMENTATION"))


def documented_options(module):
    doc = documentation(module)
    options = {}
    for fragment in doc.get("extends_documentation_fragment", []):
        if fragment.startswith("openvz.vz."):
            file_name, _sep, variable = fragment[len("openvz.vz."):].partition(".")
            text = assigned(REPO / "plugins" / "doc_fragments" / (file_name + ".py"),
                            variable.upper() or "DOCUMENTATION")
            for key, value in (yaml.safe_load(text).get("options") or {}).items():
                options.setdefault(key, {}).update(value)
    for key, value in doc["options"].items():
        options.setdefault(key, {}).update(value)
    return options
