"""playbooks/provision.yml with the example inventory, against the emulated host.

The example inventory (playbooks/inventory) is copied as it is, except that
hv1.example.com becomes this machine (localhost, and a local hypervisor in the
openvz.vz.openvz source), hv2 is left out, and vault.yml is encrypted as the
example tells users to. Check mode changes nothing; the first run provisions,
and the refreshed inventory reaches the new running containers through the
vzctl connection; the second run changes nothing.
"""
import shutil

import yaml
from ansible.constants import DEFAULT_VAULT_ID_MATCH
from ansible.parsing.vault import VaultLib, VaultSecret

from harness.paths import REPO_ROOT, VENV_BIN

PLAYBOOK = REPO_ROOT / "playbooks" / "provision.yml"
EXAMPLE = REPO_ROOT / "playbooks" / "inventory"
VAULT_PASSWORD = "provision-test-vault"


def _inventory(tmp_path):
    """The example inventory made to point at this machine; returns extra ansible-playbook args."""
    inventory = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, inventory)
    hosts = yaml.safe_load((inventory / "hosts.yml").read_text(encoding="utf-8"))
    assert set(hosts["openvz_hypervisors"]["hosts"]) == {"hv1.example.com", "hv2.example.com"}
    hosts["openvz_hypervisors"] = {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": str(VENV_BIN / "python")}}}
    (inventory / "hosts.yml").write_text(yaml.safe_dump(hosts), encoding="utf-8")
    (inventory / "host_vars" / "hv1.example.com").rename(inventory / "host_vars" / "localhost")
    (inventory / "host_vars" / "hv2.example.com.yml").unlink()

    source = yaml.safe_load((inventory / "containers.openvz.yml").read_text(encoding="utf-8"))
    assert [hv["name"] for hv in source["hypervisors"]] == ["hv1", "hv2"]
    source["hypervisors"] = [{"name": "hv1"}]       # no address: this machine
    (inventory / "containers.openvz.yml").write_text(yaml.safe_dump(source), encoding="utf-8")

    vault_file = inventory / "host_vars" / "localhost" / "vault.yml"
    vault = VaultLib([(DEFAULT_VAULT_ID_MATCH, VaultSecret(VAULT_PASSWORD.encode()))])
    vault_file.write_bytes(vault.encrypt(vault_file.read_text(encoding="utf-8")))
    password_file = tmp_path / "vault-password"
    password_file.write_text(VAULT_PASSWORD + "\n", encoding="utf-8")
    return ["-i", str(inventory), "--vault-password-file", str(password_file)]


def test_provision_checks_converges_reaches_containers_and_reruns_unchanged(openvz_host, run_playbook,
                                                                            tmp_path):
    args = _inventory(tmp_path)
    before = openvz_host.snapshot_files()
    predicted = run_playbook(PLAYBOOK, check=True, extra_args=args)
    assert predicted.rc == 0, str(predicted)
    assert openvz_host.snapshot_files() == before
    assert not openvz_host.mutating_calls()

    first = run_playbook(PLAYBOOK, extra_args=args)
    assert first.rc == 0, str(first)
    web1 = openvz_host.conf_text(101).splitlines()
    # OpenVZ 7's stored forms: a trailing space after each address, the EZ
    # template sign '.' in OSTEMPLATE, PHYSPAGES/SWAPPAGES as limit:limit.
    vz7 = openvz_host.flavour == "vz7"

    def pages(key, limit):
        return '%s="%s:%d"' % (key, limit if vz7 else 0, limit)

    for line in ('NAME="web1"', 'HOSTNAME="web1.example.com"',
                 'IP_ADDRESS="192.0.2.101%s"' % (" " if vz7 else ""),
                 'NAMESERVER="192.0.2.53"', 'SEARCHDOMAIN="example.com"', 'ONBOOT="yes"',
                 pages("PHYSPAGES", 131072)):
        assert line in web1, line
    assert 'CPUS="2"' in openvz_host.conf_text(102)
    db1 = openvz_host.conf_text(110).splitlines()
    # OpenVZ 7 sizes the ploop image to the hard limit and stores hard:hard.
    diskspace = {"legacy": 'DISKSPACE="20971520:23068672"', "vz7": 'DISKSPACE="23068672:23068672"'}
    for line in ('OSTEMPLATE="%scentos-7-x86_64"' % ("." if vz7 else ""), pages("PHYSPAGES", 524288),
                 pages("SWAPPAGES", 262144), diskspace[openvz_host.flavour]):
        assert line in db1, line
    vz_conf = open("/etc/vz/vz.conf", encoding="utf-8").read().splitlines()
    assert 'DEF_OSTEMPLATE="debian-12.0-x86_64-minimal"' in vz_conf
    assert 'NAMESERVER="inherit"' in vz_conf

    reached = [t for t in first.tasks if t["name"] == "Read each container's host name from inside it"]
    assert sorted(t["host"] for t in reached) == ["hv1-101", "hv1-102", "hv1-110"]
    assert all(t["status"] == "ok" for t in reached)

    converged = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    second = run_playbook(PLAYBOOK, extra_args=args)
    assert second.rc == 0, str(second)
    assert all(stats["changed"] == 0 for stats in second.stats.values()), second.stats
    assert not openvz_host.mutating_calls()
    assert openvz_host.snapshot_files() == converged
