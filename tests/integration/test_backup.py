"""openvz.vz.backup against emulated hosts, through real ansible-playbook runs:
vzdump/vzrestore on legacy hosts, prlctl backup/restore on OpenVZ 7."""
import json
import os
import re
import time

import pytest

from harness import snapshot
from harness.multihost import lab_fixture

TEMPLATE = "debian-12.0-x86_64-minimal"
ARCHIVE = re.compile(r"vzdump-openvz-101-(\d{4})_(\d\d)_(\d\d)-(\d\d)_(\d\d)_(\d\d)\.(tar|tgz)")


def _play(tasks, hosts="localhost"):
    return json.dumps([{"hosts": hosts, "gather_facts": False, "tasks": tasks}], indent=1)


def _bk(name, args, **extra):
    task = {"name": name, "openvz.vz.backup": args, "register": "r"}
    task.update(extra)
    return task


def _info(name, args=None):
    return {"name": name, "openvz.vz.backup_info": args or {}, "register": "r"}


def _ct(ctid, **args):
    return {"name": "container %s" % ctid, "openvz.vz.container": dict(ctid=ctid, ostemplate=TEMPLATE, **args)}


def _res(run, name):
    return run.task(name)["result"]


def _private(ctid):
    return snapshot.snapshot_tree("/vz/private/%s" % ctid)


def _relative(tree, ctid):
    prefix = "/vz/private/%s" % ctid
    return {path[len(prefix):]: value for path, value in tree.items()}


def _stores():
    found = {}
    for top in ("/etc/vz", "/vz/private", "/vz/root", "/vz/dump", "/vz/vmprivate"):
        found.update(snapshot.snapshot_tree(top))
    return found


def test_backup_list_restore_and_age(openvz_host, run_playbook):
    legacy = openvz_host.flavour == "legacy"
    first = run_playbook(_play([
        _ct("101", state="stopped", hostname="web.example.com"),
        _bk("predict", {"ctid": "101", "compress": legacy} if legacy else {"ctid": "101"}, check_mode=True),
        _bk("backup", {"ctid": "101", "compress": True} if legacy else {"ctid": "101"}),
        _bk("again", {"ctid": "101", "max_age": "1h"}),
        _info("list"),
    ]))
    assert first.rc == 0, str(first)
    predicted = _res(first, "predict")
    made = _res(first, "backup")
    expected = (["vzdump", "--compress", "101"] if legacy else ["prlctl", "backup", "101", "-f"])
    assert predicted["changed"] and predicted["commands"] == [expected] and predicted["backups"] == []
    assert made["changed"] and made["commands"] == [expected]
    backup = made["backup"]
    assert made["backups"] == [backup] and backup["ctid"] == "101" and backup["type"] == "full"
    if legacy:
        assert ARCHIVE.fullmatch(backup["id"]) and backup["path"] == "/vz/dump/" + backup["id"]
        assert backup["size"] == os.path.getsize(backup["path"]) and backup["compressed"]
        assert backup["log"] == backup["path"][:-4] + ".log" and os.path.isfile(backup["log"])
    else:
        assert re.fullmatch(r"\{[0-9a-f-]{36}\}", backup["id"])
        assert os.path.isdir("/vz/vmprivate/backups/%s" % backup["uuid"])
    assert abs(backup["timestamp"] - time.time()) < 120
    again = _res(first, "again")
    assert not again["changed"] and again["commands"] == [] and again["backup"] == backup
    assert _res(first, "list")["backups"] == [backup]
    tools = [c["tool"] for c in openvz_host.mutating_calls()]
    assert tools.count("vzdump" if legacy else "prlctl") == 1

    # A re-run changes nothing, and calls no tool that writes.
    openvz_host.clear_calls()
    rerun = run_playbook(_play([_bk("again", {"ctid": "101"})]))
    assert rerun.rc == 0 and not rerun.changed_tasks, str(rerun)
    assert openvz_host.mutating_calls() == []

    # Restore over the container: refused without force; with force it is destroyed first.
    before = _private("101")
    conf = openvz_host.conf_text("101")
    with open("/vz/private/101/added-after-backup", "w") as handle:
        handle.write("x")
    refused = run_playbook(_play([_bk("refused", {"ctid": "101", "state": "restored"}, ignore_errors=True)]))
    msg = _res(refused, "refused")["msg"]
    assert "container 101 exists" in msg and "force" in msg
    assert os.path.exists("/vz/private/101/added-after-backup")
    stores = _stores()
    openvz_host.clear_calls()
    checked = run_playbook(_play([
        _bk("predict restore", {"ctid": "101", "state": "restored", "force": True}, check_mode=True),
        _bk("predict absent", {"ctid": "101", "state": "absent"}, check_mode=True)]))
    assert checked.rc == 0, str(checked)
    assert _res(checked, "predict restore")["changed"] and _res(checked, "predict absent")["changed"]
    assert _res(checked, "predict restore")["commands"][0] == ["vzctl", "destroy", "101"]
    assert _res(checked, "predict absent")["commands"] == [
        ["rm", "-f", "--", backup["path"], backup["log"]] if legacy else ["prlctl", "backup-delete", "-t", backup["id"]]]
    assert openvz_host.mutating_calls() == [] and _stores() == stores
    restored = run_playbook(_play([_bk("restore", {"ctid": "101", "state": "restored", "force": True},
                                       diff=True)]))
    assert restored.rc == 0, str(restored)
    result = _res(restored, "restore")
    restore = (["vzrestore", backup["path"], "101"] if legacy else ["prlctl", "restore", "-t", backup["id"]])
    assert result["commands"] == [["vzctl", "destroy", "101"], restore]
    assert [c["argv"][:2] for c in openvz_host.mutating_calls()] == [
        ["destroy", "101"], restore[1:3]]
    assert _private("101") == before and openvz_host.conf_text("101") == conf
    assert result["container"]["hostname"] == "web.example.com" and "<domain" in result["xml"]

    # The restored container is what the task asks for: re-runs, with and without force, are ok.
    openvz_host.clear_calls()
    again = run_playbook(_play([_bk("same", {"ctid": "101", "state": "restored", "force": True}),
                                _bk("same without force", {"ctid": "101", "state": "restored"})]))
    assert again.rc == 0 and not again.changed_tasks, str(again)
    assert _res(again, "same")["commands"] == [] and _res(again, "same")["container"]["hostname"] == "web.example.com"
    assert openvz_host.mutating_calls() == [] and _private("101") == before

    if legacy:
        # Restore to another CTID: the same files, the config with that CTID's own areas.
        other = run_playbook(_play([_bk("copy", {"backup": backup["id"], "state": "restored",
                                                 "target_ctid": "202"})]))
        assert other.rc == 0, str(other)
        assert _relative(_private("202"), "202") == _relative(before, "101")
        assert openvz_host.conf_text("202") == conf

    # Age: a backup older than max_age is made again.
    if legacy:
        match = ARCHIVE.fullmatch(backup["id"])
        older = "vzdump-openvz-101-2020_01_01-00_00_00.%s" % match.group(7)
        os.rename(backup["path"], "/vz/dump/" + older)
        os.rename(backup["log"], "/vz/dump/" + older[:-4] + ".log")
    else:
        meta_dir = "/vz/vmprivate/backups/%s/%s" % (backup["uuid"], backup["id"].strip("{}"))
        with open(meta_dir + "/meta.json") as handle:
            meta = json.load(handle)
        meta["DateTime"] = "2020-01-01 00:00:00"
        with open(meta_dir + "/meta.json", "w") as handle:
            json.dump(meta, handle)
    aged = run_playbook(_play([_bk("aged", {"ctid": "101", "max_age": "1d", "maxfiles": 0} if legacy
                                   else {"ctid": "101", "max_age": "1d"}),
                               _bk("prune", {"ctid": "101", "state": "absent", "max_age": "2d"}),
                               _bk("prune again", {"ctid": "101", "state": "absent", "max_age": "2d"})]))
    assert aged.rc == 0, str(aged)
    assert _res(aged, "aged")["changed"] and len(_res(aged, "aged")["backups"]) == 2
    pruned = _res(aged, "prune")
    assert pruned["changed"] and len(pruned["backups"]) == 1
    assert pruned["backups"][0]["id"] == _res(aged, "aged")["backup"]["id"]
    assert not _res(aged, "prune again")["changed"]
    gone = run_playbook(_play([_bk("absent", {"state": "absent", "backup": pruned["backups"][0]["id"]}),
                               _bk("absent again", {"state": "absent", "backup": pruned["backups"][0]["id"]}),
                               _info("empty", {"ctid": "101"})]))
    assert gone.rc == 0, str(gone)
    assert _res(gone, "absent")["changed"] and not _res(gone, "absent again")["changed"]
    assert _res(gone, "empty")["backups"] == []
    if legacy:
        assert not [name for name in os.listdir("/vz/dump") if name.startswith("vzdump-openvz-101-")]


def test_tool_failure_is_reported(openvz_host, run_playbook):
    legacy = openvz_host.flavour == "legacy"
    assert run_playbook(_play([_ct("101", state="stopped")])).rc == 0
    if legacy:
        # vzdump exits 0 for a failed container: the module reads the ERROR line
        openvz_host.inject_fault("vzdump", ["101"], 0, stdout=(
            "INFO: starting new backup job: vzdump 101\nERROR: Backup of VM 101 failed - disk full\n"
            "INFO: Backup job finished with errors"), times=1)
    else:
        openvz_host.inject_fault("prlctl", ["backup"], 255, stderr="Failed to backup the CT: disk full", times=1)
    stores = _stores()
    run = run_playbook(_play([_bk("fails", {"ctid": "101"}, ignore_errors=True)]))
    result = _res(run, "fails")
    assert run.task("fails")["failed"] and "disk full" in result["msg"], result
    assert result["cmd"] == (["vzdump", "101"] if legacy else ["prlctl", "backup", "101", "-f"])
    assert _stores() == stores
    # a hung tool is killed at the timeout, with its process group
    tool = "vzdump" if legacy else "prlctl"
    openvz_host.inject_fault(tool, ["101"], 0, delay=60, times=1, spawn_child=True)
    started = time.time()
    run = run_playbook(_play([_bk("hangs", {"ctid": "101", "timeout": 2}, ignore_errors=True)]))
    assert time.time() - started < 45
    assert run.task("hangs")["failed"] and "timed out after 2 seconds" in _res(run, "hangs")["msg"]
    for fired in openvz_host.fired_faults():
        for pid in (fired["pid"], fired["child"]):
            assert pid is None or not os.path.exists("/proc/%d" % pid) or \
                open("/proc/%d/stat" % pid).read().split()[2] == "Z"
    assert _stores() == stores
    # vzrestore / prlctl restore failing after the destroy: reported with what ran
    assert run_playbook(_play([_bk("backup", {"ctid": "101"})])).rc == 0
    openvz_host.inject_fault("vzrestore" if legacy else "prlctl", [] if legacy else ["restore"], 255,
                             stdout="ERROR: restore failed - no space left", times=1)
    run = run_playbook(_play([_bk("restore", {"ctid": "101", "state": "restored", "force": True},
                                  ignore_errors=True)]))
    result = _res(run, "restore")
    assert run.task("restore")["failed"] and result["executed"] == [["vzctl", "destroy", "101"]]
    assert result["changed"] and "no space left" in result["msg"]


HOSTILE = [
    ({"ctid": "101; touch /tmp/x"}, "ctid"),
    ({"ctid": "\u0661\u0660\u0661"}, "ctid"),
    ({"name": "a b"}, "name"),
    ({"ctid": "101", "max_age": "1d\n"}, "max_age"),
    ({"ctid": "101", "max_age": "\u0661d"}, "max_age"),
    ({"ctid": "101", "max_age": "0h"}, "max_age"),
    ({"ctid": "101", "max_age": "1y"}, "max_age"),
    ({"ctid": "101", "state": "restored", "target_ctid": "$(id)"}, "target_ctid"),
    ({"state": "absent", "backup": "../../etc/passwd"}, "backup"),
    ({"state": "absent", "backup": "vzdump-openvz-101-2020_01_01-00_00_00.tar\n"}, "backup"),
    ({"state": "restored", "backup": "/vz/../etc/vzdump-openvz-101-2020_01_01-00_00_00.tar"}, "backup"),
    ({"ctid": "101", "dumpdir": "/vz/dump/$VEID"}, "dumpdir"),
    ({"ctid": "101", "dumpdir": "relative"}, "dumpdir"),
    ({"ctid": "101", "dumpdir": "/vz/dump;rm -rf /"}, "dumpdir"),
    ({"ctid": "101", "maxfiles": -1}, "maxfiles"),
]
HOSTILE_INFO = [
    ({"ctid": "1e3"}, "ctid"),
    ({"name": "web\n"}, "name"),
    ({"dumpdir": "/vz/$(id)"}, "dumpdir"),
    ({"dumpdir": "/vz/dump/../../etc"}, "dumpdir"),
]


def test_hostile_input_is_refused(openvz_host, run_playbook):
    """Every value is refused before any tool runs, the parameter named, the host byte-identical."""
    stores = _stores()
    openvz_host.clear_calls()
    tasks = [_bk("hostile %d" % index, args, ignore_errors=True) for index, (args, _param) in enumerate(HOSTILE)]
    for index, (args, _param) in enumerate(HOSTILE_INFO):
        task = _info("hostile %d" % (len(HOSTILE) + index), args)
        task["ignore_errors"] = True
        tasks.append(task)
    run = run_playbook(_play(tasks))
    for index, (_args, param) in enumerate(HOSTILE + HOSTILE_INFO):
        task = run.task("hostile %d" % index)
        assert task["failed"], str(run)
        assert task["result"]["msg"].startswith(param + ":"), (param, task["result"]["msg"])
    assert openvz_host.calls() == [] and _stores() == stores


@pytest.mark.flavour("vz7")
def test_vz7_refuses_vzdump_options(openvz_host, run_playbook):
    run = run_playbook(_play([_bk("dumpdir", {"ctid": "101", "dumpdir": "/vz/dump"}, ignore_errors=True),
                              _bk("target", {"ctid": "101", "state": "restored", "target_ctid": "102",
                                             "backup": "{11111111-2222-4333-8444-555555555555}"},
                                  ignore_errors=True)]))
    assert _res(run, "dumpdir")["msg"].startswith("dumpdir: is for vzdump")
    assert "does not exist" in _res(run, "target")["msg"]


openvz_lab = lab_fixture(flavours=("legacy", "legacy", "vz7", "vz7"))
LISTING = ["sh", "-c", "cd /vz/private/101 && find . ! -path ./etc/vzdump -printf '%p %y %s %m %U %l\\n' | sort "
           "&& find . -type f -exec md5sum {} + | sort -k 2"]


@pytest.mark.parametrize("source, target", [("hv1", "hv2"), ("hv3", "hv4")], ids=["legacy", "vz7"])
def test_restore_on_another_hypervisor(openvz_lab, tmp_path, source, target):
    """A backup made on one hypervisor goes through the controller to another of its flavour and
    is restored there: a vzdump archive into the dump directory, a prlctl backup directory into
    /vz/vmprivate/backups (Users Guide, restoring backups from another server)."""
    legacy = source == "hv1"
    env = openvz_lab.ansible_env(tmp_path / "ansible")
    xfer = tmp_path / "xfer"
    xfer.mkdir()
    tasks = [
        _ct("101", state="started", hostname="moved.example.com"),
        {"name": "data", "openvz.vz.container_exec": {"ctid": "101", "argv": ["sh", "-c", "echo hi > /root/data"]}},
        _bk("backup", {"ctid": "101", "mode": "suspend"} if legacy else {"ctid": "101"}),
    ]
    if legacy:
        fetch = {"src": "{{ r.backup.path }}", "dest": str(xfer) + "/", "flat": True}
        tasks.append({"name": "fetch", "ansible.builtin.fetch": fetch})
    else:
        tasks += [
            {"name": "pack", "ansible.builtin.command": {"argv": [
                "tar", "cf", "/root/backup.tar", "-C", "/vz/vmprivate/backups", "{{ r.backup.uuid }}"]}},
            {"name": "fetch", "ansible.builtin.fetch": {"src": "/root/backup.tar", "dest": str(xfer) + "/",
                                                        "flat": True}},
        ]
    made = env.run_playbook(_play(tasks, hosts=source))
    assert made.rc == 0, str(made)
    backup = made.task("backup", host=source)["result"]["backup"]
    source_files = openvz_lab[source].run(LISTING).stdout
    assert "./root/data" in source_files or "/root/data" in source_files
    if legacy:
        moving = [{"name": "copy", "ansible.builtin.copy": {"src": str(xfer / backup["id"]), "dest": "/vz/dump/"}}]
        restore = {"backup": backup["id"], "state": "restored"}
    else:
        moving = [{"name": "dir", "ansible.builtin.file": {"path": "/vz/vmprivate/backups", "state": "directory"}},
                  {"name": "unpack", "ansible.builtin.unarchive": {
                      "src": str(xfer / "backup.tar"), "dest": "/vz/vmprivate/backups/"}}]
        # the target has no config with the backup's UUID: prlctl lists no CTID for it
        restore = {"backup": backup["id"], "state": "restored", "target_ctid": "101"}
    restored = env.run_playbook(_play(moving + [
        _info("list"),
        _bk("restore", restore),
        _bk("again", restore),
    ], hosts=target))
    assert restored.rc == 0, str(restored)
    assert [b["id"] for b in restored.task("list", host=target)["result"]["backups"]] == [backup["id"]]
    # Restored from that backup, on the area the restore made: the re-run is ok.
    again = restored.task("again", host=target)
    assert not again["changed"] and again["result"]["commands"] == [], again
    hv_source, hv_target = openvz_lab[source], openvz_lab[target]
    assert hv_target.run(LISTING).stdout == source_files
    conf = ["cat", "/etc/vz/conf/101.conf"]
    assert hv_target.run(conf).stdout == hv_source.run(conf).stdout
    assert "running" in hv_source.run(["vzctl", "status", "101"]).stdout
    assert hv_target.run(["vzctl", "start", "101"]).returncode == 0
