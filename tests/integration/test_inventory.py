"""The openvz.vz.openvz inventory plugin: a local hypervisor, and three over real SSH.

The SSH tests run against harness/multihost.py's lab: three emulated
hypervisors (legacy, vz7, legacy), each in its own network and mount
namespace with its own sshd. How often each hypervisor was contacted is read
from its sshd log and from its emulator call log.
"""
import json
import subprocess

import pytest

from harness.ansible_runner import plain
from harness.multihost import lab_fixture
from harness.paths import VENV_BIN

TEMPLATE = "debian-12.0-x86_64-minimal"

openvz_lab = lab_fixture()

# hypervisor -> [(ctid, extra vzctl create args, start?)]
CONTAINERS = {
    "hv1": [("101", ["--name", "web1", "--hostname", "web1.example.com", "--ipadd", "192.0.2.11"], True),
            ("102", ["--hostname", "db1.example.com"], False)],
    "hv2": [("101", ["--name", "web2", "--hostname", "web2.example.com", "--ipadd", "192.0.2.21"], True)],
    "hv3": [("201", ["--hostname", "mail.example.com", "--description", 'say "hi"'], False)],
}


@pytest.fixture(scope="module")
def lab(openvz_lab):
    for name, containers in CONTAINERS.items():
        hypervisor = openvz_lab[name]
        for ctid, extra, start in containers:
            argvs = [["vzctl", "create", ctid, "--ostemplate", TEMPLATE] + extra]
            if start:
                argvs.append(["vzctl", "start", ctid])
            for argv in argvs:
                proc = hypervisor.run(argv)
                assert proc.returncode == 0, proc.stdout + proc.stderr
    return openvz_lab


@pytest.fixture
def env(lab, tmp_path):
    for hypervisor in lab.hypervisors:
        hypervisor.clear_calls()
    return lab.ansible_env(tmp_path / "ansible")


def _source(lab, path, hypervisors=None, **options):
    config = {
        "plugin": "openvz.vz.openvz",
        "hypervisors": hypervisors or [
            {"name": h.name, "address": h.address, "user": "root"} for h in lab.hypervisors],
        "ssh_common_args": "-i %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null" % lab.key,
    }
    config.update(options)
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def _inventory(env, source, *args):
    proc = env.run_inventory(source, *args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return plain(json.loads(proc.stdout)), proc.stderr


def _members(data, group):
    return sorted(data.get(group, {}).get("hosts", []))


def test_hosts_groups_keyed_groups_compose(lab, env, tmp_path):
    logins = {h.name: h.ssh_logins() for h in lab.hypervisors}
    source = _source(lab, tmp_path / "lab.openvz.yml",
                     keyed_groups=[{"key": "openvz_hypervisor", "prefix": "on"},
                                   {"key": "openvz_ip_addresses", "prefix": "ip"}],
                     groups={"web": "openvz_hostname is match('web')"},
                     compose={"ctid_twice": "openvz_ctid | int * 2",
                              "ansible_python_interpreter": "'/usr/bin/python3'"})
    data, stderr = _inventory(env, source)
    hostvars = data["_meta"]["hostvars"]
    assert sorted(hostvars) == ["hv1-101", "hv1-102", "hv2-101", "hv3-201"], stderr
    web1 = hostvars["hv1-101"]
    assert web1["ansible_connection"] == "openvz.vz.vzctl"
    assert web1["ansible_openvz_ctid"] == "101"
    assert web1["ansible_openvz_hypervisor"] == lab["hv1"].address
    assert web1["ansible_openvz_hypervisor_user"] == "root"
    assert web1["openvz_hypervisor"] == "hv1"
    assert web1["openvz_status"] == "running"
    assert web1["openvz_name"] == "web1"
    assert web1["openvz_hostname"] == "web1.example.com"
    assert web1["openvz_ip_addresses"] == ["192.0.2.11"]
    assert web1["openvz_ostemplate"] == TEMPLATE
    assert web1["openvz_container"]["ctid"] == "101"
    assert web1["openvz_container"]["layout"] == "simfs"
    assert hostvars["hv2-101"]["openvz_container"]["layout"] == "ploop"
    assert hostvars["hv3-201"]["openvz_container"]["description"] == 'say "hi"'
    assert web1["ctid_twice"] == 202 and web1["ansible_python_interpreter"] == "/usr/bin/python3"
    assert _members(data, "openvz_containers") == sorted(hostvars)
    assert _members(data, "openvz_hypervisor_hv1") == ["hv1-101", "hv1-102"]
    assert _members(data, "openvz_status_running") == ["hv1-101", "hv2-101"]
    assert _members(data, "openvz_status_stopped") == ["hv1-102", "hv3-201"]
    assert _members(data, "web") == ["hv1-101", "hv2-101"]
    assert _members(data, "on_hv3") == ["hv3-201"]
    assert _members(data, "ip_192_0_2_21") == ["hv2-101"]
    for hypervisor in lab.hypervisors:
        assert hypervisor.ssh_logins() == logins[hypervisor.name] + 1, hypervisor.name
        assert [c["tool"] for c in hypervisor.calls()] == ["vzlist"], hypervisor.name


def test_host_name_format_and_domain_xml(lab, env, tmp_path):
    source = _source(lab, tmp_path / "names.openvz.yml", host_name_format="{name}", domain_xml=True,
                     group_prefix="vz_")
    data, _stderr = _inventory(env, source)
    hostvars = data["_meta"]["hostvars"]
    # Containers without a name fall back to {hypervisor}-{ctid}.
    assert sorted(hostvars) == ["hv1-102", "hv3-201", "web1", "web2"]
    assert hostvars["web2"]["openvz_xml"].startswith("<domain type=\"openvz\" id=\"101\">")
    assert _members(data, "vz_status_running") == ["web1", "web2"]


def test_cache_hit_makes_no_second_ssh_call(lab, env, tmp_path):
    source = _source(lab, tmp_path / "cached.openvz.yml", cache=True, cache_plugin="ansible.builtin.jsonfile",
                     cache_connection=str(tmp_path / "cache"), cache_timeout=3600)
    first = _inventory(env, source)[0]
    logins = {h.name: h.ssh_logins() for h in lab.hypervisors}
    calls = {h.name: len(h.calls()) for h in lab.hypervisors}
    assert list((tmp_path / "cache").iterdir()), "nothing was cached"
    second = _inventory(env, source)[0]
    assert second == first
    assert {h.name: h.ssh_logins() for h in lab.hypervisors} == logins
    assert {h.name: len(h.calls()) for h in lab.hypervisors} == calls
    third = _inventory(env, source, "--flush-cache")[0]
    assert third == first
    assert all(h.ssh_logins() == logins[h.name] + 1 for h in lab.hypervisors)


def _with_unreachable(lab):
    return [{"name": h.name, "address": h.address, "user": "root"} for h in lab.hypervisors[:2]] + [
        {"name": "gone", "address": "10.213.0.99", "user": "root"}]


def test_unreachable_hypervisor_is_a_warning(lab, env, tmp_path):
    source = _source(lab, tmp_path / "gone.openvz.yml", hypervisors=_with_unreachable(lab), timeout=2,
                     cache=True, cache_plugin="ansible.builtin.jsonfile",
                     cache_connection=str(tmp_path / "cache"))
    data, stderr = _inventory(env, source)
    assert sorted(data["_meta"]["hostvars"]) == ["hv1-101", "hv1-102", "hv2-101"]
    assert "cannot list hypervisor gone (10.213.0.99): ssh to 10.213.0.99 failed" in " ".join(stderr.split())
    assert "Traceback" not in stderr
    # The failure is not cached: the next run asks that hypervisor (only) again.
    logins = {h.name: h.ssh_logins() for h in lab.hypervisors}
    _data, stderr = _inventory(env, source)
    assert "cannot list hypervisor gone" in " ".join(stderr.split())
    assert {h.name: h.ssh_logins() for h in lab.hypervisors} == logins


def test_unreachable_hypervisor_with_strict_is_an_error(lab, env, tmp_path):
    source = _source(lab, tmp_path / "strict.openvz.yml", hypervisors=_with_unreachable(lab), timeout=2,
                     strict=True)
    proc = env.run_inventory(source)
    output = " ".join((proc.stdout + proc.stderr).split())
    assert "cannot list hypervisor gone (10.213.0.99)" in output, output
    assert "Traceback" not in output
    assert json.loads(proc.stdout)["_meta"]["hostvars"] == {}


def test_local_hypervisor_and_the_connection(legacy_host, ansible_env, tmp_path):
    for argv in (["vzctl", "create", "101", "--ostemplate", TEMPLATE, "--hostname", "local.example.com"],
                 ["vzctl", "start", "101"], ["vzctl", "create", "102", "--ostemplate", TEMPLATE]):
        assert legacy_host.run(argv).returncode == 0
    source = tmp_path / "local.openvz.yml"
    source.write_text("plugin: openvz.vz.openvz\nhypervisors:\n  - name: here\n", encoding="utf-8")
    ansible_env.inventory = source
    legacy_host.clear_calls()
    result = ansible_env.run_adhoc("ansible.builtin.raw", "cat /etc/hostname", hosts="openvz_status_running")
    assert result.rc == 0, str(result)
    assert [t["host"] for t in result.tasks] == ["here-101"]
    assert result.tasks[0]["result"]["stdout"] == "local.example.com\n"
    tools = [(c["tool"], c["argv"][0]) for c in legacy_host.calls()]
    assert tools == [("vzlist", "-a"), ("vzctl", "exec2")], tools


UUID = "8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b"


def _local_inventory(ansible_env, source):
    """`ansible-inventory --list` on this machine (the host fixture's hypervisor)."""
    proc = subprocess.run([str(VENV_BIN / "ansible-inventory"), "-i", str(source), "--list"],
                          cwd=ansible_env.root, env=ansible_env.environ(ansible_env.root / "inventory.jsonl"),
                          capture_output=True, text=True, timeout=300, check=False, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return plain(json.loads(proc.stdout)), proc.stderr


def test_local_vz7_hypervisor_uuid_containers(vz7_host, ansible_env, tmp_path):
    """OpenVZ 7: containers whose IDs are UUIDs (vzctl's and prlctl's), named and not, become
    hosts named after their names, keyed by their UUIDs; the connection reaches them by UUID."""
    for argv in (["vzctl", "create", UUID, "--ostemplate", TEMPLATE, "--name", "web",
                  "--hostname", "web.example.com"],
                 ["vzctl", "start", UUID],
                 ["prlctl", "create", "MyCT", "--vmtype", "ct", "--ostemplate", TEMPLATE],
                 ["prlctl", "create", "101", "--vmtype", "ct", "--ostemplate", TEMPLATE]):
        proc = vz7_host.run(argv)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    prl = [r["uuid"] for r in json.loads(vz7_host.run(["prlctl", "list", "-a", "-j"]).stdout)
           if r["name"] == "MyCT"][0]
    source = tmp_path / "local.openvz.yml"
    source.write_text("plugin: openvz.vz.openvz\nhypervisors:\n  - name: here\n"
                      "host_name_format: '{name}'\n", encoding="utf-8")
    vz7_host.clear_calls()
    data, stderr = _local_inventory(ansible_env, source)
    hostvars = data["_meta"]["hostvars"]
    # the unnamed one (prlctl list shows "-") falls back to {hypervisor}-{ctid}
    assert sorted(hostvars) == ["MyCT", "here-101", "web"]
    assert "warning" not in stderr.lower(), stderr
    web, myct, unnamed = hostvars["web"], hostvars["MyCT"], hostvars["here-101"]
    assert (web["openvz_ctid"], web["ansible_openvz_ctid"], web["openvz_name"]) == (UUID, UUID, "web")
    assert (web["openvz_status"], web["openvz_container"]["uuid"]) == ("running", UUID)
    assert (myct["openvz_ctid"], myct["openvz_status"]) == (prl, "stopped")
    assert (unnamed["openvz_ctid"], unnamed["openvz_name"]) == ("101", None)
    assert _members(data, "openvz_status_running") == ["web"]
    assert [(c["tool"], c["argv"][0]) for c in vz7_host.calls()] == [("vzlist", "-a")]

    # the default names: hypervisor and UUID
    source.write_text("plugin: openvz.vz.openvz\nhypervisors:\n  - name: here\n", encoding="utf-8")
    data, _stderr = _local_inventory(ansible_env, source)
    assert sorted(data["_meta"]["hostvars"]) == sorted(["here-101", "here-" + UUID, "here-" + prl])

    ansible_env.inventory = source
    vz7_host.clear_calls()
    result = ansible_env.run_adhoc("ansible.builtin.raw", "cat /etc/hostname", hosts="openvz_status_running")
    assert result.rc == 0, str(result)
    assert [t["host"] for t in result.tasks] == ["here-" + UUID]
    assert result.tasks[0]["result"]["stdout"] == "web.example.com\n"
    assert [(c["tool"], c["argv"][:2]) for c in vz7_host.calls()] == [("vzlist", ["-a", "-j"]),
                                                                      ("vzctl", ["exec2", UUID])]
