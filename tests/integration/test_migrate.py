"""openvz.vz.migrate between emulated hypervisors over real ssh (harness/multihost.py).

hv1 -> hv2 are vzctl 4.x hosts, hv3 -> hv4 OpenVZ 7 ones; the lab gives
every hypervisor root keys trusted by the others (Lab.trust_hypervisors),
and the emulated vzmigrate really copies the private area, config and run
state with tar over that ssh. Tests compare what a user would: the file
trees and configs on both hosts, the calls each host's tools received,
``changed`` of a re-run.
"""
import json

import pytest

from harness.multihost import lab_fixture

# hv5 and hv6 trust each other only once the host role has run on them.
openvz_lab = lab_fixture(flavours=("legacy", "legacy", "vz7", "vz7", "legacy", "legacy"))

TREE = ("cd %s && find . -printf '%%y %%m %%U:%%G %%s %%l %%p\\n' | LC_ALL=C sort && "
        "find . -type f -exec md5sum {} + | LC_ALL=C sort")


@pytest.fixture(scope="module")
def lab(openvz_lab):
    openvz_lab.trust_hypervisors(["hv1", "hv2", "hv3", "hv4"])
    return openvz_lab


def sh(hypervisor, command):
    proc = hypervisor.run(["sh", "-c", command])
    assert proc.returncode == 0, (hypervisor.name, command, proc.stdout, proc.stderr)
    return proc.stdout


def make_ct(hypervisor, ctid, start=True, template="centos-7-x86_64"):
    sh(hypervisor, "vzctl create %s --ostemplate %s --hostname ct%s.example.com" % (ctid, template, ctid))
    sh(hypervisor, "vzctl set %s --ipadd 192.0.2.%s --save" % (ctid, int(ctid) % 250))
    if start:
        sh(hypervisor, "vzctl start %s && printf 'data %s\\n' > /vz/root/%s/root/file && "
                       "ln -s file /vz/root/%s/root/link && chmod 0600 /vz/root/%s/root/file"
           % (ctid, ctid, ctid, ctid, ctid))


def status(hypervisor, ctid):
    return hypervisor.run(["vzctl", "status", str(ctid)]).stdout.split()[2:]


def mutating(hypervisor):
    return [c for c in hypervisor.calls()
            if c["tool"] == "vzmigrate" or (c["tool"] == "vzctl" and "status" not in c["argv"])]


def play(lab, tmp_path, host, args, check=False):
    env = lab.ansible_env(tmp_path / ("ansible-%d" % len(list(tmp_path.iterdir()))))
    playbook = json.dumps([{"hosts": host, "gather_facts": False,
                            "tasks": [{"name": "migrate", "openvz.vz.migrate": args}]}], indent=1)
    result = env.run_playbook(playbook, extra_args=["--check"] if check else [])
    return result, result.task("migrate", host=host)["result"]


def clear(*hypervisors):
    for hypervisor in hypervisors:
        hypervisor.clear_calls()


def test_offline_legacy_check_mode_migrate_rerun(lab, tmp_path):
    hv1, hv2 = lab["hv1"], lab["hv2"]
    make_ct(hv1, "101")
    tree = sh(hv1, TREE % "/vz/private/101")
    conf = sh(hv1, "cat /etc/vz/conf/101.conf")
    args = {"ctid": "101", "dest": hv2.address}
    clear(hv1, hv2)
    run, res = play(lab, tmp_path, "hv1", args, check=True)
    assert run.rc == 0, str(run)
    assert res["changed"] is True
    assert res["commands"] == [["vzmigrate", "-r", "yes", hv2.address, "101"]]
    assert [c["argv"] for c in hv1.calls() if c["tool"] == "vzmigrate"] == [
        ["-r", "yes", "--dry-run", hv2.address, "101"]]
    assert [c for c in mutating(hv1) if c["tool"] == "vzctl"] == [] and mutating(hv2) == []
    assert status(hv1, "101") == ["exist", "mounted", "running"]

    run, res = play(lab, tmp_path, "hv1", args)
    assert run.rc == 0, str(run)
    assert res["changed"] is True and '<domain type="openvz">' in res["xml"]
    assert status(hv2, "101") == ["exist", "mounted", "running"]
    assert status(hv1, "101")[0] == "deleted"
    assert sh(hv2, TREE % "/vz/private/101") == tree
    # vzmigrate.in sets the destination's own VE_PRIVATE/VE_ROOT (expanded) with vzctl set --save
    assert sh(hv2, "cat /etc/vz/conf/101.conf") == conf.replace("$VEID", "101")
    assert sh(hv2, "cat /vz/root/101/root/file") == "data 101\n"
    dest_calls = [c["argv"] for c in hv2.calls() if c["tool"] == "vzctl" and "status" not in c["argv"]]
    assert ["start", "101"] in dest_calls

    clear(hv1, hv2)
    run, res = play(lab, tmp_path, "hv1", args)
    assert run.rc == 0, str(run)
    assert res["changed"] is False and res["commands"] == []
    assert mutating(hv1) == [] and mutating(hv2) == []


def test_legacy_keep_source_leaves_conf_migrated_and_the_private_area(lab, tmp_path):
    hv1, hv2 = lab["hv1"], lab["hv2"]
    make_ct(hv1, "102", start=False)
    tree = sh(hv1, TREE % "/vz/private/102")
    args = {"ctid": "102", "dest": "root@" + hv2.address, "keep_source": True}
    run, res = play(lab, tmp_path, "hv1", args)
    assert run.rc == 0, str(run)
    assert res["commands"] == [["vzmigrate", "-r", "no", hv2.address, "102"]]
    assert status(hv2, "102") == ["exist", "unmounted", "down"]
    assert sh(hv1, "ls /etc/vz/conf/ | grep '^102'") == "102.conf.migrated\n"
    assert sh(hv1, TREE % "/vz/private/102") == tree == sh(hv2, TREE % "/vz/private/102")
    clear(hv1, hv2)
    run, res = play(lab, tmp_path, "hv1", args)
    assert run.rc == 0 and res["changed"] is False, str(run)
    assert mutating(hv1) == [] and mutating(hv2) == []


def test_online_vz7_keeps_processes_and_a_migrated_copy(lab, tmp_path):
    hv3, hv4 = lab["hv3"], lab["hv4"]
    make_ct(hv3, "201")
    started = json.loads(sh(hv3, "cat /var/lib/vzemu/running/201"))["start"]
    tree = sh(hv3, TREE % "/vz/private/201")
    uuid = sh(hv3, "sed -n 's/^UUID=//p' /etc/vz/conf/201.conf")
    args = {"ctid": "201", "dest": "root@" + hv4.address, "online": True, "keep_source": True}
    run, res = play(lab, tmp_path, "hv3", args)
    assert run.rc == 0, str(run)
    assert res["commands"] == [["vzmigrate", "-r", "no", "--online", "root@" + hv4.address, "201"]]
    assert status(hv4, "201") == ["exist", "mounted", "running"]
    assert json.loads(sh(hv4, "cat /var/lib/vzemu/running/201"))["start"] == started
    assert sh(hv4, TREE % "/vz/private/201") == tree
    assert sh(hv4, "sed -n 's/^UUID=//p' /etc/vz/conf/201.conf") == uuid
    assert status(hv3, "201")[0] == "deleted"
    assert sh(hv3, TREE % "/vz/private/201.migrated") == tree
    dest_calls = [c["argv"] for c in hv4.calls() if c["tool"] == "vzctl"]
    assert ["resume", "201"] in dest_calls and ["start", "201"] not in dest_calls

    clear(hv3, hv4)
    run, res = play(lab, tmp_path, "hv3", args)
    assert run.rc == 0, str(run)
    assert res["changed"] is False
    assert mutating(hv3) == [] and mutating(hv4) == []


def test_ctid_clash_refused_before_anything_runs(lab, tmp_path):
    hv1, hv2 = lab["hv1"], lab["hv2"]
    make_ct(hv1, "120", start=False)
    make_ct(hv2, "120", start=False)
    clear(hv1, hv2)
    run, res = play(lab, tmp_path, "hv1", {"ctid": "120", "dest": hv2.address})
    assert run.rc != 0
    assert "container 120 already exists on %s" % hv2.address in res["msg"]
    assert mutating(hv1) == [] and mutating(hv2) == []


def test_preflight_refuses_a_missing_template_or_bridge_on_the_destination(lab, tmp_path):
    hv1, hv2, hv3, hv4 = lab["hv1"], lab["hv2"], lab["hv3"], lab["hv4"]
    make_ct(hv1, "160", start=False)
    sh(hv2, "mkdir /vz/template/hidden && mv /vz/template/cache/centos-7-x86_64.* /vz/template/hidden/")
    try:
        clear(hv1, hv2)
        run, res = play(lab, tmp_path, "hv1", {"ctid": "160", "dest": hv2.address})
        assert run.rc != 0
        assert res["msg"] == ("dest: the OS template centos-7-x86_64 of container 160 is not on %s "
                              "(install it there first)" % hv2.address)
        assert mutating(hv1) == [] and mutating(hv2) == []
    finally:
        sh(hv2, "mv /vz/template/hidden/* /vz/template/cache/ && rmdir /vz/template/hidden")
    make_ct(hv3, "260", start=False)
    sh(hv3, "echo 'NETIF=\"ifname=eth0,mac=00:18:51:12:34:56,host_ifname=veth260.0,bridge=br7\"' >> /etc/vz/conf/260.conf")
    clear(hv3, hv4)
    run, res = play(lab, tmp_path, "hv3", {"ctid": "260", "dest": hv4.address})
    assert run.rc != 0
    assert res["msg"] == "dest: bridge br7 (NETIF of container 260) does not exist on %s" % hv4.address
    assert mutating(hv3) == [] and mutating(hv4) == []
    sh(hv4, "ip link add br7 type bridge")
    run, res = play(lab, tmp_path, "hv3", {"ctid": "260", "dest": hv4.address})
    assert run.rc == 0, str(run)
    assert status(hv4, "260")[:1] == ["exist"] and status(hv3, "260")[0] == "deleted"


@pytest.mark.parametrize("source,dest,ctid,online,fault_on,fault", [
    ("hv1", "hv2", "130", False, "hv2", {"tool": "vzctl", "match": ["start", "130"], "rc": 3, "times": 1,
                                         "stderr": "Unable to start: injected"}),
    ("hv1", "hv2", "131", False, "hv1", {"tool": "vzmigrate", "phase": "copy-private", "times": 1,
                                         "stderr": "tar: injected write error"}),
    ("hv1", "hv2", "132", True, "hv1", {"tool": "vzctl", "match": ["chkpnt", "132", "--dump"], "rc": 16,
                                        "times": 1, "stderr": "Error: injected dump failure"}),
    ("hv3", "hv4", "230", False, "hv3", {"tool": "vzmigrate", "phase": "copy-private", "times": 1,
                                         "stderr": "tar: injected write error"}),
    ("hv3", "hv4", "231", False, "hv4", {"tool": "vzctl", "match": ["start", "231"], "rc": 3, "times": 1,
                                         "stderr": "Unable to start: injected"}),
    ("hv3", "hv4", "232", True, "hv4", {"tool": "vzctl", "match": ["resume", "232"], "rc": 16, "times": 1,
                                        "stderr": "Unable to resume: injected"}),
], ids=["legacy-dest-start", "legacy-copy", "legacy-live-dump", "vz7-copy", "vz7-dest-start", "vz7-live-dest-resume"])
def test_a_failed_phase_leaves_the_ct_running_on_one_host_and_a_rerun_converges(
        lab, tmp_path, source, dest, ctid, online, fault_on, fault):
    src, dst = lab[source], lab[dest]
    args = {"ctid": ctid, "dest": dst.address, "online": online}
    make_ct(src, ctid)
    sh(lab[fault_on], "cat > /var/lib/vzemu/faults.json <<'EOF'\n%s\nEOF" % json.dumps([fault]))
    try:
        run, res = play(lab, tmp_path, source, args)
        assert run.rc != 0
        assert res["changed"] is True and res["cmd"][0] == "vzmigrate"
        assert "container %s is on this hypervisor" % ctid in res["msg"], res["msg"]
        assert status(src, ctid) == ["exist", "mounted", "running"]
        assert status(dst, ctid)[0] == "deleted"
        # vzmigrate's undo removed what it had copied there
        assert dst.run(["test", "-e", "/vz/private/" + ctid]).returncode == 1
        assert dst.run(["test", "-e", "/etc/vz/conf/%s.conf" % ctid]).returncode == 1
        run, res = play(lab, tmp_path, source, args)
        assert run.rc == 0, str(run)
        assert status(dst, ctid) == ["exist", "mounted", "running"]
        assert status(src, ctid)[0] == "deleted"
    finally:
        lab[fault_on].run(["rm", "-f", "/var/lib/vzemu/faults.json"])


HOSTILE = {
    "hv1": [
        ({"ctid": "140", "dest": "-oProxyCommand=touch /tmp/x"}, "dest"),
        ({"ctid": "140", "dest": "hv2 evil"}, "dest"),
        ({"ctid": "140", "dest": "a;b"}, "dest"),
        ({"ctid": "140", "dest": "bob@10.213.0.12"}, "dest"),
        ({"ctid": "140", "dest": "x\n"}, "dest"),
        ({"ctid": "140;reboot", "dest": "10.213.0.12"}, "ctid"),
        ({"ctid": "140", "dest": "10.213.0.12", "new_ctid": "141"}, "new_ctid"),
        ({"ctid": "140", "dest": "10.213.0.12", "start": False}, "start"),
        ({"name": "a/b", "dest": "10.213.0.12"}, "name"),
        ({"ctid": "140", "dest": "10.213.0.12", "timeout": -1}, "timeout"),
    ],
    "hv3": [
        ({"ctid": "140", "dest": "10.213.0.14", "new_ctid": "../1"}, "new_ctid"),
        ({"ctid": "{1b2f}", "dest": "10.213.0.14"}, "ctid"),
        ({"ctid": "140", "dest": "root@-x"}, "dest"),
    ],
}


@pytest.mark.parametrize("host", sorted(HOSTILE))
def test_hostile_input_refused_with_the_parameter_named(lab, tmp_path, host):
    hypervisor = lab[host]
    listing = "find /etc/vz /vz /var/lib/vzemu -printf '%p %s %T@\\n' | LC_ALL=C sort"
    clear(hypervisor)
    before = sh(hypervisor, listing)
    cases = HOSTILE[host]
    env = lab.ansible_env(tmp_path / "ansible")
    result = env.run_playbook(json.dumps([{"hosts": host, "gather_facts": False, "tasks": [
        {"name": "hostile %d" % index, "openvz.vz.migrate": args, "ignore_errors": True}
        for index, (args, _param) in enumerate(cases)]}], indent=1))
    for index, (_args, param) in enumerate(cases):
        task = result.task("hostile %d" % index, host=host)
        assert task["failed"], task
        assert task["result"]["msg"].startswith(param + ":"), task["result"]["msg"]
    assert hypervisor.calls() == []
    assert sh(hypervisor, listing) == before


def test_host_role_sets_up_the_trust_migration_needs(lab, tmp_path):
    hv5, hv6 = lab["hv5"], lab["hv6"]
    ssh = ["ssh", "-o", "BatchMode=yes", "root@" + hv6.address, "true"]
    assert hv5.run(ssh).returncode == 255
    env = lab.ansible_env(tmp_path / "ansible-role")
    inventory = lab.inventory([hv5, hv6]).replace(
        "[hypervisors:vars]", "[hypervisors:vars]\nopenvz_host_migration_peers=['hv5', 'hv6']")
    for hypervisor in (hv5, hv6):
        inventory = inventory.replace(
            "%s ansible_host=%s" % (hypervisor.name, hypervisor.address),
            "%s ansible_host=%s openvz_host_ssh_host_key_file=%s" % (
                hypervisor.name, hypervisor.address, hypervisor.workdir / "sshd" / "ssh_host_ed25519_key.pub"))
    env.inventory.write_text(inventory, encoding="utf-8")
    playbook = json.dumps([{"hosts": "hypervisors", "gather_facts": False,
                            "roles": [{"role": "openvz.vz.host", "vars": {"openvz_host_check_lxml": False}}]}],
                          indent=1)
    first = env.run_playbook(playbook)
    assert first.rc == 0, str(first)
    assert all(stats["changed"] >= 3 for stats in first.stats.values()), first.stats
    for one, other in ((hv5, hv6), (hv6, hv5)):
        proc = one.run(["ssh", "-o", "BatchMode=yes", "root@" + other.address, "cat /etc/hostname"])
        assert (proc.returncode, proc.stdout) == (0, other.name + "\n"), proc.stderr
    again = env.run_playbook(playbook)
    assert again.rc == 0, str(again)
    assert all(stats["changed"] == 0 for stats in again.stats.values()), again.stats

    # vzmigrate itself (BatchMode ssh, no StrictHostKeyChecking override) gets through its checks
    make_ct(hv5, "150")
    proc = hv5.run(["vzmigrate", "--dry-run", hv6.address, "150"])
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stdout
