"""openvz.vz.vzctl under the connection test suites ansible-core and community.general share.

Both projects test a connection plugin alike: the plugin's target writes an
inventory of two hosts in a group named after it, `<group>-pipelining`
(`ansible_pipelining=true`) and `<group>-no-pipelining`, and runs the
shared `connection/test.sh` (ansible-core test/integration/targets/
connection_local/runme.sh, connection_ssh/posix.sh, community.general
tests/integration/targets/connection_posix/test.sh) with
`-e target_hosts=<group> -e action_prefix= -e local_tmp=... -e remote_tmp=...`.
test.sh runs test_connection.yml, checks that `ansible all -m set_fact -v`
shows no connection variable (ansible/ansible#70853), then
test_reset_connection.yml and test_reset_connection_templated.yml.
`connection_suite/` holds those playbooks written anew to the same steps;
`_test_sh` below is test.sh. The two hosts are two containers here, so the
call log tells which container ran which way.

Both hypervisor transports: `local` (the controller is the emulated legacy
hypervisor) and `ssh` (an emulated OpenVZ 7 hypervisor in its own network
namespace behind a real sshd, harness/multihost.py). The containers have
this machine's real sudo (harness/sudoroot.py) for `become_method: sudo`.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

from harness import sudoroot
from harness.multihost import lab_fixture, netns_inode, pids_in_netns
from harness.paths import CACHE_DIR, VENV_BIN
from harness.pyrootfs import TEMPLATE_NAME, build_templates_with_python

SUITE = Path(__file__).parent / "connection_suite"
GROUP = "vzctl"
HOSTS = {"vzctl-pipelining": ("101", True), "vzctl-no-pipelining": ("102", False)}
# As in the peers' inventories, a connection variable test.sh's set_fact -v
# must not show: ansible_host (one of the variables naming the container).
CTID_VARS = {"vzctl-pipelining": "ansible_host", "vzctl-no-pipelining": "ansible_openvz_ctid"}
NO_RESET = "Reset is not implemented"
TRANSPORTS = ["local", "ssh"]

openvz_lab = lab_fixture(flavours=("vz7",))


@pytest.fixture(scope="session")
def openvz_templates():
    """The busybox templates plus one with a working Python (for the local hypervisor)."""
    return build_templates_with_python(CACHE_DIR)


@pytest.fixture(scope="session")
def sudo_tarballs(tmp_path_factory):
    """requiretty (bool) -> a tarball of sudo to unpack into a container's root."""
    reason = sudoroot.unavailable_reason()
    if reason:
        # make sets MAKELEVEL for what its recipes run; .ci/run runs `make test` with CI=true.
        if os.environ.get("CI") or os.environ.get("MAKELEVEL"):
            pytest.fail(reason)
        pytest.skip(reason)
    directory = tmp_path_factory.mktemp("sudo-root")
    return {tty: str(sudoroot.write_tarball(directory / ("sudo-requiretty-%s.tar" % tty), requiretty=tty))
            for tty in (False, True)}


def _containers(run, tarball):
    for ctid, _pipelining in HOSTS.values():
        for argv in (["vzctl", "create", ctid, "--ostemplate", TEMPLATE_NAME, "--hostname", "ct%s" % ctid],
                     ["vzctl", "start", ctid], ["tar", "-C", "/vz/root/%s" % ctid, "-xpf", tarball]):
            proc = run(argv)
            assert proc.returncode == 0, (argv, proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def lab_cts(openvz_lab, sudo_tarballs):
    _containers(openvz_lab["hv1"].run, sudo_tarballs[False])
    return openvz_lab


class Target:
    """Two containers on a hypervisor reached one way, and an Ansible setup for them."""

    def __init__(self, transport, env, hypervisor_vars, run, calls, clear_calls, lab=None):
        self.transport = transport
        self.env = env
        self.run = run
        self.calls = calls
        self.clear_calls = clear_calls
        self.lab = lab
        self.hypervisor_vars = hypervisor_vars
        self.write_inventory()

    def write_inventory(self, pipelining=None):
        """The peers' two hosts; `pipelining` set: both hosts that way."""
        lines = ["[%s]" % GROUP]
        lines += ["%s %s=%s ansible_pipelining=%s" % (
            host, CTID_VARS[host], ctid, str(on if pipelining is None else pipelining).lower())
            for host, (ctid, on) in HOSTS.items()]
        lines.append("[%s:vars]" % GROUP)
        lines += ["%s=%s" % item for item in self.hypervisor_vars.items()]
        self.env.inventory.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def exec_commands(self, ctid):
        return [c["argv"][2] for c in self.calls() if c["argv"][:2] == ["exec2", ctid]]

    def logins(self):
        return self.lab["hv1"].ssh_logins() if self.lab else 0

    def masters(self):
        """Pids of the ssh control masters alive on the controller side.

        The plugin starts its masters as `ssh ... -N -f HOST`; one that ssh
        itself put in the background is titled `ssh: PATH [mux]`.
        """
        if not self.lab:
            return []
        pids = []
        for pid in pids_in_netns(netns_inode(self.lab.ctl_netns)):
            try:
                with open("/proc/%d/cmdline" % pid, "rb") as handle:
                    argv = handle.read().split(b"\0")
            except OSError:
                continue
            if argv[0].startswith(b"ssh: ") and b"[mux]" in argv[0] \
                    or os.path.basename(argv[0]) == b"ssh" and b"-N" in argv:
                pids.append(pid)
        return pids

    def master_check(self):
        """`ssh -O check` on every control socket: (socket name, its exit code)."""
        sockets = sorted(p for p in self.lab.control_path_dir.iterdir() if not p.name.endswith(".lock"))
        return [(p.name, subprocess.run(["ssh", "-o", "ControlPath=%s" % p, "-O", "check", "lab"], capture_output=True,
                                        check=False, timeout=30).returncode) for p in sockets]

    def ansible(self, *args, timeout=300):
        return self.env._run([str(VENV_BIN / "ansible"), "-i", str(self.env.inventory)] + list(args), timeout)

    def playbook(self, name, *args):
        return self.env.run_playbook(SUITE / name, extra_args=list(args))


COMMON_VARS = {"ansible_connection": "openvz.vz.vzctl", "ansible_python_interpreter": "/usr/bin/python3"}


@pytest.fixture(params=TRANSPORTS)
def target(request, tmp_path, sudo_tarballs):
    if request.param == "local":
        host = request.getfixturevalue("legacy_host")
        _containers(host.run, sudo_tarballs[False])
        yield Target("local", request.getfixturevalue("ansible_env"), COMMON_VARS, host.run, host.calls,
                     host.clear_calls)
        return
    lab = request.getfixturevalue("lab_cts")
    hypervisor = lab["hv1"]
    variables = dict(COMMON_VARS, ansible_openvz_hypervisor=hypervisor.address, ansible_openvz_hypervisor_user="root",
                     ansible_ssh_private_key_file=str(lab.key),
                     ansible_ssh_common_args="'-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'")
    target = Target("ssh", lab.ansible_env(tmp_path / "ansible"), variables, hypervisor.run, hypervisor.calls,
                    hypervisor.clear_calls, lab=lab)
    _stop_masters(target)
    yield target
    _stop_masters(target)


def _stop_masters(target):
    """No master carried over from another test (their counts are per test)."""
    for sock in target.lab.control_path_dir.iterdir():
        if not sock.name.endswith(".lock"):
            subprocess.run(["ssh", "-o", "ControlPath=%s" % sock, "-O", "exit", "lab"], capture_output=True,
                           check=False, timeout=30)


def _test_sh(target, tmp_path):
    """ansible-core's test/integration/targets/connection/test.sh, as connection_*/ targets run it."""
    extra = ["-e", "target_hosts=%s" % GROUP, "-e", "action_prefix=", "-e", "local_tmp=%s" % (tmp_path / "ansible-local"),
             "-e", "remote_tmp=/tmp/ansible-remote"]
    results = {"test_connection": target.playbook("test_connection.yml", *extra)}
    results["set_fact"] = target.ansible("all", "-m", "set_fact", "-a", "testing=value", "-v")
    results["test_reset_connection"] = target.playbook("test_reset_connection.yml", *extra)
    results["test_reset_connection_templated"] = target.playbook("test_reset_connection_templated.yml", *extra)
    return results


def test_shared_connection_suites_pipelining_on_and_off(target, tmp_path):
    target.clear_calls()
    logins = target.logins()
    results = _test_sh(target, tmp_path)
    for name, result in results.items():
        assert result.rc == 0, "%s\n%s" % (name, result)
        assert NO_RESET not in result.stdout + result.stderr, "%s\n%s" % (name, result)
    suite = results["test_connection"]
    for host in HOSTS:
        assert suite.stats[host]["failures"] == 0 and suite.stats[host]["unreachable"] == 0, suite.stats
        assert suite.task("Wait for the connection (resets it between tries)", host=host)["status"] == "ok"
        assert suite.task("The same bytes all the way", host=host)["status"] == "ok"
    assert "ansible_host" not in results["set_fact"].stdout
    assert results["set_fact"].stdout.count("testing") == len(HOSTS)
    # Pipelining on: modules go to python3 on standard input, nothing is
    # written into a temporary directory. Off: AnsiballZ files are put there.
    piped, unpiped = (target.exec_commands(HOSTS[host][0]) for host in HOSTS)
    assert piped and not [c for c in piped if "AnsiballZ" in c]
    assert [c for c in unpiped if c.startswith("cat > ") and "AnsiballZ_" in c]
    if target.transport == "ssh":
        # One login for the first container's tasks; each wait_for_connection
        # reset stops the master, so its ping (and the next host) logs in anew.
        assert target.logins() - logins == 1 + len(HOSTS)
        # The reset playbooks left no master: the first stopped the one
        # wait_for_connection's ping had started, the second found none.
        assert target.masters() == [] and target.master_check() == []


SUDO_PLAY = json.dumps([{"hosts": GROUP, "gather_facts": False, "tasks": [
    {"name": "id", "ansible.builtin.command": "id -u", "become": True, "become_method": "ansible.builtin.sudo",
     "become_user": "nobody"},
    {"name": "copy", "ansible.builtin.copy": {"content": "by sudo\n", "dest": "/tmp/by-sudo", "mode": "0644"},
     "become": True, "become_method": "ansible.builtin.sudo", "become_user": "nobody"},
]}], indent=1)


def _sudo_commands(commands):
    # ansible.builtin.sudo: `sudo -H -S -n  -u nobody /bin/sh -c '...'` (no prompt: two spaces).
    return [c for c in commands if "sudo -H -S -n  -u nobody /bin/sh -c " in c]


def test_become_sudo_pipelining_on_and_off(target):
    target.clear_calls()
    result = target.env.run_playbook(SUDO_PLAY)
    assert result.rc == 0, str(result)
    for host, (ctid, pipelining) in HOSTS.items():
        assert result.task("id", host=host)["result"]["stdout"] == "65534"
        owner = target.run(["vzctl", "exec2", ctid, "stat -c %u:%s /tmp/by-sudo; cat /tmp/by-sudo"])
        assert owner.stdout == "65534:8\nby sudo\n", owner.stdout + owner.stderr
        commands = target.exec_commands(ctid)
        sudo = _sudo_commands(commands)
        if pipelining:
            # Each module (command; copy's stat, then copy): one exec2, sudo's
            # python3 reading the module on standard input.
            assert len(sudo) == 3 and all(c.endswith(" ; /usr/bin/python3'\"'\"' && sleep 0'") for c in sudo), sudo
            assert not [c for c in commands if "AnsiballZ" in c], commands
        else:
            assert [c for c in commands if c.startswith("cat > ") and "AnsiballZ_" in c], commands
            assert len(sudo) >= 2 and all("AnsiballZ_" in c for c in sudo), sudo


def test_sudo_requiretty_refuses_alike_with_and_without_pipelining(legacy_host, ansible_env, sudo_tarballs):
    """vzctl exec2 never gives a terminal: requiretty refuses sudo whether modules are piped or not."""
    _containers(legacy_host.run, sudo_tarballs[True])
    Target("local", ansible_env, COMMON_VARS, legacy_host.run, legacy_host.calls, legacy_host.clear_calls)
    result = ansible_env.run_playbook(SUDO_PLAY)
    assert result.rc != 0
    for host, (ctid, _pipelining) in HOSTS.items():
        task = result.task("id", host=host)
        assert task["status"] == "failed"
        assert "sorry, you must have a tty to run sudo" in json.dumps(task["result"]), str(result)
        assert _sudo_commands([c["argv"][2] for c in legacy_host.calls() if c["argv"][:2] == ["exec2", ctid]])


def test_reset_connection_stops_the_master_and_the_next_task_logs_in_anew(target):
    play = json.dumps([{"hosts": GROUP, "gather_facts": False, "tasks": [
        {"name": "before", "ansible.builtin.ping": {}},
        {"name": "reset", "ansible.builtin.meta": "reset_connection"},
        {"name": "after", "ansible.builtin.ping": {}},
    ]}], indent=1)
    logins = target.logins()
    result = target.env.run_playbook(play, extra_args=["--forks", "2"])
    assert result.rc == 0, str(result)
    assert NO_RESET not in result.stdout + result.stderr
    for host in HOSTS:
        assert result.task("after", host=host)["result"]["ping"] == "pong"
    if target.transport == "ssh":
        # One master before the reset (both containers, two forks), one after.
        assert target.logins() - logins == 2
        assert len(target.masters()) == 1 and [rc for _name, rc in target.master_check()] == [0]


@pytest.mark.parametrize("target", ["ssh"], indirect=True)
def test_one_control_connection_for_a_whole_play(target):
    play = json.dumps([{"hosts": GROUP, "gather_facts": False, "tasks": [
        {"name": "ping", "ansible.builtin.ping": {}},
        {"name": "copy", "ansible.builtin.copy": {"content": "x\n", "dest": "/tmp/x", "mode": "0644"}},
        {"name": "fetch", "ansible.builtin.fetch": {"src": "/tmp/x", "dest": str(target.env.root / "f")}},
    ]}], indent=1)
    logins = target.logins()
    result = target.env.run_playbook(play, extra_args=["--forks", "2"])
    assert result.rc == 0, str(result)
    assert target.logins() - logins == 1
    assert len(target.masters()) == 1 and [rc for _name, rc in target.master_check()] == [0]
