"""vz_listing (vzlist output, selection), the inventory's listing framing, hypervisor argv quoting."""
import shlex

import pytest

from ansible_collections.openvz.vz.plugins.inventory.openvz import ListingError, parse_listing
from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_listing
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzStateError
from ansible_collections.openvz.vz.plugins.plugin_utils.hypervisor import Hypervisor, remote_command

GLOBALS = vz_conf.ConfFile("/etc/vz/vz.conf", {"VE_ROOT": "/vz/root/$VEID",
                                               "VE_PRIVATE": "/vz/private/$VEID"})


def test_parse_vzlist_both_flavours_and_empty():
    legacy = '[\n  {\n    "ctid": 101,\n    "status": "running"\n  },\n  {\n    "ctid": 0,\n    "status": "stopped"\n  }\n]\n'
    vz7 = '[\n  {\n    "ctid": "101",\n    "status": "paused"\n  }\n]\n'
    assert vz_listing.parse_vzlist(legacy) == [("101", "running")]
    assert vz_listing.parse_vzlist(vz7) == [("101", "paused")]
    assert vz_listing.parse_vzlist("[\n]\n") == []


@pytest.mark.parametrize("text", ['[{"ctid": 1, "description": "a "b""}]', '{"ctid": 1}', '[{"status": "x"}]'])
def test_parse_vzlist_refuses_what_it_does_not_understand(text):
    with pytest.raises(VzStateError):
        vz_listing.parse_vzlist(text)


CONFS = {"101": 'NAME="web"\nHOSTNAME="a"\n', "102": 'HOSTNAME="b"\n', "103": 'CPUS="many"\n'}


@pytest.mark.parametrize("selection, expected", [
    (vz_listing.Selection(), ["101", "102"]),
    (vz_listing.Selection(ctids=[102]), ["102"]),
    (vz_listing.Selection(names=["web"]), ["101"]),
    (vz_listing.Selection(ctids=["102"], names=["web"]), ["101", "102"]),
    (vz_listing.Selection(statuses=["stopped"]), ["102"]),
])
def test_containers_selection_and_unparsable_configs(selection, expected):
    entries = [("101", "running"), ("102", "stopped"), ("103", "stopped"), ("104", "stopped")]
    found, warnings = vz_listing.containers(entries, CONFS.get, GLOBALS, selection)
    assert [c.ctid for c in found] == expected
    assert all(c.status == dict(entries)[c.ctid] for c in found)
    if any(ctid == "103" for ctid, status in entries if selection.wants_entry(ctid, status)):
        assert len(warnings) == 1 and "CPUS" in warnings[0]


def test_parse_listing_framing():
    boundary = "@@b@@"
    out = "\n".join([
        "@@b@@ vzlist 0", '[{"ctid": 101, "status": "running"}]',
        "@@b@@ conf 101", 'HOSTNAME="x"', 'DESCRIPTION="@@b@ not a boundary"', "",
        "@@b@@ vz.conf", 'VE_ROOT="/vz/root/$VEID"', "", "@@b@@ end", ""])
    rc, listing, confs, globals_text = parse_listing(out, boundary)
    assert rc == 0 and vz_listing.parse_vzlist(listing) == [("101", "running")]
    assert set(confs) == {"101"} and "not a boundary" in confs["101"]
    assert "VE_ROOT" in globals_text
    with pytest.raises(ListingError):
        parse_listing(out[:out.index("@@b@@ end")], boundary)


@pytest.mark.parametrize("command", [
    "/bin/sh -c 'echo ~ && sleep 0'", "a b 'c' \"d\" $e `f` ;g|h", "line1\nline2", "",
])
def test_ssh_command_is_quoted_once_for_the_hypervisor_shell(command):
    hypervisor = Hypervisor(address="hv1.example.com", user="root", port=2222,
                            ssh_common_args="-o ProxyJump=bastion")
    argv = hypervisor.argv(["vzctl", "exec2", "101", command])
    assert argv[0] == "ssh" and argv[-2] == "hv1.example.com"
    assert shlex.split(argv[-1]) == ["vzctl", "exec2", "101", command]
    assert argv[-1] == remote_command(["vzctl", "exec2", "101", command])
    assert "Port=2222" in argv and "User=root" in argv and "-o" in argv and "ProxyJump=bastion" in argv


def test_local_command_is_the_argv_itself():
    assert Hypervisor().argv(["vzctl", "exec2", "101", "a; b"]) == ["vzctl", "exec2", "101", "a; b"]
    with pytest.raises(ValueError):
        Hypervisor(transport="ssh")
    with pytest.raises(ValueError):
        Hypervisor(address="-oProxyCommand=x")
