"""openvz.vz.container_info against the emulated host, both flavours.

Each run makes exactly one vzlist call (and no vzctl call), whatever the
number of containers; everything else comes from the CT config files.
"""
import json
import os
from pathlib import Path

from ansible_collections.openvz.vz.tests.unit.support.libvirt_schema import assert_valid

TEMPLATE = "debian-12.0-x86_64-minimal"


def _play(args, check=False):
    task = {"name": "info", "openvz.vz.container_info": args, "register": "r"}
    if check:
        task["check_mode"] = True
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [task]}], indent=1)


def _info(host, run_playbook, args=None, check=False):
    host.clear_calls()
    result = run_playbook(_play(args or {}, check=check))
    assert result.rc == 0, str(result)
    calls = host.calls()
    assert [c["tool"] for c in calls] == ["vzlist"], calls
    assert calls[0]["argv"] == ["-a", "-j", "-o", "ctid,status"]
    return result.task("info")["result"]


def _create(host, ctid, *extra):
    proc = host.run(["vzctl", "create", str(ctid), "--ostemplate", TEMPLATE] + list(extra))
    assert proc.returncode == 0, proc.stderr


def _clone(host, source, ctids):
    """Containers `ctids` as copies of `source`'s config, written directly (fast)."""
    conf = Path(host.conf_path(source))
    text = "".join(line + "\n" for line in conf.read_text(encoding="utf-8").splitlines()
                   if not line.startswith(("NAME=", "HOSTNAME=")))
    for ctid in ctids:
        private = Path("/vz/private/%d" % ctid)
        private.mkdir()
        body = text + 'HOSTNAME="ct%d.example.com"\n' % ctid
        if conf.is_symlink():  # OpenVZ 7: CTID.conf -> VE_PRIVATE/ve.conf
            (private / "ve.conf").write_text(body, encoding="utf-8")
            os.symlink(str(private / "ve.conf"), str(host.conf_path(ctid)))
        else:
            host.conf_path(ctid).write_text(body, encoding="utf-8")


def test_no_containers(openvz_host, run_playbook):
    result = _info(openvz_host, run_playbook)
    assert result["containers"] == [] and result["xml"] == {}
    assert not result["changed"]


def test_one_container_matches_the_container_module(openvz_host, run_playbook):
    made = run_playbook(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "make", "register": "r", "openvz.vz.container": {
            "ctid": "101", "name": "web1", "ostemplate": TEMPLATE, "hostname": "web1.example.com",
            "ip_addresses": ["192.0.2.10"], "memory": "512M", "state": "started"}}]}], indent=1))
    assert made.rc == 0, str(made)
    expected = made.task("make")["result"]
    result = _info(openvz_host, run_playbook)
    assert result["containers"] == [expected["container"]]
    assert result["containers"][0]["status"] == "running"
    assert result["xml"] == {"101": expected["xml"]}
    assert_valid(result["xml"]["101"])


def test_quoted_description_does_not_break_the_listing(openvz_host, run_playbook):
    """vzlist -j would print this description unescaped; it is read from the config instead."""
    _create(openvz_host, 101, "--description", 'a "quoted" text')
    assert 'DESCRIPTION="a "quoted" text"' in openvz_host.conf_text(101)
    result = _info(openvz_host, run_playbook)
    assert result["containers"][0]["description"] == 'a "quoted" text'


def test_two_hundred_containers_one_vzlist_call(openvz_host, run_playbook):
    _create(openvz_host, 1000)
    _clone(openvz_host, 1000, range(1001, 1200))
    result = _info(openvz_host, run_playbook, {"xml": False})
    assert [c["ctid"] for c in result["containers"]] == [str(n) for n in range(1000, 1200)]
    assert result["containers"][199]["hostname"] == "ct1199.example.com"
    assert {c["status"] for c in result["containers"]} == {"stopped"}
    assert "xml" not in result


FILTERS = [
    ({"ctid": ["102"]}, ["102"]),
    ({"ctid": ["101", "103", "999"]}, ["101", "103"]),
    ({"name": ["db"]}, ["102"]),
    ({"name": ["db"], "ctid": ["103"]}, ["102", "103"]),
    ({"status": ["running"]}, ["101", "103"]),
    ({"status": ["stopped"]}, ["102"]),
    ({"status": ["running"], "ctid": ["102", "103"]}, ["103"]),
    ({"status": ["running"], "name": ["web", "db"]}, ["101"]),
    ({"status": ["suspended", "mounted"]}, []),
    ({"name": ["nosuch"]}, []),
]


def test_filters(openvz_host, run_playbook):
    _create(openvz_host, 101, "--name", "web")
    _create(openvz_host, 102, "--name", "db")
    _create(openvz_host, 103)
    for ctid in (101, 103):
        assert openvz_host.run(["vzctl", "start", str(ctid)]).returncode == 0
    openvz_host.clear_calls()
    tasks = [{"name": "f%d" % i, "openvz.vz.container_info": args}
             for i, (args, _expected) in enumerate(FILTERS)]
    result = run_playbook(json.dumps([{"hosts": "localhost", "gather_facts": False,
                                       "tasks": tasks}], indent=1))
    assert result.rc == 0, str(result)
    for i, (args, expected) in enumerate(FILTERS):
        found = result.task("f%d" % i)["result"]
        assert [c["ctid"] for c in found["containers"]] == expected, args
        assert sorted(found["xml"]) == expected, args
    assert [c["tool"] for c in openvz_host.calls()] == ["vzlist"] * len(FILTERS)


def test_check_mode_and_nothing_changes(openvz_host, run_playbook):
    _create(openvz_host, 101, "--hostname", "a.example.com")
    before = openvz_host.snapshot_files()
    result = _info(openvz_host, run_playbook, check=True)
    assert [c["hostname"] for c in result["containers"]] == ["a.example.com"]
    assert openvz_host.snapshot_files() == before


def test_unparsable_config_is_left_out_with_a_warning(openvz_host, run_playbook):
    _create(openvz_host, 101)
    _create(openvz_host, 102)
    with open(str(openvz_host.conf_path(102)), "a", encoding="utf-8") as handle:
        handle.write('CPUS="many"\n')
    result = _info(openvz_host, run_playbook)
    assert [c["ctid"] for c in result["containers"]] == ["101"]
    assert any("102" in w and "CPUS" in w for w in result["warnings"]), result


def test_vzlist_failure_is_reported(openvz_host, run_playbook):
    openvz_host.inject_fault("vzlist", ["-a"], rc=1, stderr="vzlist exploded")
    result = run_playbook(_play({}))
    task = result.task("info")
    assert task["failed"]
    assert "vzlist exploded" in task["result"]["msg"] and task["result"]["rc"] == 1


UUID = "8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b"


def test_vz7_containers_by_uuid_and_name(vz7_host, run_playbook):
    """OpenVZ 7: a CT whose ID is a UUID, one prlctl made (a fresh UUID), an unnamed numeric
    one (prlctl create 101): listed by ID, found by UUID in any spelling and by name."""
    _create(vz7_host, UUID, "--name", "uuidct")
    assert vz7_host.run(["vzctl", "start", UUID]).returncode == 0
    made = vz7_host.run(["prlctl", "create", "MyCT", "--vmtype", "ct", "--ostemplate", TEMPLATE])
    assert made.returncode == 0, made.stderr
    assert vz7_host.run(["prlctl", "create", "101", "--vmtype", "ct", "--ostemplate", TEMPLATE]).returncode == 0
    prl = os.readlink("/etc/vz/names/MyCT").split("/")[-2]
    uuid_101 = [line.split('"')[1] for line in vz7_host.conf_text(101).splitlines() if line.startswith("UUID=")][0]

    result = _info(vz7_host, run_playbook)
    listed = {ct["ctid"]: ct for ct in result["containers"]}
    assert set(listed) == {UUID, prl, "101"} == set(result["xml"])
    assert (listed[UUID]["name"], listed[UUID]["uuid"], listed[UUID]["status"]) == ("uuidct", UUID, "running")
    assert (listed[prl]["name"], listed[prl]["uuid"], listed[prl]["status"]) == ("MyCT", prl, "stopped")
    # unnamed: null here, where prlctl list and vzlist show "-"
    assert (listed["101"]["name"], listed["101"]["uuid"]) == (None, uuid_101)
    # running, yet no domain id: libvirt's is a number
    running = result["xml"][UUID]
    assert running.startswith('<domain type="openvz">') and "<uuid>%s</uuid>" % UUID in running
    assert "<name>%s</name>" % UUID in running
    assert "<uuid>%s</uuid>" % uuid_101 in result["xml"]["101"]
    for xml in result["xml"].values():
        assert_valid(xml)
    # the same UUIDs prlctl lists
    rows = json.loads(vz7_host.run(["prlctl", "list", "-a", "-j"]).stdout)
    assert sorted(r["uuid"] for r in rows) == sorted(ct["uuid"] for ct in result["containers"])

    by_uuid = _info(vz7_host, run_playbook, {"ctid": ["{%s}" % UUID.upper()], "xml": False})
    assert [ct["ctid"] for ct in by_uuid["containers"]] == [UUID]
    by_both = _info(vz7_host, run_playbook, {"ctid": [prl], "name": ["uuidct"], "xml": False})
    assert sorted(ct["ctid"] for ct in by_both["containers"]) == sorted([prl, UUID])
    stopped = _info(vz7_host, run_playbook, {"status": ["stopped"], "name": ["MyCT"], "xml": False})
    assert [ct["ctid"] for ct in stopped["containers"]] == [prl]


def test_bad_filters_fail_before_any_call(openvz_host, run_playbook):
    bad = (({"ctid": [UUID[:-1]]}, "ctid"), ({"ctid": ["101 "]}, "ctid"), ({"ctid": ["{%s" % UUID]}, "ctid"),
           ({"ctid": ["0x65"]}, "ctid"), ({"name": ["we b"]}, "name"), ({"name": ["101"]}, "name"))
    openvz_host.clear_calls()
    result = run_playbook(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "info %d" % index, "openvz.vz.container_info": args, "register": "r", "ignore_errors": True}
        for index, (args, _param) in enumerate(bad)]}], indent=1))
    for index, (_args, param) in enumerate(bad):
        failed = result.task("info %d" % index)
        assert failed["failed"] and failed["result"]["msg"].startswith(param + ":"), failed
    assert openvz_host.calls() == []
