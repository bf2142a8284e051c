"""Smoke test: playbooks/demo.yml against an emulated host, run twice."""

from harness.paths import REPO_ROOT

DEMO = REPO_ROOT / "playbooks" / "demo.yml"


def test_demo_creates_changes_and_is_rerun_safe(openvz_host, run_playbook):
    first = run_playbook(DEMO)
    assert first.rc == 0, str(first)
    assert first.stats["localhost"]["failures"] == 0

    # As each vzctl stores them: vzctl 7 writes barrier = limit, trailing spaces,
    # no bridge (a virtual network), and hard:hard disk limits (the ploop image).
    vz7 = openvz_host.flavour == "vz7"
    web = openvz_host.conf_text(101)
    for line in ('NAME="web1"', 'HOSTNAME="web1.example.test"',
                 'IP_ADDRESS="192.0.2.101 "' if vz7 else 'IP_ADDRESS="192.0.2.101"',
                 'NAMESERVER="192.0.2.53"',
                 'PHYSPAGES="131072:131072"' if vz7 else 'PHYSPAGES="0:131072"',
                 'SWAPPAGES="262144:262144"' if vz7 else 'SWAPPAGES="0:262144"',
                 'CPUS="2"', 'ONBOOT="yes"',
                 # vzctl 7 marks an EZ template with a leading dot.
                 'OSTEMPLATE="%sdebian-12.0-x86_64-minimal"' % ("." if vz7 else "")):
        assert line in web
    db = openvz_host.conf_text(102)
    # OpenVZ 7 sizes the ploop image to the hard limit and stores hard:hard.
    diskspace = {"legacy": 'DISKSPACE="10485760:11534336"', "vz7": 'DISKSPACE="11534336:11534336"'}
    for line in ('NAME="db1"', 'PHYSPAGES="524288:524288"' if vz7 else 'PHYSPAGES="0:524288"',
                 diskspace[openvz_host.flavour],
                 'IP_ADDRESS="192.0.2.102 2001:db8::102 "' if vz7 else 'IP_ADDRESS="192.0.2.102 2001:db8::102"',
                 'OSTEMPLATE="%scentos-7-x86_64"' % ("." if vz7 else "")):
        assert line in db
    edge = openvz_host.conf_text(103)
    if vz7:
        assert ",network=Bridged" in edge and 'FEATURES="nfs:on "' in edge
    else:
        assert 'NETIF="ifname=eth0,bridge=vmbr0,' in edge and 'FEATURES="nfs:on"' in edge

    assert "running" in openvz_host.run(["vzctl", "status", "101"]).stdout.split()
    assert "running" not in openvz_host.run(["vzctl", "status", "102"]).stdout.split()
    assert first.task("Give db1 more memory (only this setting changes)")["result"]["commands"] == [
        ["vzctl", "set", "102", "--ram", "2G", "--save"]]
    assert first.task("Check that the re-run changed nothing")["status"] == "ok"
    # The preview predicted exactly that call, showed it as a diff, and ran nothing.
    preview = first.task("Preview giving db1 more memory (check mode and diff, nothing changes yet)")["result"]
    assert preview["commands"] == [["vzctl", "set", "102", "--ram", "2G", "--save"]]
    assert "2097152" in preview["diff"]["after"] and "2097152" not in preview["diff"]["before"]

    before = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    second = run_playbook(DEMO)
    assert second.rc == 0, str(second)
    changed = [t["name"] for t in second.changed_tasks]
    # db1's memory goes back to 1G and then to 2G again: the demo's one change
    # (the preview before it reports the change it would make).
    assert changed == ["Converge the containers",
                       "Preview giving db1 more memory (check mode and diff, nothing changes yet)",
                       "Give db1 more memory (only this setting changes)"]
    assert [c["argv"] for c in openvz_host.mutating_calls()] == [
        ["set", "102", "--ram", "1G", "--save"], ["set", "102", "--ram", "2G", "--save"]]
    assert openvz_host.snapshot_files() == before
