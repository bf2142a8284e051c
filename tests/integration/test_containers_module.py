"""openvz.vz.containers against the emulated host, through real ansible-playbook runs.

Many containers in one task: the host is read with one vzlist call, every
plan is checked before anything runs, and only the calls that close the
differences run, per container exactly those openvz.vz.container makes.
"""
import json
import os

import pytest

from ansible_collections.openvz.vz.tests.unit.support.libvirt_schema import assert_valid

TEMPLATE = "debian-12.0-x86_64-minimal"


def _play(tasks, check=False):
    play = {"hosts": "localhost", "gather_facts": False, "tasks": tasks}
    if check:
        play["check_mode"] = True
    return json.dumps([play], indent=1)


def _task(name, args, **extra):
    task = {"name": name, "openvz.vz.containers": args, "register": "r"}
    task.update(extra)
    return task


def _items(count, start=101, **extra):
    return [dict({"ctid": str(ctid), "hostname": "ct%d.example.com" % ctid}, **extra)
            for ctid in range(start, start + count)]


def _calls(host, tool=None):
    return [[c["tool"]] + c["argv"] for c in host.calls() if tool is None or c["tool"] == tool]


def _by_ctid(result):
    return dict((entry["ctid"], entry) for entry in result["containers"])


def test_create_many_then_noop_is_one_vzlist(openvz_host, run_playbook):
    args = {"defaults": {"ostemplate": TEMPLATE, "state": "started"}, "containers": _items(5)}
    made = run_playbook(_play([_task("create", args)]))
    assert made.rc == 0, str(made)
    created = made.task("create")["result"]
    assert created["changed"] and len(created["containers"]) == 5
    for entry in created["containers"]:
        assert entry["changed"] and not entry["failed"]
        assert entry["commands"][0][:3] == ["vzctl", "create", entry["ctid"]]
        assert entry["container"]["status"] == "running"
        assert_valid(entry["xml"])
        assert 'HOSTNAME="ct%s.example.com"' % entry["ctid"] in openvz_host.conf_text(int(entry["ctid"]))
        assert 'OSTEMPLATE=' in openvz_host.conf_text(int(entry["ctid"]))
    openvz_host.clear_calls()
    again = run_playbook(_play([_task("again", args)]))
    assert again.rc == 0, str(again)
    rerun = again.task("again")["result"]
    assert not rerun["changed"] and all(not e["changed"] and e["commands"] == [] for e in rerun["containers"])
    # The whole host read by one vzlist call, nothing else spawned.
    assert _calls(openvz_host) == [["vzlist", "-a", "-j", "-o", "ctid,status"]]


def test_one_change_among_many_runs_only_its_call(openvz_host, run_playbook):
    items = _items(4)
    args = {"defaults": {"ostemplate": TEMPLATE}, "containers": items}
    assert run_playbook(_play([_task("create", args)])).rc == 0
    openvz_host.clear_calls()
    items[2]["hostname"] = "changed.example.com"
    result = run_playbook(_play([_task("predict", args, check_mode=True), _task("change", args)]), diff=True)
    assert result.rc == 0, str(result)
    predicted, changed = result.task("predict")["result"], result.task("change")["result"]
    expected = [["vzctl", "set", "103", "--hostname", "changed.example.com", "--save"]]
    assert _by_ctid(predicted)["103"]["commands"] == _by_ctid(changed)["103"]["commands"] == expected
    assert [e["ctid"] for e in changed["containers"] if e["changed"]] == ["103"]
    assert [[c["tool"]] + c["argv"] for c in openvz_host.mutating_calls()] == expected
    assert 'HOSTNAME="changed.example.com"' in openvz_host.conf_text(103)
    # One diff, for the one container that changed.
    assert len(changed["diff"]) == 1 and "changed.example.com" in changed["diff"][0]["after"]


def test_mixed_states_in_one_task(openvz_host, run_playbook):
    base = {"defaults": {"ostemplate": TEMPLATE}, "containers": _items(4, state="started")}
    assert run_playbook(_play([_task("create", base)])).rc == 0
    items = _items(3)
    items[0]["state"] = "stopped"
    items[1]["state"] = "suspended"
    items[2]["state"] = "started"
    items.append({"ctid": "104", "state": "absent"})
    result = run_playbook(_play([_task("mixed", {"containers": items}), _task("again", {"containers": items})]))
    assert result.rc == 0, str(result)
    mixed = _by_ctid(result.task("mixed")["result"])
    assert mixed["101"]["container"]["status"] == "stopped"
    assert mixed["102"]["container"]["status"] == "suspended"
    assert not mixed["103"]["changed"]
    assert mixed["104"]["container"]["status"] == "absent"
    assert not result.task("again")["result"]["changed"]
    assert not os.path.exists("/etc/vz/conf/104.conf")


def test_a_failing_container_does_not_stop_the_others(openvz_host, run_playbook):
    args = {"defaults": {"ostemplate": TEMPLATE}, "containers": _items(3)}
    assert run_playbook(_play([_task("create", args)])).rc == 0
    openvz_host.inject_fault("vzctl", ["set", "102"], rc=9, stderr="Container already locked\n")
    for item in args["containers"]:
        item["description"] = "batch"
    result = run_playbook(_play([_task("change", args)]))
    failed = result.task("change")
    assert failed["failed"] and result.rc != 0
    out = failed["result"]
    entries = _by_ctid(out)
    assert entries["102"]["failed"] and entries["102"]["rc"] == 9 and "containers[1] (ctid 102)" in entries["102"]["msg"]
    assert entries["101"]["changed"] and entries["103"]["changed"]
    assert not entries["101"]["failed"] and not entries["103"]["failed"]
    assert out["msg"].startswith("1 of 3 containers failed")
    assert 'DESCRIPTION="batch"' in openvz_host.conf_text(101)
    assert 'DESCRIPTION="batch"' in openvz_host.conf_text(103)


def test_stop_on_error_in_order_skips_the_rest(openvz_host, run_playbook):
    args = {"defaults": {"ostemplate": TEMPLATE}, "containers": _items(3)}
    assert run_playbook(_play([_task("create", args)])).rc == 0
    openvz_host.inject_fault("vzctl", ["set", "101"], rc=9, stderr="Container already locked\n")
    for item in args["containers"]:
        item["description"] = "batch"
    args.update(parallel=1, stop_on_error=True)
    result = run_playbook(_play([_task("change", args)]))
    entries = _by_ctid(result.task("change")["result"])
    assert entries["101"]["failed"]
    assert entries["102"]["skipped"] and entries["103"]["skipped"]
    assert 'DESCRIPTION="batch"' not in openvz_host.conf_text(102)


def test_a_bad_item_is_refused_before_anything_runs(openvz_host, run_playbook):
    args = {"defaults": {"ostemplate": TEMPLATE}, "containers": _items(3)}
    assert run_playbook(_play([_task("create", args)])).rc == 0
    before = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    args["containers"][0]["description"] = "fine"
    args["containers"][2]["hostname"] = "bad;reboot"
    result = run_playbook(_play([_task("bad", args)]))
    failed = result.task("bad")
    assert failed["failed"]
    assert failed["result"]["msg"].startswith("containers[2] (ctid 103): hostname:"), failed["result"]["msg"]
    assert openvz_host.mutating_calls() == []
    assert openvz_host.snapshot_files() == before


@pytest.mark.parametrize("items, message", [
    ([{"ctid": "101"}, {"ctid": "101"}], "containers[1].ctid: '101' is declared by containers[0] too"),
    ([{"ctid": "101", "name": "a"}, {"ctid": "102", "name": "a"}], "containers[1].name:"),
    ([{"ctid": "101", "ostemplate": TEMPLATE, "ip_addresses": ["192.0.2.9"]},
      {"ctid": "102", "ostemplate": TEMPLATE, "ip_addresses": ["192.0.2.9/24"]}],
     "containers[1] (ctid 102): ip_addresses: 192.0.2.9/24 is declared by containers[0] (ctid 101) too"),
])
def test_duplicates_are_refused(openvz_host, run_playbook, items, message):
    result = run_playbook(_play([_task("dup", {"containers": items})]))
    assert result.task("dup")["result"]["msg"].startswith(message)
    assert openvz_host.mutating_calls() == []


@pytest.mark.parametrize("parallel", [1, 4])
def test_parallel_and_in_order_give_the_same_host(openvz_host, run_playbook, parallel):
    args = {"defaults": {"ostemplate": TEMPLATE, "state": "started"}, "containers": _items(6), "parallel": parallel}
    result = run_playbook(_play([_task("create", args)]))
    assert result.rc == 0, str(result)
    for ctid in range(101, 107):
        assert 'HOSTNAME="ct%d.example.com"' % ctid in openvz_host.conf_text(ctid)
    creates = [c[2] for c in _calls(openvz_host, "vzctl") if c[1] == "create"]
    assert sorted(creates) == [str(c) for c in range(101, 107)]
    if parallel == 1:
        # Strictly in the list's order, one container's calls after the other's.
        assert creates == [str(c) for c in range(101, 107)]


def test_check_mode_predicts_the_real_run(openvz_host, run_playbook):
    args = {"defaults": {"ostemplate": TEMPLATE, "state": "started"}, "containers": _items(3)}
    result = run_playbook(_play([_task("predict", args, check_mode=True), _task("real", args)]), diff=True)
    assert result.rc == 0, str(result)
    predicted, real = result.task("predict")["result"], result.task("real")["result"]
    assert [e["commands"] for e in predicted["containers"]] == [e["commands"] for e in real["containers"]]
    assert len(predicted["diff"]) == 3


def test_exclusive_removes_undeclared_and_guards_running(openvz_host, run_playbook):
    base = {"defaults": {"ostemplate": TEMPLATE}, "containers": _items(4)}
    assert run_playbook(_play([_task("create", base)])).rc == 0
    assert run_playbook(_play([_task("start", {"containers": [{"ctid": "104", "state": "started"}]})])).rc == 0
    keep = {"containers": _items(2), "exclusive": True}
    openvz_host.clear_calls()
    refused = run_playbook(_play([_task("refused", keep)]))
    assert refused.task("refused")["failed"]
    msg = refused.task("refused")["result"]["msg"]
    assert msg.startswith("exclusive: not removing anything") and "104" in msg and "103" not in msg.split("which")[0]
    assert openvz_host.mutating_calls() == []
    keep.update(exclusive_keep=["104"])
    result = run_playbook(_play([_task("predict", keep, check_mode=True), _task("remove", keep),
                                 _task("again", keep)]))
    assert result.rc == 0, str(result)
    assert [e["ctid"] for e in result.task("predict")["result"]["removed"]] == ["103"]
    assert [e["ctid"] for e in result.task("remove")["result"]["removed"]] == ["103"]
    assert result.task("remove")["result"]["removed"][0]["commands"] == [["vzctl", "destroy", "103"]]
    assert not result.task("again")["changed"]
    assert openvz_host.conf_text(104)


def test_xml_items(openvz_host, run_playbook):
    made = run_playbook(_play([_task("create", {"defaults": {"ostemplate": TEMPLATE}, "containers": _items(2)})]))
    xml = dict((e["ctid"], e["xml"]) for e in made.task("create")["result"]["containers"])
    changed = xml["102"].replace("ct102.example.com", "xml.example.com")
    openvz_host.clear_calls()
    # Settings among the defaults do not apply to an item with xml.
    args = {"defaults": {"hostname": "ignored.example.com"}, "containers": [{"xml": xml["101"]}, {"xml": changed}]}
    result = run_playbook(_play([_task("xml", args), _task("again", args)]))
    assert result.rc == 0, str(result)
    entries = _by_ctid(result.task("xml")["result"])
    assert not entries["101"]["changed"]
    assert entries["102"]["commands"] == [["vzctl", "set", "102", "--hostname", "xml.example.com", "--save"]]
    assert not result.task("again")["changed"]


def test_secrets_stay_out_of_the_output(openvz_host, run_playbook):
    secret = "s3cr3t-batch-pw"
    args = {"defaults": {"ostemplate": TEMPLATE, "state": "started", "root_password": secret},
            "containers": _items(2)}
    result = run_playbook(_play([_task("create", args)]), extra_args=["-v"])
    assert result.rc == 0, str(result)
    assert secret not in result.stdout and secret not in result.stderr
    chpasswd = [c for c in openvz_host.calls() if c["tool"] == "vzctl" and "chpasswd" in " ".join(c["argv"])]
    assert len(chpasswd) == 2
