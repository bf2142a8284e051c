"""openvz.vz.snapshot against the emulated host, through real ansible-playbook runs.

vz7 hosts are ploop-only; the legacy flavour is provisioned as a vzctl built
without ploop (``Bad command: snapshot``), and is switched to a ploop build
(host.json ``"ploop": true``) where a test needs ploop containers there.
"""
import json
import os
import xml.etree.ElementTree as ET

import pytest

TEMPLATE = "debian-12.0-x86_64-minimal"
ID2 = "{aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee}"
HOSTILE_NAME = "$(touch /tmp/snap-pwned) `id` $HOME ;'\" <x>&"
HOST_JSON = "/var/lib/vzemu/host.json"


def _snap(name, args, register="r", **extra):
    task = {"name": name, "openvz.vz.snapshot": args, "register": register}
    task.update(extra)
    return task


def _exec(name, ctid, argv):
    return {"name": name, "openvz.vz.container_exec": {"ctid": ctid, "argv": argv}}


def _play(tasks):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1)


def _ct(ctid, **args):
    return {"name": "container %s" % ctid, "openvz.vz.container": dict(
        ctid=ctid, ostemplate=TEMPLATE, **args)}


def _res(run, name):
    return run.task(name)["result"]


def _status(host, ctid):
    return host.run(["vzctl", "status", ctid]).stdout.split()[-1]


def _enable_ploop():
    with open(HOST_JSON) as handle:
        desc = json.load(handle)
    desc["ploop"] = True
    with open(HOST_JSON, "w") as handle:
        json.dump(desc, handle)


@pytest.mark.flavour("vz7")
def test_snapshot_lifecycle(openvz_host, run_playbook):
    ct = "101"
    private = "/vz/private/%s" % ct
    result = run_playbook(_play([
        _ct(ct, state="started"),
        _exec("file before", ct, ["touch", "/root/before"]),
        _snap("create", {"ctid": ct, "name": "first", "description": "the first one"}),
        _snap("create again", {"ctid": ct, "name": "first", "description": "ignored"}),
        _snap("predict", {"ctid": ct, "name": "second", "uuid": ID2}, check_mode=True, diff=True),
        _exec("file after", ct, ["touch", "/root/after"]),
        _snap("second", {"ctid": ct, "name": "second", "uuid": ID2.upper().strip("{}"),
                         "skip_suspend": True}),
        _snap("second by uuid", {"ctid": ct, "uuid": ID2, "name": "renamed"}),
        _snap("switch", {"ctid": ct, "name": "first", "state": "switched"}, diff=True),
        _snap("switch again", {"ctid": ct, "name": "first", "state": "switched"}),
        _snap("list", {"ctid": ct}),
    ]))
    assert result.rc == 0, str(result)
    created = _res(result, "create")
    first = created["snapshot"]
    assert created["changed"] and first["name"] == "first" and first["current"]
    assert first["description"] == "the first one" and first["parent_uuid"] is None
    assert created["commands"] == [["vzctl", "snapshot", ct, "--name", "first",
                                    "--description", "the first one"]]
    # Taken from a running container: its memory state was dumped as well.
    assert os.path.isfile("%s/dump/%s" % (private, first["uuid"]))

    again = _res(result, "create again")
    assert not again["changed"] and again["commands"] == [] and again["snapshot"] == first

    predicted = _res(result, "predict")
    assert predicted["changed"] and predicted["commands"] == [["vzctl", "snapshot", ct, "--id", ID2,
                                                               "--name", "second"]]
    assert [s["uuid"] for s in predicted["snapshots"]] == [first["uuid"]]
    assert ID2 in predicted["diff"]["after"] and ID2 not in predicted["diff"]["before"]

    second = _res(result, "second")
    assert second["snapshot"]["uuid"] == ID2 and second["snapshot"]["parent_uuid"] == first["uuid"]
    assert second["commands"][0][-1] == "--skip-suspend"
    assert not os.path.exists("%s/dump/%s" % (private, ID2))
    by_uuid = _res(result, "second by uuid")
    assert not by_uuid["changed"] and "cannot rename" in " ".join(by_uuid.get("warnings", []))

    switched = _res(result, "switch")
    assert switched["changed"] and switched["commands"] == [
        ["vzctl", "snapshot-switch", ct, "--id", first["uuid"]]]
    assert switched["snapshot"]["current"]
    assert "* first" in switched["diff"]["after"] and "* second" in switched["diff"]["before"]
    assert not _res(result, "switch again")["changed"]
    listed = _res(result, "list")
    assert [(s["name"], s["current"]) for s in listed["snapshots"]] == [("first", True), ("second", False)]
    # The file system went back to the first snapshot, and the CT was resumed.
    fs = "%s/root.hdd/fs/root" % private
    assert os.path.exists(fs + "/before") and not os.path.exists(fs + "/after")
    assert _status(openvz_host, ct) == "running"

    openvz_host.clear_calls()
    later = run_playbook(_play([
        _snap("revert stopped", {"ctid": ct, "name": "first", "state": "switched", "force": True,
                                 "skip_resume": True}),
        _snap("delete second", {"ctid": ct, "name": "second", "state": "absent"}),
        _snap("delete second again", {"ctid": ct, "name": "second", "state": "absent"}),
        _snap("delete first", {"ctid": ct, "uuid": first["uuid"], "state": "absent"}),
        _snap("switch missing", {"ctid": ct, "name": "first", "state": "switched"}, ignore_errors=True),
    ]))
    assert later.rc == 0, str(later)
    reverted = _res(later, "revert stopped")
    assert reverted["changed"] and reverted["commands"][0][-1] == "--skip-resume"
    assert _status(openvz_host, ct) == "down"
    assert _res(later, "delete second")["commands"] == [["vzctl", "snapshot-delete", ct, "--id", ID2]]
    assert not _res(later, "delete second again")["changed"]
    assert _res(later, "delete first")["snapshots"] == []
    assert "no snapshot 'first'" in _res(later, "switch missing")["msg"]
    root = ET.parse(private + "/Snapshots.xml").getroot()
    assert [item.get("guid") for item in root.iter("SavedStateItem") if item.get("guid")] == []
    mutating = [c["argv"][0] for c in openvz_host.mutating_calls()]
    assert mutating == ["snapshot-switch", "snapshot-delete", "snapshot-delete"]


def test_rerun_is_unchanged(openvz_host, run_playbook):
    ct = "102"
    if openvz_host.flavour == "legacy":
        _enable_ploop()
    tasks = [
        _ct(ct, layout="ploop", diskspace="1G"),
        _snap("keep", {"ctid": ct, "name": "keep"}),
        _snap("gone", {"ctid": ct, "name": "gone", "state": "absent"}),
        _snap("at keep", {"ctid": ct, "name": "keep", "state": "switched"}),
        _snap("list", {"ctid": ct}),
    ]
    first = run_playbook(_play(tasks))
    assert first.rc == 0, str(first)
    assert _res(first, "keep")["changed"]
    openvz_host.clear_calls()
    second = run_playbook(_play(tasks))
    assert second.rc == 0, str(second)
    assert not second.changed_tasks
    assert openvz_host.mutating_calls() == []
    assert [s["name"] for s in _res(second, "list")["snapshots"]] == ["keep"]


@pytest.mark.flavour("legacy")
def test_legacy_simfs_and_builds(openvz_host, run_playbook):
    # vzctl 4.x without ploop: the container is simfs, the module says so.
    result = run_playbook(_play([
        _ct("101"),
        _snap("simfs", {"ctid": "101", "name": "x"}, ignore_errors=True),
        _snap("simfs list", {"ctid": "101"}, ignore_errors=True),
        _snap("missing", {"ctid": "999", "name": "x"}, ignore_errors=True),
        _snap("bad uuid", {"ctid": "101", "uuid": "not-a-uuid"}, ignore_errors=True),
        _snap("bad name", {"ctid": "101", "name": "two\nlines"}, ignore_errors=True),
    ]))
    assert result.rc == 0, str(result)
    for task in ("simfs", "simfs list"):
        assert result.task(task)["failed"]
        assert "101 is not ploop-based (simfs layout)" in _res(result, task)["msg"]
    assert _res(result, "missing")["msg"] == "container 999 does not exist"
    assert _res(result, "bad uuid")["msg"].startswith("uuid:")
    assert _res(result, "bad name")["msg"].startswith("name:")
    assert not [c for c in openvz_host.calls() if c["argv"][0].startswith("snapshot")]

    # The same vzctl built with ploop: a ploop CT gets snapshots, names stay literal.
    _enable_ploop()
    result = run_playbook(_play([
        _ct("102", layout="ploop", diskspace="1G"),
        _snap("hostile", {"ctid": "102", "name": HOSTILE_NAME, "description": "$HOME"}),
        _snap("hostile again", {"ctid": "102", "name": HOSTILE_NAME}),
        _snap("simfs on ploop build", {"ctid": "101", "name": "x"}, ignore_errors=True),
    ]))
    assert result.rc == 0, str(result)
    snap = _res(result, "hostile")["snapshot"]
    assert (snap["name"], snap["description"]) == (HOSTILE_NAME, "$HOME")
    assert not _res(result, "hostile again")["changed"]
    assert not os.path.exists("/tmp/snap-pwned")
    assert "simfs" in _res(result, "simfs on ploop build")["msg"]

    # A vzctl that answers "Bad command" (built without ploop) for a ploop CT.
    openvz_host.inject_fault("vzctl", ["snapshot-list", "102"], rc=20,
                             stderr="Bad command: snapshot-list")
    result = run_playbook(_play([_snap("no ploop", {"ctid": "102"},
                                       ignore_errors=True)]))
    assert "no snapshot support" in _res(result, "no ploop")["msg"]


@pytest.mark.flavour("vz7")
def test_failed_snapshot_call_reports_changed_and_what_ran(openvz_host, run_playbook):
    assert run_playbook(_play([_ct("101")])).rc == 0
    openvz_host.inject_fault("vzctl", ["snapshot", "101"], rc=156, stderr="injected", times=1)
    result = run_playbook(_play([_snap("snap", {"ctid": "101", "name": "before-upgrade"},
                                       ignore_errors=True)]))
    task = result.task("snap")
    assert task["failed"] and task["changed"] is True, str(result)
    assert task["result"]["executed"] == []
    assert [argv[1] for argv in task["result"]["commands"]] == ["snapshot"]
    again = run_playbook(_play([_snap("snap", {"ctid": "101", "name": "before-upgrade"})]))
    assert again.task("snap")["changed"] and not again.task("snap")["failed"], str(again)
