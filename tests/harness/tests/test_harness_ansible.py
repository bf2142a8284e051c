"""The Ansible runners report what really happened in the real commands."""

import pytest

PLAYBOOK = """
- name: Harness self-test
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Say hello
      ansible.builtin.debug:
        msg: "hello {{ who | default('world') }}"
    - name: Run a command
      ansible.builtin.command:
        argv: [echo, ran]
      changed_when: true
    - name: Read only
      ansible.builtin.command:
        argv: ["true"]
      changed_when: false
    - name: Tolerated failure
      ansible.builtin.command:
        argv: ["false"]
      ignore_errors: true
      changed_when: false
"""

FAILING = """
- name: Failing play
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Fail here
      ansible.builtin.fail:
        msg: boom
    - name: Never reached
      ansible.builtin.debug:
        msg: unreachable
"""


def test_playbook_results_per_task(run_playbook):
    result = run_playbook(PLAYBOOK, extra_vars={"who": "harness"})
    assert result.rc == 0, str(result)
    assert result.task("Say hello")["result"]["msg"] == "hello harness"
    assert result.task("Run a command")["changed"]
    assert result.task("Run a command")["result"]["stdout"] == "ran"
    assert not result.task("Read only")["changed"]
    tolerated = result.task("Tolerated failure")
    assert tolerated["failed"] and tolerated["status"] == "ignored"
    assert [t["name"] for t in result.changed_tasks] == ["Run a command"]
    assert result.stats["localhost"]["changed"] == 1
    assert result.stats["localhost"]["failures"] == 0
    assert "PLAY RECAP" in result.stdout


def test_failed_playbook(run_playbook):
    result = run_playbook(FAILING)
    assert result.rc == 2
    assert [t["name"] for t in result.failed_tasks] == ["Fail here"]
    assert result.task("Fail here")["result"]["msg"] == "boom"
    assert "Never reached" not in [t["name"] for t in result.tasks]
    assert result.stats["localhost"]["failures"] == 1


def test_check_mode_reaches_modules(run_playbook):
    result = run_playbook(PLAYBOOK, check=True)
    assert result.rc == 0, str(result)
    # command skips in check mode unless it declares check support.
    assert result.task("Run a command")["skipped"]


def test_adhoc(run_adhoc):
    result = run_adhoc("ansible.builtin.command", {"argv": ["echo", "adhoc"]})
    assert result.rc == 0, str(result)
    assert result.tasks[-1]["result"]["stdout"] == "adhoc"
    assert result.tasks[-1]["changed"]


def test_playbook_from_a_path(ansible_env, tmp_path):
    path = tmp_path / "play.yml"
    path.write_text(FAILING, encoding="utf-8")
    assert ansible_env.run_playbook(path).rc == 2
    with pytest.raises(FileNotFoundError):
        ansible_env.run_playbook(tmp_path / "missing.yml")


def test_the_collection_is_on_the_path(ansible_env):
    link = ansible_env.collections_path / "ansible_collections" / "openvz" / "vz"
    assert (link / "galaxy.yml").is_file()


@pytest.mark.flavour("legacy")
def test_modules_see_the_emulator_on_path(openvz_host, run_adhoc):
    result = run_adhoc("ansible.builtin.command", {"argv": ["sh", "-c", "echo $PATH"]})
    assert result.rc == 0, str(result)
    assert result.tasks[-1]["result"]["stdout"].startswith(openvz_host.env["PATH"].split(":")[0])


@pytest.mark.parametrize("prefer_pytest_ansible", [True, False])
def test_module_runner(ansible_env, prefer_pytest_ansible):
    from harness.module_runner import ModuleRunner  # pylint: disable=import-outside-toplevel

    runner = ModuleRunner(ansible_env, prefer_pytest_ansible=prefer_pytest_ansible)
    result = runner("ansible.builtin.command", argv=["echo", runner.backend])
    assert result["stdout"] == runner.backend
    assert not result.get("failed")
