"""openvz.vz.vzctl: real modules inside an emulated running container.

The container's root filesystem has a working Python (harness/pyrootfs.py),
so setup, copy, template, fetch and command run in it through `vzctl exec2`
on the hypervisor, which here is the test's own emulated host (the
controller is the hypervisor). The same plugin over SSH to separate
hypervisors is exercised in test_multihost.py.
"""
import json
import subprocess
import textwrap

import pytest

from harness.paths import CACHE_DIR, VENV_BIN
from harness.pyrootfs import TEMPLATE_NAME, build_templates_with_python

CTID = "101"
HOST_VARS = ("ansible_connection=openvz.vz.vzctl ansible_openvz_ctid=%s "
             "ansible_python_interpreter=/usr/bin/python3" % CTID)
# Exists only on the hypervisor (the emulated host's /etc/vz), never in the container.
HYPERVISOR_SECRET = "/etc/vz/hypervisor-secret"


@pytest.fixture(scope="session")
def openvz_templates():
    """The busybox templates plus one with a working Python."""
    return build_templates_with_python(CACHE_DIR)


@pytest.fixture
def container(legacy_host, ansible_env):
    """CT 101 from the Python template, running; inventory host `ct` reaches it."""
    for argv in (["vzctl", "create", CTID, "--ostemplate", TEMPLATE_NAME, "--hostname", "ct.example.com"],
                 ["vzctl", "start", CTID]):
        proc = legacy_host.run(argv)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    ansible_env.inventory.write_text("ct %s\n" % HOST_VARS, encoding="utf-8")
    with open(HYPERVISOR_SECRET, "w", encoding="utf-8") as handle:
        handle.write("hypervisor only\n")
    return legacy_host


def in_ct(host, command):
    proc = host.run(["vzctl", "exec2", CTID, command])
    return proc.returncode, proc.stdout


def _play(tasks, **play):
    return json.dumps([dict({"hosts": "ct", "gather_facts": False, "tasks": tasks}, **play)], indent=1)


def test_setup_gathers_facts_inside_the_container(container, run_adhoc):
    result = run_adhoc("ansible.builtin.setup", hosts="ct")
    assert result.rc == 0, str(result)
    facts = result.tasks[0]["result"]["ansible_facts"]
    assert facts["ansible_distribution"] == "Debian"
    assert facts["ansible_python"]["executable"] == "/usr/bin/python3"
    assert facts["ansible_user_id"] == "root"


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelining", "no-pipelining"])
def test_modules_copy_template_fetch_command_become(container, run_playbook, tmp_path, pipelining):
    template = tmp_path / "motd.j2"
    template.write_text("welcome to {{ inventory_hostname }} ({{ flavour }})\n",
                        encoding="utf-8")
    fetched = tmp_path / "fetched"
    result = run_playbook(_play([
        {"name": "copy", "ansible.builtin.copy": {"content": "it's \"quoted\" $HOME `id`\n",
                                                  "dest": "/root/copied", "mode": "0640"}},
        {"name": "template", "ansible.builtin.template": {"src": str(template), "dest": "/etc/motd",
                                                          "mode": "0644"}},
        {"name": "fetch", "ansible.builtin.fetch": {"src": "/etc/motd", "dest": str(fetched) + "/",
                                                    "flat": True}},
        {"name": "argv", "ansible.builtin.command": {
            "argv": ["printf", "%s|", "a b", "$HOME", "`id`", "'q'", '"dq"', "x;y"],
            "expand_argument_vars": False}},
        {"name": "become", "ansible.builtin.command": "id -u", "become": True,
         "become_method": "ansible.builtin.su", "become_user": "nobody",
         "become_flags": "-s /bin/sh"},
        {"name": "copy again", "ansible.builtin.copy": {"content": "it's \"quoted\" $HOME `id`\n",
                                                        "dest": "/root/copied", "mode": "0640"}},
    ], vars={"ansible_pipelining": pipelining, "flavour": "Debian"}))
    assert result.rc == 0, str(result)
    assert in_ct(container, "cat /root/copied") == (0, "it's \"quoted\" $HOME `id`\n")
    assert in_ct(container, "stat -c %a /root/copied") == (0, "640\n")
    assert in_ct(container, "cat /etc/motd") == (0, "welcome to ct (Debian)\n")
    assert (fetched / "motd").read_text(encoding="utf-8") == "welcome to ct (Debian)\n"
    assert result.task("argv", host="ct")["result"]["stdout"] == "a b|$HOME|`id`|'q'|\"dq\"|x;y|"
    assert result.task("become", host="ct")["result"]["stdout"] == "65534"
    assert result.task("copy", host="ct")["changed"]
    assert not result.task("copy again", host="ct")["changed"]
    exec_calls = [c for c in container.calls() if c["argv"][:1] == ["exec2"]]
    assert exec_calls and all(c["argv"][1] == CTID and len(c["argv"]) == 3 for c in exec_calls)


def test_symlink_planted_in_the_container_cannot_redirect_a_write(container, run_playbook):
    """Writes resolve inside the container's root: the hypervisor's files stay as they were."""
    with open("/etc/hostname", encoding="utf-8") as handle:
        hypervisor_hostname = handle.read()
    assert in_ct(container, "ln -s %s /tmp/escape && ln -s /etc/hostname /tmp/escape2"
                 % HYPERVISOR_SECRET)[0] == 0
    result = run_playbook(_play([
        {"name": "escape", "ansible.builtin.copy": {"content": "pwned\n", "dest": "/tmp/escape",
                                                    "follow": True}},
        {"name": "inside", "ansible.builtin.copy": {"content": "pwned\n", "dest": "/tmp/escape2",
                                                    "follow": True}},
    ]))
    assert result.rc == 0, str(result)
    with open(HYPERVISOR_SECRET, encoding="utf-8") as handle:
        assert handle.read() == "hypervisor only\n"
    with open("/etc/hostname", encoding="utf-8") as handle:
        assert handle.read() == hypervisor_hostname
    # The dangling link (its target exists only on the hypervisor) was replaced
    # inside the container; the other one led to the container's own file.
    assert in_ct(container, "test -L /tmp/escape || cat /tmp/escape") == (0, "pwned\n")
    assert in_ct(container, "test -e %s" % HYPERVISOR_SECRET)[0] == 1
    assert in_ct(container, "cat /etc/hostname") == (0, "pwned\n")


PUT_FILE = textwrap.dedent("""
    import sys
    from ansible.plugins.loader import connection_loader, init_plugin_loader
    init_plugin_loader([sys.argv[1]])
    from ansible.playbook.play_context import PlayContext
    conn = connection_loader.get("openvz.vz.vzctl", PlayContext())
    conn.set_options(direct={"remote_addr": sys.argv[2]})
    try:
        conn.put_file(sys.argv[3], sys.argv[4])
    except Exception as exc:
        print("refused: %s" % exc)
        sys.exit(3)
""")


def test_put_file_through_a_planted_symlink_is_refused(container, ansible_env, tmp_path):
    """put_file itself, on a symlink to a path only the hypervisor has."""
    assert in_ct(container, "ln -s %s /tmp/escape" % HYPERVISOR_SECRET)[0] == 0
    payload = tmp_path / "payload"
    payload.write_text("pwned\n", encoding="utf-8")
    proc = subprocess.run([str(VENV_BIN / "python"), "-c", PUT_FILE, str(ansible_env.collections_path),
                           CTID, str(payload), "/tmp/escape"],
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "failed to transfer" in proc.stdout and "/tmp/escape" in proc.stdout
    with open(HYPERVISOR_SECRET, encoding="utf-8") as handle:
        assert handle.read() == "hypervisor only\n"


def test_stopped_container_is_a_clear_error(container, run_adhoc):
    assert container.run(["vzctl", "stop", CTID]).returncode == 0
    result = run_adhoc("ansible.builtin.ping", hosts="ct")
    assert result.rc != 0
    task = result.tasks[0]
    assert task["status"] == "unreachable"
    assert "container 101 is not running on hypervisor localhost" in task["result"]["msg"]


def test_missing_container_is_a_clear_error(container, run_adhoc, ansible_env):
    ansible_env.inventory.write_text("ct %s\n" % HOST_VARS.replace("=101", "=999"), encoding="utf-8")
    result = run_adhoc("ansible.builtin.ping", hosts="ct")
    assert result.tasks[0]["status"] == "unreachable"
    assert "container 999 does not exist on hypervisor localhost" in result.tasks[0]["result"]["msg"]


@pytest.mark.parametrize("ctid", ["--help", "101 102", "-1", "\u0661\u0660\u0661", "101\n", "", "a/../b"])
def test_a_ctid_that_is_no_id_or_name_is_refused_before_vzctl_runs(container, run_adhoc, ansible_env, ctid):
    ansible_env.inventory.write_text("ct %s\n" % HOST_VARS.replace("ansible_openvz_ctid=101", ""),
                                     encoding="utf-8")
    host_vars = ansible_env.inventory.parent / "host_vars"
    host_vars.mkdir(exist_ok=True)
    (host_vars / "ct.yml").write_text(json.dumps({"ansible_openvz_ctid": ctid}), encoding="utf-8")
    container.clear_calls()
    result = run_adhoc("ansible.builtin.ping", hosts="ct")
    assert result.tasks[0]["status"] == "unreachable", str(result)
    assert "is not a container ID" in result.tasks[0]["result"]["msg"]
    assert not [call for call in container.calls() if call["argv"][:1] == ["exec2"]]
