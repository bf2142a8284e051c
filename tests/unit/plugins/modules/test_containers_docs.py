"""openvz.vz.containers documents each item as openvz.vz.container documents
its options: the same words, types and choices (a default becomes a sentence,
since O(defaults) may set it).  Ansible reads DOCUMENTATION as a literal, so
the copy is written out; ``python tests/unit/plugins/modules/test_containers_docs.py``
prints the block this test expects, to paste over the module's."""
import copy
import re
import sys
from pathlib import Path

import yaml

try:
    from ansible_collections.openvz.vz.tests.unit.support import module_docs
except ImportError:  # run as a script from a clone, outside pytest and ansible-test
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "support"))
    import module_docs

# The containers module's own options, as written in its DOCUMENTATION.
OWN = """
exclusive:
  description:
    - Remove the containers of the host that O(containers) does not declare (by CTID, or by name for an
      item without one), except those in O(exclusive_keep). They are removed before the list is
      converged, and listed in RV(removed) (in check mode too).
    - The task refuses to go on, with nothing changed, while one of them is not stopped, unless
      O(exclusive_remove_running=true).
    - With it, every item needs O(containers[].ctid) or O(containers[].name).
  type: bool
  default: false
exclusive_keep:
  description: CTIDs or names O(exclusive) never removes.
  type: list
  elements: str
  default: []
exclusive_remove_running:
  description: Let O(exclusive) stop and remove containers that are running, mounted or suspended.
  type: bool
  default: false
parallel:
  description:
    - How many containers are converged at once; V(1) converges them strictly in the list's order.
    - Default the number of CPUs of the host.
  type: int
stop_on_error:
  description:
    - Start no further container once one failed (those running finish); they are reported as skipped.
    - By default every container is converged whatever happens to the others.
  type: bool
  default: false
"""


def _sentence(value):
    if isinstance(value, bool):
        return "V(%s)" % str(value).lower()
    return "V(%s)" % value


def _nested(text, names):
    """O(name...) of a container option becomes O(containers[].name...)."""
    return re.sub(r"\bO\(([a-z_]+)", lambda m: "O(containers[]." + m.group(1) if m.group(1) in names else m.group(0),
                  text)


def _renest(value, names):
    if isinstance(value, str):
        return _nested(value, names)
    if isinstance(value, list):
        return [_renest(item, names) for item in value]
    if isinstance(value, dict):
        return dict((key, _renest(item, names) if key == "description" or isinstance(item, dict) else item)
                    for key, item in value.items())
    return value


def item_options():
    """The container module's options as items of O(containers)."""
    items = {}
    documented = module_docs.documented_options("container")
    for name, option in documented.items():
        option = _renest(copy.deepcopy(option), set(documented))
        description = option["description"]
        description = list(description) if isinstance(description, list) else [description]
        if "default" in option:
            default = option.pop("default")
            if name == "timeout":
                description.append("Default O(timeout).")
            else:
                description.append("Default %s, unless O(defaults) sets it." % _sentence(default))
        option["description"] = description
        items[name] = option
    return items


def default_options():
    """O(defaults): every item option but those naming one container, described by reference."""
    out = {}
    for name, option in item_options().items():
        if name in ("ctid", "name", "xml"):
            continue
        short = dict((key, option[key]) for key in ("type", "choices", "elements") if key in option)
        if "suboptions" in option:
            # O(containers[].netifs[].mac): a list's suboptions are referred to through [].
            parent = "containers[].%s%s" % (name, "[]" if option.get("type") == "list" else "")
            short["suboptions"] = dict(
                (sub, dict({"description": "As O(%s.%s)." % (parent, sub)},
                           **dict((k, v) for k, v in spec.items() if k in ("type", "choices", "elements", "required"))))
                for sub, spec in option["suboptions"].items())
        short = dict({"description": "As O(containers[].%s)." % name}, **short)
        if name == "root_password":
            short["description"] = "As O(containers[].root_password) (C(no_log))."
        out[name] = short
    return out


def expected_options():
    options = {
        "containers": {
            "description": [
                "The containers, each item the parameters of M(openvz.vz.container) (the same names,"
                " forms and checks) with O(defaults) merged under it.",
                "Each item needs O(containers[].ctid), O(containers[].name) or O(containers[].xml).",
            ],
            "type": "list",
            "elements": "dict",
            "required": True,
            "suboptions": item_options(),
        },
        "defaults": {
            "description": [
                "Values for every item of O(containers) that does not set them itself (key by key; lists"
                " and dictionaries are replaced, not merged). Settings among them do not apply to an item"
                " with O(containers[].xml).",
            ],
            "type": "dict",
            "suboptions": default_options(),
        },
    }
    options.update(yaml.safe_load(OWN))
    return options


def test_items_are_documented_as_the_container_module_documents_its_options():
    documented = module_docs.documentation("containers")["options"]
    assert documented == expected_options()


class _Indented(yaml.SafeDumper):
    """Lists indented under their key, as the rest of the collection's YAML is."""

    def increase_indent(self, flow=False, indentless=False):
        return super(_Indented, self).increase_indent(flow, False)


if __name__ == "__main__":
    text = yaml.dump(expected_options(), Dumper=_Indented, sort_keys=False, width=100, default_flow_style=False)
    sys.stdout.write("".join("  " + line if line.strip() else line for line in text.splitlines(True)))
