"""Role openvz.vz.containers against the emulated host, through real ansible-playbook runs.

Check mode predicts exactly the calls of the first run and changes nothing;
the first run converges the list (defaults merged, a vaulted root password,
an `absent` item, an item found by name); the second changes nothing.
Exclusive mode lists what it would remove, refuses running containers unless
told, and removes only what it listed. Bad variables are refused before
anything runs.
"""
import json

import pytest
from ansible.constants import DEFAULT_VAULT_ID_MATCH
from ansible.parsing.vault import VaultLib, VaultSecret

PREFIX = "openvz.vz.containers : "
DEBIAN = "debian-12.0-x86_64-minimal"
PASSWORD = "Vaulted-Sup3r-secret"
VAULT_PASSWORD = "role-test-vault-password"


def _play(role_vars, vars_files=(), tasks=None):
    play = {"name": "containers role", "hosts": "localhost", "gather_facts": False,
            "vars_files": list(vars_files)}
    if tasks is None:
        play["roles"] = [{"role": "openvz.vz.containers", "vars": role_vars}]
    else:
        play["tasks"] = tasks
    return json.dumps([play], indent=1)


def _vault_files(tmp_path):
    """A vars file holding the password as a !vault value, and the vault password file."""
    vault = VaultLib([(DEFAULT_VAULT_ID_MATCH, VaultSecret(VAULT_PASSWORD.encode()))])
    cipher = vault.encrypt(PASSWORD).decode()
    secrets = tmp_path / "secrets.yml"
    secrets.write_text("vault_web1_root_password: !vault |\n" + "".join(
        "  %s\n" % line for line in cipher.splitlines()), encoding="utf-8")
    password_file = tmp_path / "vault-password"
    password_file.write_text(VAULT_PASSWORD + "\n", encoding="utf-8")
    return secrets, ["--vault-password-file", str(password_file)]


def _outcome(result):
    """ctid -> commands, from the role's openvz_containers_result."""
    facts = result.task(PREFIX + "Record what the role did")["result"]["ansible_facts"]
    return {entry["ctid"]: entry["commands"] for entry in facts["openvz_containers_result"]}, facts


def _create(host, ctid, name=None, start=False):
    assert host.run(["vzctl", "create", ctid, "--ostemplate", DEBIAN]).returncode == 0
    if name:
        assert host.run(["vzctl", "set", ctid, "--name", name, "--save"]).returncode == 0
    if start:
        assert host.run(["vzctl", "start", ctid]).returncode == 0


CONVERGE = {
    "openvz_containers_defaults": {
        "ostemplate": DEBIAN,
        "nameservers": ["192.0.2.53"],
        "state": "started",
    },
    "openvz_containers": [
        {"ctid": 101, "name": "web1", "hostname": "web1.example.test", "ip_addresses": ["192.0.2.101"],
         "memory": "512M", "root_password": "{{ vault_web1_root_password }}"},
        {"ctid": "102", "name": "db1", "ostemplate": "centos-7-x86_64", "diskspace": "10G:11G",
         "state": "stopped"},
        {"ctid": 103, "state": "absent"},
        {"name": "legacy1", "memory": "384M", "state": "stopped"},
    ],
}


def test_check_mode_predicts_first_run_converges_second_changes_nothing(
        openvz_host, run_playbook, tmp_path):
    _create(openvz_host, "103")
    _create(openvz_host, "105", name="legacy1")
    openvz_host.clear_calls()
    secrets, vault_args = _vault_files(tmp_path)
    play = _play(CONVERGE, vars_files=[str(secrets)])
    before = openvz_host.snapshot_files()

    predicted = run_playbook(play, check=True, diff=True, extra_args=vault_args)
    assert predicted.rc == 0, str(predicted)
    assert openvz_host.snapshot_files() == before
    assert not openvz_host.mutating_calls()
    predicted_commands, _facts = _outcome(predicted)

    first = run_playbook(play, diff=True, extra_args=vault_args)
    assert first.rc == 0, str(first)
    commands, facts = _outcome(first)
    assert commands == predicted_commands
    assert set(commands) == {"101", "102", "103", "105"}
    assert commands["103"][-1] == ["vzctl", "destroy", "103"]
    assert ["vzctl", "exec2", "101", "chpasswd"] in commands["101"]
    assert facts["openvz_containers_removed"] == []
    # Containers converge side by side, each one's calls in order; exec2
    # (chpasswd) is not among the host's mutating calls.
    ran = [[c["tool"]] + c["argv"] for c in openvz_host.mutating_calls()]
    for ctid, planned in commands.items():
        assert [argv for argv in ran if argv[2] == ctid] == [argv for argv in planned if argv[1] != "exec2"]
    assert len(ran) == sum(len([a for a in planned if a[1] != "exec2"]) for planned in commands.values())
    # The whole hypervisor was read with one vzlist call per run (check mode, then this one).
    assert len([c for c in openvz_host.calls() if c["tool"] == "vzlist"]) == 2

    web = openvz_host.conf_text(101)
    # libvzctl writes each address with a trailing space, keeps the EZ
    # template sign '.' in OSTEMPLATE, and stores PHYSPAGES as limit:limit
    # (docs/openvz-tools.md, OpenVZ 7).
    vz7 = openvz_host.flavour == "vz7"
    ez = "." if vz7 else ""

    def pages(limit):
        return 'PHYSPAGES="%s:%d"' % (limit if vz7 else 0, limit)

    for line in ('NAME="web1"', 'HOSTNAME="web1.example.test"',
                 'IP_ADDRESS="192.0.2.101%s"' % (" " if vz7 else ""),
                 'NAMESERVER="192.0.2.53"', pages(131072), 'OSTEMPLATE="%s%s"' % (ez, DEBIAN)):
        assert line in web.splitlines(), line
    db = openvz_host.conf_text(102)
    # OpenVZ 7 sizes the ploop image to the hard limit and stores hard:hard.
    diskspace = {"legacy": 'DISKSPACE="10485760:11534336"', "vz7": 'DISKSPACE="11534336:11534336"'}
    assert 'OSTEMPLATE="%scentos-7-x86_64"' % ez in db.splitlines() and diskspace[openvz_host.flavour] in db
    assert pages(98304) in openvz_host.conf_text(105).splitlines()
    assert not openvz_host.conf_path(103).exists()
    status = {ctid: openvz_host.run(["vzctl", "status", ctid]).stdout.split()
              for ctid in ("101", "102", "105")}
    assert "running" in status["101"] and "running" not in status["102"] + status["105"]

    shadow = openvz_host.run(["vzctl", "exec2", "101", "cat", "/etc/shadow"]).stdout
    assert [ln for ln in shadow.splitlines() if ln.startswith("root:")][0].split(":")[1].startswith("$6$")
    for run in (predicted, first):
        assert PASSWORD not in run.stdout + run.stderr
        assert PASSWORD not in json.dumps(run.tasks)
    assert PASSWORD not in json.dumps(openvz_host.calls())

    converged = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    second = run_playbook(play, diff=True, extra_args=vault_args)
    assert second.rc == 0, str(second)
    assert second.stats["localhost"]["changed"] == 0, [t["name"] for t in second.changed_tasks]
    assert not openvz_host.mutating_calls()
    assert openvz_host.snapshot_files() == converged


EXCLUSIVE = {
    "openvz_containers_defaults": {"ostemplate": DEBIAN},
    "openvz_containers": [
        {"ctid": 101, "name": "web1", "state": "started"},
        {"name": "byname"},          # declares the container of that name (150)
        {"ctid": 160, "state": "absent"},
    ],
    "openvz_containers_exclusive": True,
    "openvz_containers_exclusive_keep": ["keepme"],
}


def _include(role_vars, name):
    return {"name": name, "ansible.builtin.include_role": {"name": "openvz.vz.containers"},
            "vars": role_vars}


def test_exclusive_mode_lists_refuses_running_and_removes_only_what_it_listed(openvz_host, run_playbook):
    _create(openvz_host, "150", name="byname")
    _create(openvz_host, "201", name="stale")
    _create(openvz_host, "202", name="busy", start=True)
    _create(openvz_host, "203", name="keepme")
    openvz_host.clear_calls()
    before = openvz_host.snapshot_files()

    # Check mode, in one run: without remove_running the role refuses (202
    # runs); with it, it predicts removing exactly 201 and 202.
    predicted = run_playbook(_play(None, tasks=[
        {"name": "refused", "block": [_include(EXCLUSIVE, "cautious")],
         "rescue": [{"name": "what refused", "ansible.builtin.debug": {"msg": "{{ ansible_failed_result.msg }}"}}]},
        _include(dict(EXCLUSIVE, openvz_containers_exclusive_remove_running=True), "told"),
    ]), check=True)
    assert predicted.rc == 0, str(predicted)
    assert openvz_host.snapshot_files() == before
    assert not openvz_host.mutating_calls()
    shown = [t["result"]["msg"] for t in predicted.tasks if t["name"] == PREFIX + "Show what exclusive mode removes"]
    assert shown == ["openvz_containers_exclusive removes 2 container(s) that openvz_containers does not "
                     "declare: 201 (stale), stopped; 202 (busy), running"]
    refusal = predicted.task("what refused")["result"]["msg"]
    assert refusal.startswith("exclusive: not removing anything")
    assert "202 busy (running), which is not stopped" in refusal and "exclusive_remove_running" in refusal
    runs = [t for t in predicted.tasks if t["name"] == PREFIX + "Converge the containers"]
    assert [t["failed"] for t in runs] == [True, False]   # the cautious run changed nothing
    predicted_removal = {r["ctid"]: r["commands"] for r in runs[1]["result"]["removed"]}
    assert sorted(predicted_removal) == ["201", "202"]

    told = _play(dict(EXCLUSIVE, openvz_containers_exclusive_remove_running=True))
    real = run_playbook(told)
    assert real.rc == 0, str(real)
    removal = real.task(PREFIX + "Converge the containers")["result"]["removed"]
    assert {r["ctid"]: r["commands"] for r in removal} == predicted_removal
    _commands, facts = _outcome(real)
    assert sorted(facts["openvz_containers_removed"]) == ["201", "202"]
    touched = {c["argv"][1] for c in openvz_host.mutating_calls()}
    assert touched == {"101", "201", "202"}
    for ctid in ("150", "203"):
        assert openvz_host.conf_path(ctid).exists()
    for ctid in ("201", "202"):
        assert not openvz_host.conf_path(ctid).exists()

    openvz_host.clear_calls()
    again = run_playbook(told)
    assert again.rc == 0, str(again)
    assert again.stats["localhost"]["changed"] == 0
    assert again.task(PREFIX + "Show what exclusive mode removes")["result"]["msg"] == \
        "openvz_containers_exclusive: nothing to remove"
    assert not openvz_host.mutating_calls()


BAD_VARIABLES = [
    ({"openvz_containers": [{"ctid": 101, "memroy": "1G"}]}, "memroy"),
    ({"openvz_containers": [{"ctid": 101, "state": "running"}]}, "got: running found in openvz_containers"),
    ({"openvz_containers": [{"ctid": 101, "cpus": "many"}]}, "cpus (item 1)"),
    ({"openvz_containers": [{"ctid": 101}, {"ctid": 102, "cpuunits": "\u0661\u0660\u0660\u0660"}]},
     "cpuunits (item 2)"),
    ({"openvz_containers": [{"ctid": "\u0661\u0660\u0661"}]}, "ctid (item 1)"),
    ({"openvz_containers": {"ctid": 101}}, "openvz_containers"),
    ({"openvz_containers_defaults": {"ctid": 101}}, "ctid"),
    ({"openvz_containers_exclusive": "maybe"}, "openvz_containers_exclusive"),
    ({"openvz_containers": [{"hostname": "x.example.test"}]}, "needs ctid, name or xml"),
    ({"openvz_containers": [{"ctid": 101}, {"ctid": "101", "state": "absent"}]},
     "CTIDs declared more than once: 101"),
    ({"openvz_containers": [{"xml": "<domain type='openvz'/>"}], "openvz_containers_exclusive": True},
     "an item with xml needs ctid or name"),
]


def test_bad_variables_are_refused_with_a_clear_message(run_playbook):
    """No host: every case fails before the role runs anything on it."""
    tasks = []
    for index, (role_vars, _needle) in enumerate(BAD_VARIABLES):
        tasks.append({"name": "case %d" % index, "block": [
            _include(role_vars, "apply %d" % index),
            {"name": "not refused %d" % index, "ansible.builtin.fail": {"msg": "accepted"}},
        ], "rescue": [
            {"name": "refused %d" % index, "ansible.builtin.debug": {"msg": "{{ ansible_failed_result.msg }}"}},
        ]})
    result = run_playbook(_play(None, tasks=tasks))
    assert result.rc == 0, str(result)
    for index, (_vars, needle) in enumerate(BAD_VARIABLES):
        msg = result.task("refused %d" % index)["result"]["msg"]
        assert needle in msg, (index, msg)
        assert msg.startswith(("Validation of arguments failed", "openvz.vz.containers:")), msg
    assert not [t for t in result.tasks if t["action"].startswith("openvz.vz.container")]


@pytest.mark.flavour("vz7")
def test_a_container_from_domain_xml_with_the_defaults_that_are_not_settings(openvz_host, run_playbook):
    made = run_playbook(_play({"openvz_containers": [
        {"ctid": 101, "hostname": "x.example.test", "memory": "1G", "ostemplate": DEBIAN}]}))
    assert made.rc == 0, str(made)
    xml = made.task(PREFIX + "Converge the containers")["result"]["containers"][0]["xml"]
    openvz_host.run(["vzctl", "destroy", "101"])
    openvz_host.clear_calls()
    # ostemplate/nameservers (settings) must not reach an xml item; state does.
    again = run_playbook(_play({
        "openvz_containers_defaults": {"ostemplate": DEBIAN, "nameservers": ["192.0.2.53"], "state": "started"},
        "openvz_containers": [{"ctid": 101, "xml": xml}]}))
    assert again.rc == 0, str(again)
    conf = openvz_host.conf_text(101)
    assert 'HOSTNAME="x.example.test"' in conf and "NAMESERVER" not in conf
    assert "running" in openvz_host.run(["vzctl", "status", "101"]).stdout.split()


def test_the_openvz_7_tuning_settings_reach_the_module_and_a_re_run_changes_nothing(vz7_host, run_playbook):
    item = {"ctid": 101, "ostemplate": DEBIAN, "cpumask": "0-1", "memguarantee": 30, "autostop": "stop",
            "bindmounts": [{"src": "/srv/data", "dst": "/mnt/data", "options": ["nodev"]}],
            "netifs": [{"ifname": "eth0", "network": "Bridged", "gateway": "192.0.2.1",
                        "ip_addresses": ["192.0.2.40/24"]}]}
    first = run_playbook(_play({"openvz_containers": [item]}))
    assert first.rc == 0, str(first)
    conf = vz7_host.conf_text(101)
    for line in ('CPUMASK="0-1"', 'MEMGUARANTEE="30"', 'AUTOSTOP="stop"', 'BINDMOUNT="/srv/data:/mnt/data,nodev "',
                 ",network=Bridged,gw=192.0.2.1,configure=all,ip=192.0.2.40/255.255.255.0,"):
        assert line in conf, line
    vz7_host.clear_calls()
    again = run_playbook(_play({"openvz_containers": [item]}))
    assert again.rc == 0, str(again)
    assert _outcome(again)[0] == {"101": []}
    assert vz7_host.mutating_calls() == []
