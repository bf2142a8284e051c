"""OpenVZ 7 containers whose ID is a UUID, end to end through ansible-playbook:
made by openvz.vz.container (by UUID and, alongside, by number), made by
prlctl and then found by name; changed, re-run without a call, suspended,
stopped, destroyed. A UUID on legacy OpenVZ is refused before any call."""
import json
import os
import re

import pytest

from ansible_collections.openvz.vz.tests.unit.support.libvirt_schema import assert_valid

TEMPLATE = "debian-12.0-x86_64-minimal"
UUID = "8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b"


def _task(name, args, check=False, **extra):
    task = dict({"name": name, "openvz.vz.container": args, "register": "r"}, **extra)
    if check:
        task["check_mode"] = True
    return task


def _playbook(*tasks):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": list(tasks)}], indent=1)


def _results(result, *names):
    assert result.rc == 0, str(result)
    return [result.task(name)["result"] for name in names]


def _lines(text):
    return set(text.splitlines())


def test_by_uuid_and_number_from_an_ez_template(vz7_host, run_playbook):
    by_uuid = {"ctid": "{%s}" % UUID.upper(), "name": "uuidct", "ostemplate": TEMPLATE,
               "hostname": "u.example.com", "ip_addresses": ["192.0.2.21"]}
    by_number = {"ctid": 101, "name": "numct", "ostemplate": TEMPLATE, "hostname": "n.example.com"}
    created = run_playbook(_playbook(_task("predict uuid", dict(by_uuid, state="started"), check=True),
                                     _task("uuid", dict(by_uuid, state="started")),
                                     _task("number", by_number)), diff=True)
    predicted, made, numbered = _results(created, "predict uuid", "uuid", "number")
    # the UUID in vzctl's canonical form, braces and case gone
    assert made["commands"][0][:3] == ["vzctl", "create", UUID]
    assert predicted["commands"] == made["commands"]
    # check mode predicts the UUID: vzctl 7 gives a UUID CTID itself as its UUID
    assert "<uuid>%s</uuid>" % UUID in predicted["xml"] and predicted["xml"] == made["xml"]
    assert [c[:3] for c in made["commands"]][-1] == ["vzctl", "start", UUID]
    assert numbered["commands"][0][:3] == ["vzctl", "create", "101"]
    assert [[c["tool"]] + c["argv"] for c in vz7_host.mutating_calls()] == made["commands"] + numbered["commands"]

    # vzctl 7's registration: the config and the name are links to VE_PRIVATE/ve.conf
    veconf = "/vz/private/%s/ve.conf" % UUID
    assert os.readlink("/etc/vz/conf/%s.conf" % UUID) == veconf
    assert os.readlink("/etc/vz/names/uuidct") == veconf
    conf = _lines(vz7_host.conf_text(UUID))
    assert {'VEID="%s"' % UUID, 'UUID="%s"' % UUID, 'NAME="uuidct"', 'HOSTNAME="u.example.com"',
            'OSTEMPLATE=".%s"' % TEMPLATE} <= conf
    assert os.path.isdir("/vz/private/%s/root.hdd" % UUID)
    assert 'VEID="101"' in _lines(vz7_host.conf_text(101))

    # libvirt's domain id is a number: a running UUID CT has none, its <name> and <uuid> are the UUID
    xml = made["xml"]
    assert_valid(xml)
    assert not re.search(r"<domain[^>]* id=", xml)
    assert "<name>%s</name>" % UUID in xml and "<uuid>%s</uuid>" % UUID in xml
    assert "<vz:name>uuidct</vz:name>" in xml
    assert made["diff"]["before"] != made["diff"]["after"]
    # the numeric one, stopped, has no id either; started it would
    assert "<name>101</name>" in numbered["xml"]

    # a few changes by UUID, then by name alone; the re-runs call nothing that changes
    change = {"ctid": UUID, "hostname": "u2.example.com", "memory": "512M", "cpus": 2, "onboot": True}
    by_name = {"name": "uuidct", "description": "found by name"}
    vz7_host.clear_calls()
    changed = run_playbook(_playbook(_task("change", change), _task("by name", by_name)), diff=True)
    change_r, name_r = _results(changed, "change", "by name")
    assert change_r["changed"] and name_r["changed"]
    assert [c[:3] for c in change_r["commands"]] == [["vzctl", "set", UUID]]
    assert [c[:3] for c in name_r["commands"]] == [["vzctl", "set", UUID]]
    conf = _lines(vz7_host.conf_text(UUID))
    assert {'HOSTNAME="u2.example.com"', 'PHYSPAGES="131072:131072"', 'CPUS="2"', 'ONBOOT="yes"',
            'DESCRIPTION="found by name"'} <= conf
    assert "<description>found by name</description>" in name_r["xml"]
    vz7_host.clear_calls()
    again = run_playbook(_playbook(_task("change", change), _task("by name", by_name),
                                   _task("number", by_number)))
    assert not any(r["changed"] for r in _results(again, "change", "by name", "number"))
    assert vz7_host.mutating_calls() == []

    # suspend, stop, destroy by UUID
    vz7_host.clear_calls()
    lifecycle = run_playbook(_playbook(_task("suspend", {"ctid": UUID, "state": "suspended"}),
                                       _task("suspend again", {"ctid": UUID, "state": "suspended"}),
                                       _task("stop", {"ctid": UUID, "state": "stopped"}),
                                       _task("destroy", {"ctid": UUID, "state": "absent"}),
                                       _task("destroy again", {"ctid": UUID, "state": "absent"})))
    suspended, suspended2, stopped, destroyed, destroyed2 = _results(
        lifecycle, "suspend", "suspend again", "stop", "destroy", "destroy again")
    assert suspended["changed"] and not suspended2["changed"]
    assert [c[:3] for c in suspended["commands"]] == [["vzctl", "suspend", UUID]]
    assert stopped["changed"] and destroyed["changed"] and not destroyed2["changed"]
    assert ["vzctl", "destroy", UUID] in [c[:3] for c in destroyed["commands"]]
    mutating = [c["argv"][:2] for c in vz7_host.mutating_calls()]
    assert mutating[0] == ["suspend", UUID] and mutating[-1] == ["destroy", UUID]
    for path in ("/etc/vz/conf/%s.conf" % UUID, "/etc/vz/names/uuidct", "/vz/private/%s" % UUID):
        assert not os.path.lexists(path)
    # the numeric one is untouched
    assert 'HOSTNAME="n.example.com"' in vz7_host.conf_text(101)


def test_prlctl_made_container_found_by_name(vz7_host, run_playbook):
    made = vz7_host.run(["prlctl", "create", "MyCT", "--vmtype", "ct", "--ostemplate", TEMPLATE])
    assert made.returncode == 0, made.stderr
    ctid = os.readlink("/etc/vz/names/MyCT").split("/")[-2]
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", ctid)
    vz7_host.clear_calls()
    wanted = {"name": "MyCT", "hostname": "myct.example.com", "cpus": 1, "state": "started"}
    result = run_playbook(_playbook(_task("predict", wanted, check=True), _task("manage", wanted),
                                    _task("again", wanted)), diff=True)
    predicted, managed, again = _results(result, "predict", "manage", "again")
    assert predicted["commands"] == managed["commands"]
    assert [c[:3] for c in managed["commands"]] == [["vzctl", "set", ctid], ["vzctl", "start", ctid]]
    assert managed["changed"] and not again["changed"] and again["commands"] == []
    assert {'HOSTNAME="myct.example.com"', 'CPUS="1"', 'NAME="MyCT"'} <= _lines(vz7_host.conf_text(ctid))
    mutating = [c["argv"][:2] for c in vz7_host.mutating_calls()]
    assert mutating == [["set", ctid], ["start", ctid]]
    assert "<name>%s</name>" % ctid in managed["xml"] and "<uuid>%s</uuid>" % ctid in managed["xml"]
    assert not re.search(r"<domain[^>]* id=", managed["xml"])
    listed = json.loads(vz7_host.run(["prlctl", "list", "-a", "-j"]).stdout)
    assert [(r["uuid"], r["status"], r["name"]) for r in listed] == [(ctid, "running", "MyCT")]


def test_a_uuid_is_refused_on_legacy(legacy_host, run_playbook):
    before = legacy_host.snapshot_files()
    result = run_playbook(_playbook(_task("uuid", {"ctid": UUID, "ostemplate": TEMPLATE},
                                          ignore_errors=True)))
    failed = result.task("uuid")
    assert failed["failed"]
    assert failed["result"]["msg"].startswith("ctid:") and "only OpenVZ 7" in failed["result"]["msg"]
    assert legacy_host.calls() == [] or all(c["argv"][:1] != ["create"] for c in legacy_host.calls())
    assert legacy_host.mutating_calls() == []
    assert legacy_host.snapshot_files() == before
    # and the legacy host has no prlctl
    assert legacy_host.run(["sh", "-c", "command -v prlctl || echo none"]).stdout == "none\n"


@pytest.mark.parametrize("ctid", ["8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3", "{%s" % UUID, UUID + " ",
                                  "8a3a5b1e4e4b4d399a1b0c6f5e1f2a3b"])
def test_a_malformed_uuid_is_refused(vz7_host, run_playbook, ctid):
    before = vz7_host.snapshot_files()
    result = run_playbook(_playbook(_task("bad", {"ctid": ctid, "ostemplate": TEMPLATE}, ignore_errors=True)))
    failed = result.task("bad")
    assert failed["failed"] and failed["result"]["msg"].startswith("ctid:")
    assert vz7_host.mutating_calls() == []
    assert vz7_host.snapshot_files() == before


def test_an_upper_case_uuid_container_is_not_made_twice(vz7_host, run_playbook):
    """vzctl 7 keeps a UUID's case; the collection speaks lower case and refuses to make a second
    container of the same UUID next to one made in upper case."""
    made = vz7_host.run(["vzctl", "create", UUID.upper(), "--ostemplate", TEMPLATE])
    assert made.returncode == 0, made.stderr
    assert os.path.islink("/etc/vz/conf/%s.conf" % UUID.upper())
    before = vz7_host.snapshot_files()
    vz7_host.clear_calls()
    result = run_playbook(_playbook(_task("same", {"ctid": UUID, "ostemplate": TEMPLATE}, ignore_errors=True),
                                    _task("upper", {"ctid": UUID.upper(), "ostemplate": TEMPLATE},
                                          ignore_errors=True)))
    for name in ("same", "upper"):
        failed = result.task(name)
        assert failed["failed"], failed
        assert failed["result"]["msg"].startswith("ctid:") and UUID.upper() in failed["result"]["msg"]
    assert vz7_host.mutating_calls() == []
    assert vz7_host.snapshot_files() == before
