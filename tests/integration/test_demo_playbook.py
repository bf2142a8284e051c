"""Smoke test: playbooks/demo.yml against an emulated host, run twice."""

import re

from harness.paths import REPO_ROOT

DEMO = REPO_ROOT / "playbooks" / "demo.yml"


def vzctl_argvs(calls, command):
    return [c["argv"] for c in calls if c["tool"] == "vzctl" and command in c["argv"][:2]]


def test_demo_creates_configures_and_is_rerun_safe(openvz_host, run_playbook):
    first = run_playbook(DEMO)
    assert first.rc == 0, str(first)
    assert first.stats["localhost"]["failures"] == 0

    web = openvz_host.conf_text(101)
    assert 'HOSTNAME="web101.example.test"' in web
    assert 'OSTEMPLATE="debian-12.0-x86_64-minimal"' in web
    assert re.search(r'IP_ADDRESS="[^"]*192\.0\.2\.101', web)
    assert re.search(r'NAMESERVER="[^"]*192\.0\.2\.53', web)
    assert 'CPUS="2"' in web
    db = openvz_host.conf_text(102)
    assert 'HOSTNAME="db102.example.test"' in db
    assert 'OSTEMPLATE="centos-7-x86_64"' in db
    assert re.search(r'IP_ADDRESS="[^"]*192\.0\.2\.102', db)
    assert 'ONBOOT="yes"' in db

    calls = openvz_host.calls()
    assert [a[a.index("create") + 1] for a in vzctl_argvs(calls, "create")] == ["101", "102"]
    assert [a[a.index("set") + 1] for a in vzctl_argvs(calls, "set")] == ["101", "102"]
    assert all("--save" in a for a in vzctl_argvs(calls, "set"))
    assert [a[a.index("start") + 1] for a in vzctl_argvs(calls, "start")] == ["101"]
    assert all(c["rc"] == 0 for c in calls), calls
    assert "running" in openvz_host.run(["vzctl", "status", "101"]).stdout.split()
    assert "running" not in openvz_host.run(["vzctl", "status", "102"]).stdout.split()

    before = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    second = run_playbook(DEMO)
    assert second.rc == 0, str(second)
    assert not second.changed_tasks, [t["name"] for t in second.changed_tasks]
    assert not openvz_host.mutating_calls()
    assert openvz_host.snapshot_files() == before
