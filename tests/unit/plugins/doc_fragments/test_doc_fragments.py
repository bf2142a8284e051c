"""The doc fragments: shared RETURN text cannot drift, shared options render as meant.

ansible-doc merges a fragment's options into a plugin key by key; RETURN it
does not merge at all, so modules keep copies of the canonical return blocks
(plugins/doc_fragments/return_values.py) and this test holds them to it.
"""
import ast
import json
import os
import subprocess
import sys

import pytest
import yaml

from ansible_collections.openvz.vz.plugins.doc_fragments.return_values import ModuleDocFragment as Returns
from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_model

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
MODULES_DIR = os.path.join(REPO, "plugins", "modules")
MODULES = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith(".py") and name != "__init__.py")

CONTAINER_FIELDS = yaml.safe_load(Returns.CONTAINER)
FAILURE_KEYS = yaml.safe_load(Returns.FAILURE)

# Where each shared block must appear. A module left out here that documents
# one of the failure keys is held to the canonical text all the same.
CONTAINER_DICTS = {"backup": ("container",), "container": ("container",), "container_info": ("containers",)}
BACKUP_FIELDS = yaml.safe_load(Returns.BACKUP)
BACKUP_LISTS = {"backup": ("backups",), "backup_info": ("backups",)}
FAILURE_USERS = {
    "backup": ("executed", "rc", "meaning"),
    "container": ("executed", "rc", "meaning"),
    "snapshot": ("executed", "rc", "meaning"),
    "template": ("rc",),
}
# RV(rc) of container_exec is the command's own exit status, returned always.
OWN_MEANING = {("container_exec", "rc")}


def _literal(module, name):
    with open(os.path.join(MODULES_DIR, module + ".py")) as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return node.value.value
    raise AssertionError("%s has no %s" % (module, name))


def _returns(module):
    return yaml.safe_load(_literal(module, "RETURN"))


def test_the_module_list_is_the_collections():
    assert {"container", "container_exec", "container_info", "snapshot", "template"} <= set(MODULES)


@pytest.mark.parametrize("module", sorted(CONTAINER_DICTS))
def test_container_dictionary_fields_are_the_canonical_text(module):
    for key in CONTAINER_DICTS[module]:
        contains = dict(_returns(module)[key]["contains"])
        # The run states a module can report are its own; everything else is shared.
        status = contains.pop("status")
        assert status["type"] == "str" and status["description"].startswith("One of V(running), V(stopped)")
        assert contains == CONTAINER_FIELDS


@pytest.mark.parametrize("module", sorted(BACKUP_LISTS))
def test_backup_fields_are_the_canonical_text(module):
    for key in BACKUP_LISTS[module]:
        assert _returns(module)[key]["contains"] == BACKUP_FIELDS


def test_the_canonical_container_fields_are_every_key_the_dictionary_has():
    """Each key Container.to_dict() returns is documented (status in each module's own words)."""
    returned = set(vz_model.Container().to_dict())
    assert sorted(set(CONTAINER_FIELDS) | {"status"}) == sorted(returned)


@pytest.mark.parametrize("module", MODULES)
def test_failure_keys_are_the_canonical_text(module):
    returns = _returns(module)
    for key in FAILURE_USERS.get(module, ()):
        assert key in returns, "%s: RETURN lacks %s" % (module, key)
    for key, canonical in FAILURE_KEYS.items():
        if key in returns and (module, key) not in OWN_MEANING:
            assert returns[key] == canonical, "%s: RETURN %s differs from return_values.FAILURE" % (module, key)


def test_a_changed_copy_is_caught():
    """The comparison sees a one-word change (it is not comparing a block with itself)."""
    returns = _returns("container")
    returns["rc"]["description"] = returns["rc"]["description"].replace("tool", "vzctl")
    assert returns["rc"] != FAILURE_KEYS["rc"]


# ------------------------------------------------------------------ rendering by ansible-doc

@pytest.fixture(scope="module")
def ansible_doc(tmp_path_factory):
    """ansible-doc --json of the given plugins, run on this work tree."""
    root = tmp_path_factory.mktemp("collections")
    link = root / "ansible_collections" / "openvz" / "vz"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(root), ANSIBLE_NOCOLOR="1")

    def run(plugin_type, *names):
        # ansible.cli.doc, not the ansible-doc script: ansible-test puts no scripts beside its Python.
        out = subprocess.run([sys.executable, "-m", "ansible.cli.doc", "--json", "-t", plugin_type] + ["openvz.vz." + n for n in names],
                             env=env, check=True, capture_output=True, text=True).stdout
        return {name.split(".")[-1]: data["doc"] for name, data in json.loads(out).items()}
    return run


def test_modules_render_the_shared_ctid(ansible_doc):
    from ansible_collections.openvz.vz.plugins.doc_fragments.container_identity import ModuleDocFragment as Identity
    shared = yaml.safe_load(Identity.DOCUMENTATION)["options"]["ctid"]
    docs = ansible_doc("module", *MODULES)
    assert set(docs) == set(MODULES)
    ctid = {module: docs[module]["options"]["ctid"] for module in ("container", "container_exec", "snapshot")}
    assert ctid["container_exec"] == ctid["snapshot"] == dict(shared, required=True)
    # container says more, in a description of its own that starts with the shared one.
    assert ctid["container"] == {"description": shared["description"] + [
        "Required to create a container; an existing one may be found by O(name) alone."], "type": "str"}
    assert shared["description"] == [
        "Container ID, a number from 1 to 2147483644 in ASCII digits; on OpenVZ 7 also a UUID (braces "
        "optional), as C(prlctl create --vmtype ct) makes them. A UUID is refused on OpenVZ 6."]
    # container_info's ctid and name are lists of selectors, documented there.
    assert docs["container_info"]["options"]["ctid"]["type"] == "list"


SSH_OPTIONS = ("ssh_executable", "ssh_common_args", "host_key_checking", "timeout")


def test_inventory_and_connection_share_the_ssh_options_with_sources_of_their_type(ansible_doc):
    inventory = ansible_doc("inventory", "openvz")["openvz"]["options"]
    connection = ansible_doc("connection", "vzctl")["vzctl"]["options"]
    for option in SSH_OPTIONS:
        for key in ("description", "type", "default"):
            assert inventory[option][key] == connection[option][key], (option, key)
        # An inventory plugin's options come from its source file, never from host variables.
        assert "vars" not in inventory[option]
        assert connection[option]["vars"]
    assert inventory["timeout"]["default"] == 10 and inventory["host_key_checking"]["default"] is True
    assert _sources(inventory) == {
        "ssh_executable": {"env": [{"name": "ANSIBLE_SSH_EXECUTABLE"}]},
        "host_key_checking": {"env": [{"name": "ANSIBLE_HOST_KEY_CHECKING"}],
                              "ini": [{"section": "defaults", "key": "host_key_checking"}]},
    }
    assert _sources(connection) == {
        "ssh_executable": {"ini": [{"section": "ssh_connection", "key": "ssh_executable"}],
                           "env": [{"name": "ANSIBLE_SSH_EXECUTABLE"}],
                           "vars": [{"name": "ansible_ssh_executable"}]},
        "ssh_common_args": {"ini": [{"section": "ssh_connection", "key": "ssh_common_args"}],
                            "env": [{"name": "ANSIBLE_SSH_COMMON_ARGS"}],
                            "vars": [{"name": "ansible_ssh_common_args"},
                                     {"name": "ansible_openvz_hypervisor_ssh_common_args"}]},
        "host_key_checking": {"ini": [{"section": "defaults", "key": "host_key_checking"}],
                              "env": [{"name": "ANSIBLE_HOST_KEY_CHECKING"}],
                              "vars": [{"name": "ansible_host_key_checking"},
                                       {"name": "ansible_ssh_host_key_checking"}]},
        "timeout": {"ini": [{"section": "defaults", "key": "timeout"}],
                    "env": [{"name": "ANSIBLE_TIMEOUT"}],
                    "vars": [{"name": "ansible_ssh_timeout"}]},
    }


def _sources(options):
    return {option: {key: options[option][key] for key in ("ini", "env", "vars") if options[option].get(key)}
            for option in SSH_OPTIONS if any(options[option].get(key) for key in ("ini", "env", "vars"))}
