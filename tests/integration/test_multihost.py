"""Three emulated hypervisors over real SSH (harness/multihost.py).

A playbook converges containers on all of them at once (forks 3) and a
re-run changes nothing; then ordinary modules run inside containers with a
real Python through the openvz.vz.vzctl connection, the inventory coming
from the openvz.vz.openvz plugin, over SSH to each hypervisor.
"""
import json

import pytest

from harness.multihost import lab_fixture
from harness.pyrootfs import TEMPLATE_NAME

openvz_lab = lab_fixture()

SECRET = "/etc/vz/hypervisor-secret"
CONVERGE = json.dumps([{
    "hosts": "hypervisors", "gather_facts": False,
    "tasks": [
        {"name": "web", "openvz.vz.container": {
            "ctid": "101", "name": "web", "ostemplate": "debian-12.0-x86_64-minimal",
            "hostname": "web.{{ inventory_hostname }}.example.com", "ip_addresses": ["192.0.2.1"],
            "memory": "512M", "state": "started"}},
        {"name": "db", "openvz.vz.container": {
            "ctid": "102", "ostemplate": "centos-7-x86_64", "hostname": "db.example.com",
            "onboot": True, "state": "stopped"}},
    ]}], indent=1)


def test_playbook_converges_three_hypervisors_then_changes_nothing(openvz_lab, tmp_path):
    env = openvz_lab.ansible_env(tmp_path / "ansible")
    first = env.run_playbook(CONVERGE, extra_args=["--forks", "3"])
    assert first.rc == 0, str(first)
    assert sorted(first.stats) == ["hv1", "hv2", "hv3"]
    assert all(stats["changed"] == 2 for stats in first.stats.values()), first.stats
    for hypervisor in openvz_lab.hypervisors:
        conf = hypervisor.run(["cat", "/etc/vz/conf/101.conf"]).stdout
        assert 'HOSTNAME="web.%s.example.com"' % hypervisor.name in conf
        assert "running" in hypervisor.run(["vzctl", "status", "101"]).stdout
        assert "down" in hypervisor.run(["vzctl", "status", "102"]).stdout
    layouts = [first.task("web", host=h.name)["result"]["container"]["layout"]
               for h in openvz_lab.hypervisors]
    assert layouts == ["simfs", "ploop", "simfs"]
    for hypervisor in openvz_lab.hypervisors:
        hypervisor.clear_calls()
    again = env.run_playbook(CONVERGE, extra_args=["--forks", "3"])
    assert again.rc == 0, str(again)
    assert all(stats["changed"] == 0 for stats in again.stats.values()), again.stats
    for hypervisor in openvz_lab.hypervisors:
        mutating = [c for c in hypervisor.calls() if c["tool"] == "vzctl" and c["argv"][0] != "status"]
        assert mutating == [], (hypervisor.name, mutating)


@pytest.fixture(scope="module")
def python_cts(openvz_lab):
    """A running container with Python on hv2 (OpenVZ 7) and hv3 (legacy); a stopped one on hv3."""
    for name, ctid, start in (("hv2", "150", True), ("hv3", "150", True), ("hv3", "151", False)):
        hypervisor = openvz_lab[name]
        argvs = [["vzctl", "create", ctid, "--ostemplate", TEMPLATE_NAME, "--hostname", "py-" + name]]
        if start:
            argvs.append(["vzctl", "start", ctid])
        for argv in argvs:
            proc = hypervisor.run(argv)
            assert proc.returncode == 0, proc.stdout + proc.stderr
        hypervisor.run(["sh", "-c", "echo hypervisor only > %s" % SECRET])
    return openvz_lab


def _source(lab, path):
    path.write_text(json.dumps({
        "plugin": "openvz.vz.openvz",
        "hypervisors": [{"name": h.name, "address": h.address, "user": "root",
                         "private_key_file": str(lab.key)} for h in lab.hypervisors],
        "ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        "groups": {"python": "openvz_ostemplate == '%s'" % TEMPLATE_NAME},
        "compose": {"ansible_python_interpreter": "'/usr/bin/python3'"},
    }, indent=1), encoding="utf-8")
    return path


def test_modules_inside_containers_over_ssh(python_cts, tmp_path):
    lab = python_cts
    env = lab.ansible_env(tmp_path / "ansible")
    env.inventory = _source(lab, tmp_path / "lab.openvz.yml")
    template = tmp_path / "motd.j2"
    template.write_text("{{ openvz_hypervisor }}/{{ openvz_ctid }} {{ ansible_facts.distribution }}\n",
                        encoding="utf-8")
    fetched = tmp_path / "fetched"
    play = json.dumps([{
        "hosts": "python:&openvz_status_running", "gather_facts": True,
        "vars": {"ansible_pipelining": True},
        "tasks": [
            {"name": "copy", "ansible.builtin.copy": {"content": "a 'b' \"c\" $d `e`\n", "dest": "/root/f",
                                                      "mode": "0600"}},
            {"name": "template", "ansible.builtin.template": {"src": str(template), "dest": "/etc/motd",
                                                              "mode": "0644"}},
            {"name": "fetch", "ansible.builtin.fetch": {"src": "/etc/motd", "dest": str(fetched)}},
            {"name": "argv", "ansible.builtin.command": {
                "argv": ["printf", "%s|", "a b", "$HOME", "'q'", "x;y"], "expand_argument_vars": False}},
            {"name": "become", "ansible.builtin.command": "id -u", "become": True,
             "become_method": "ansible.builtin.su", "become_user": "nobody",
             "become_flags": "-s /bin/sh"},
            {"name": "plant", "ansible.builtin.file": {"src": SECRET, "dest": "/tmp/escape",
                                                       "state": "link", "force": True}},
            {"name": "escape", "ansible.builtin.copy": {"content": "pwned\n", "dest": "/tmp/escape",
                                                        "follow": True}},
        ]}], indent=1)
    result = env.run_playbook(play, extra_args=["--forks", "3"])
    assert result.rc == 0, str(result)
    hosts = ["hv2-150", "hv3-150"]
    assert sorted(result.stats) == hosts
    for host in hosts:
        name, ctid = host.split("-")
        hypervisor = lab[name]
        facts = result.task("Gathering Facts", host=host)["result"]["ansible_facts"]
        assert facts["ansible_distribution"] == "Debian"
        assert result.task("argv", host=host)["result"]["stdout"] == "a b|$HOME|'q'|x;y|"
        assert result.task("become", host=host)["result"]["stdout"] == "65534"
        assert (fetched / host / "etc" / "motd").read_text(encoding="utf-8") == \
            "%s/%s Debian\n" % (hypervisor.name, ctid)
        inside = hypervisor.run(["vzctl", "exec2", ctid, "cat /root/f; cat /etc/motd; cat /tmp/escape"])
        assert inside.stdout == "a 'b' \"c\" $d `e`\n%s/%s Debian\npwned\n" % (hypervisor.name, ctid)
        assert hypervisor.run(["cat", SECRET]).stdout == "hypervisor only\n"
    calls = lab["hv2"].calls()
    assert all(len(c["argv"]) == 3 for c in calls if c["argv"][:1] == ["exec2"])


def test_stopped_container_over_ssh(python_cts, tmp_path):
    env = python_cts.ansible_env(tmp_path / "ansible")
    env.inventory = _source(python_cts, tmp_path / "lab.openvz.yml")
    result = env.run_adhoc("ansible.builtin.ping", hosts="hv3-151")
    assert result.rc != 0
    assert result.tasks[0]["status"] == "unreachable"
    assert "container 151 is not running on hypervisor %s" % python_cts["hv3"].address \
        in result.tasks[0]["result"]["msg"]
