"""Static checks of roles/: variable names, argument specs, module parameters.

ansible-lint's var-naming[no-role-prefix] wants the bare folder name as prefix
(`host_`); the collection's convention is `openvz_<role>_` (see .ansible-lint),
and this module enforces it instead. It also keeps the argument specs, the
documented defaults and the module calls in step with the modules' own
parameters, so a parameter added to a module cannot be silently dropped by a
role.
"""
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.openvz.vz.tests.unit.support import module_docs

REPO = Path(__file__).resolve().parents[3]
ROLES = REPO / "roles"
ROLE_NAMES = sorted(p.name for p in ROLES.iterdir() if p.is_dir())
# Documented but unset by default: commented out in defaults/main.yml.
COMMENTED_DEFAULT = re.compile(r"^# (openvz_[a-z0-9_]+):( |$)", re.M)


def _yaml(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _tasks(role):
    def walk(tasks):
        for task in tasks or []:
            yield task
            for key in ("block", "rescue", "always"):
                yield from walk(task.get(key))
    return list(walk(_yaml(ROLES / role / "tasks" / "main.yml")))


def _spec(role):
    return _yaml(ROLES / role / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]


def test_roles_exist():
    assert ROLE_NAMES == ["containers", "host"]


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_every_variable_is_prefixed_with_openvz_and_the_role_name(role):
    prefix = "openvz_%s_" % role
    names = set(_yaml(ROLES / role / "defaults" / "main.yml") or {})
    names |= {m[0] for m in COMMENTED_DEFAULT.findall((ROLES / role / "defaults" / "main.yml").read_text())}
    names |= set(_yaml(ROLES / role / "vars" / "main.yml") or {})
    names |= set(_spec(role))
    for task in _tasks(role):
        if "register" in task:
            names.add(task["register"])
        names |= set(task.get("ansible.builtin.set_fact", {}))
        names |= set(task.get("vars", {}))
    assert names
    # openvz_containers, the role's main input, is the prefix itself.
    assert sorted(n for n in names if not n.startswith(prefix) and n != prefix[:-1]) == []


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_argument_specs_document_exactly_the_defaults(role):
    text = (ROLES / role / "defaults" / "main.yml").read_text(encoding="utf-8")
    defaults = _yaml(ROLES / role / "defaults" / "main.yml") or {}
    documented = set(defaults) | {m[0] for m in COMMENTED_DEFAULT.findall(text)}
    spec = _spec(role)
    assert sorted(spec) == sorted(documented)
    for name, value in defaults.items():
        assert spec[name].get("default") == value, name
        assert spec[name].get("description"), name
    for name in {m[0] for m in COMMENTED_DEFAULT.findall(text)}:
        assert "default" not in spec[name], name   # unset means "leave alone"


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_every_task_is_named_and_uses_fqcn(role):
    for task in _tasks(role):
        assert task.get("name"), task
        actions = [k for k in task if "." in k]
        assert actions or "block" in task, task
        assert all(a.startswith(("ansible.builtin.", "openvz.vz.")) for a in actions), task


def _same_option(role_opt, module_opt, where):
    for key in ("type", "elements", "choices"):
        assert role_opt.get(key) == module_opt.get(key), (where, key)
    if "suboptions" in module_opt:
        assert sorted(role_opt["options"]) == sorted(module_opt["suboptions"]), where
        for name, sub in module_opt["suboptions"].items():
            _same_option(role_opt["options"][name], sub, where + "." + name)


def test_container_items_take_exactly_the_container_module_parameters():
    module = module_docs.documented_options("container")
    spec = _spec("containers")
    items = spec["openvz_containers"]["options"]
    assert sorted(items) == sorted(module)
    for name, opt in module.items():
        _same_option(items[name], opt, name)
    assert items["root_password"].get("no_log") is True
    defaults = spec["openvz_containers_defaults"]["options"]
    assert sorted(defaults) == sorted(set(module) - {"ctid", "name", "xml"})
    for name, opt in defaults.items():
        _same_option(opt, module[name], "defaults." + name)


def test_the_containers_role_hands_its_list_to_the_containers_module_whole():
    """One task converges the list; the module's item options carry no_log for the password,
    so the role needs no task of its own for items with one."""
    tasks = {t["name"]: t for t in _tasks("containers")}
    args = tasks["Converge the containers"]["openvz.vz.containers"]
    assert args == {
        "containers": "{{ openvz_containers }}",
        "defaults": "{{ openvz_containers_defaults }}",
        "exclusive": "{{ openvz_containers_exclusive }}",
        "exclusive_keep": "{{ openvz_containers_exclusive_keep | map('string') | list }}",
        "exclusive_remove_running": "{{ openvz_containers_exclusive_remove_running }}",
    }
    assert not [t for t in _tasks("containers") if "openvz.vz.container" in t]
    items = module_docs.documented_options("containers")["containers"]["suboptions"]
    assert sorted(items) == sorted(module_docs.documented_options("container"))


def test_template_items_take_exactly_the_template_module_parameters():
    module = module_docs.documented_options("template")
    items = _spec("host")["openvz_host_templates"]["options"]
    assert sorted(items) == sorted(module)
    for name, opt in module.items():
        _same_option(items[name], opt, name)
    [task] = [t for t in _tasks("host") if "openvz.vz.template" in t]
    assert set(task["openvz.vz.template"]) == set(module)
