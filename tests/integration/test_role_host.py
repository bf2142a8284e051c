"""Role openvz.vz.host against the emulated host, through real ansible-playbook runs.

Check mode predicts and changes nothing, the first run converges vz.conf and
the template caches, the second changes nothing; missing tools, a Python
without lxml and an unreadable vz.conf are named in one clear failure; bad
variables are refused by the argument specs (or the role's own checks) before
anything runs.
"""
import io
import json
import os
import tarfile

import pytest

from harness.paths import EMULATOR_BIN

VZ_CONF = "/etc/vz/vz.conf"
CACHE = "/vz/template/cache"
COPIED = "tiny-1.0-x86_64"

# variable, value, the line vz.conf has afterwards
SETTINGS = [
    ("openvz_host_default_ostemplate", "debian-12.0-x86_64-minimal",
     'DEF_OSTEMPLATE="debian-12.0-x86_64-minimal"'),
    ("openvz_host_ipv6", False, 'IPV6="no"'),
    ("openvz_host_default_config", "basic", 'CONFIGFILE="basic"'),
    ("openvz_host_default_nameservers", ["192.0.2.53", "192.0.2.54"],
     'NAMESERVER="192.0.2.53 192.0.2.54"'),
    ("openvz_host_default_layout", "simfs", 'VE_LAYOUT="simfs"'),
]


def _tiny_template(path):
    with tarfile.open(str(path), "w:gz") as tar:
        data = b"tiny\n"
        info = tarfile.TarInfo("./etc/marker")
        info.size = len(data)
        info.mtime = 1700000000
        tar.addfile(info, io.BytesIO(data))
    return path


def _play(role_vars, role="openvz.vz.host"):
    return json.dumps([{"name": "host role", "hosts": "localhost", "gather_facts": False,
                        "roles": [{"role": role, "vars": role_vars}]}], indent=1)


def _role_tasks(result, name):
    return [t for t in result.tasks if t["name"] == "openvz.vz.host : " + name]


def _lines(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read().splitlines()


def test_check_mode_predicts_first_run_converges_second_changes_nothing(
        openvz_host, run_playbook, tmp_path):
    role_vars = {name: value for name, value, _line in SETTINGS}
    # Already VE_PRIVATE=/vz/private/$VEID, unquoted, on both flavours: no rewrite.
    role_vars["openvz_host_ve_private"] = "/vz/private/$VEID"
    role_vars["openvz_host_vz_conf_settings"] = {"VZFASTBOOT": False, "VE0CPUUNITS": 2000}
    tiny = _tiny_template(tmp_path / "tiny.tar.gz")
    if openvz_host.flavour == "vz7":
        # EZ templates: the tiny one is in the host's repositories, installed and cached by vzpkg
        openvz_host.publish_ez_template(COPIED, tiny, "1.0-1")
        copied = {"name": COPIED, "cache": "present"}
        cache_files = [COPIED + ".plain.ploopv2.tar.gz", "debian-12.0-x86_64-minimal.plain.ploopv2.tar.gz"]
    else:
        copied = {"name": COPIED, "src": str(tiny)}
        cache_files = [COPIED + ".tar.gz", "debian-12.0-x86_64-minimal.tar.gz"]
    role_vars["openvz_host_templates"] = [
        copied,
        {"name": "centos-7-x86_64", "state": "absent"},
        {"name": "debian-12.0-x86_64-minimal"},
    ]
    play = _play(role_vars)
    before_lines = _lines(VZ_CONF)
    before = openvz_host.snapshot_files()

    predicted = run_playbook(play, check=True, diff=True)
    assert predicted.rc == 0, str(predicted)
    assert openvz_host.snapshot_files() == before
    assert not openvz_host.mutating_calls()
    [settings] = _role_tasks(predicted, "Set vz.conf settings")
    predicted_keys = [r["item"]["key"] for r in settings["result"]["results"] if r["changed"]]
    assert "VE_PRIVATE" not in predicted_keys
    assert all(r["diff"] for r in settings["result"]["results"] if r["changed"])
    [templates] = _role_tasks(predicted, "Ensure the OS template caches")
    assert [r["changed"] for r in templates["result"]["results"]] == [True, True, False]

    first = run_playbook(play, diff=True)
    assert first.rc == 0, str(first)
    [settings] = _role_tasks(first, "Set vz.conf settings")
    assert [r["item"]["key"] for r in settings["result"]["results"] if r["changed"]] == predicted_keys
    after_lines = _lines(VZ_CONF)
    for _name, _value, line in SETTINGS:
        if line == 'VE_LAYOUT="simfs"' and openvz_host.flavour == "legacy":
            line = "VE_LAYOUT=simfs"            # already so: left alone
            assert "VE_LAYOUT" not in predicted_keys
        assert line in after_lines
    assert "VE_PRIVATE=/vz/private/$VEID" in after_lines
    assert 'VE0CPUUNITS="2000"' in after_lines
    if openvz_host.flavour == "legacy":
        assert "VZFASTBOOT=no" in after_lines     # already so: left alone
        assert "VZFASTBOOT" not in predicted_keys
    else:
        assert 'VZFASTBOOT="no"' in after_lines   # appended
    # Lines of other keys, comments and blank lines are as they were.
    managed = {"DEF_OSTEMPLATE", "IPV6", "CONFIGFILE", "NAMESERVER", "VE_LAYOUT", "VE0CPUUNITS", "VZFASTBOOT"}
    assert [ln for ln in after_lines if ln.split("=")[0] not in managed] == \
        [ln for ln in before_lines if ln.split("=")[0] not in managed]
    cached = sorted(os.listdir(CACHE))
    assert cached == sorted(cache_files)
    facts = first.task("openvz.vz.host : Record the vzctl version")["result"]["ansible_facts"]
    assert facts["openvz_host_vzctl_version"].startswith("vzctl ")
    # The tools are only probed: nothing but template work touched the host.
    assert [c["tool"] for c in openvz_host.mutating_calls()] == (
        ["vzpkg"] * 3 if openvz_host.flavour == "vz7" else [])

    converged = openvz_host.snapshot_files()
    second = run_playbook(play, diff=True)
    assert second.rc == 0, str(second)
    assert second.stats["localhost"]["changed"] == 0, [t["name"] for t in second.changed_tasks]
    assert openvz_host.snapshot_files() == converged
    assert _lines(VZ_CONF) == after_lines


@pytest.mark.flavour("legacy")
def test_missing_tools_python_and_vz_conf_are_named_before_anything_changes(
        openvz_host, run_playbook, tmp_path, monkeypatch):
    # A PATH with vzctl only; a Python without lxml; a vz.conf that is not there.
    only_vzctl = tmp_path / "bin"
    only_vzctl.mkdir()
    (only_vzctl / "vzctl").symlink_to(EMULATOR_BIN / "vzctl")
    monkeypatch.setenv("PATH", os.pathsep.join([str(only_vzctl), "/usr/bin", "/bin"]))
    before = openvz_host.snapshot_files()
    result = run_playbook(_play({
        "openvz_host_vz_conf_path": "/etc/vz/missing.conf",
        "openvz_host_default_ostemplate": "debian-12.0-x86_64-minimal",
        "openvz_host_templates": [{"name": "debian-12.0-x86_64-minimal", "download": True}],
    }), extra_vars={"ansible_python_interpreter": "/usr/bin/python3"})
    assert result.rc != 0, str(result)
    failed = result.task("openvz.vz.host : Say what is missing on the hypervisor")
    msg = failed["result"]["msg"]
    assert "localhost is not ready for openvz.vz" in msg
    assert "vzlist: `vzlist -L` not found on the PATH" in msg
    assert "vztmpl-dl: `vztmpl-dl --config` not found on the PATH" in msg
    assert "vzctl:" not in msg
    assert "lxml" in msg and "/usr/bin/python3" in msg
    assert "/etc/vz/missing.conf cannot be read" in msg
    assert not _role_tasks(result, "Set vz.conf settings")
    assert openvz_host.snapshot_files() == before


BAD_VARIABLES = [
    ({"openvz_host_default_layout": "zfs"}, "openvz_host_default_layout"),
    ({"openvz_host_ipv6": "perhaps"}, "openvz_host_ipv6"),
    ({"openvz_host_templates": [{"name": "x", "sorce": "/tmp/x.tar.gz"}]}, "sorce"),
    ({"openvz_host_templates": [{"src": "/tmp/x.tar.gz"}]}, "name"),
    ({"openvz_host_required_tools": ["vzctl", "vzps"]}, "openvz_host_required_tools"),
    ({"openvz_host_vz_conf_settings": {"ve_root": "/x"}}, "vz.conf keys must be capitals"),
    ({"openvz_host_default_ostemplate": 'a"b'}, "DEF_OSTEMPLATE"),
    ({"openvz_host_vz_conf_settings": {"DESCRIPTION": "a\nVE_ROOT=/"}}, "line breaks or other control characters: DESCRIPTION"),
    # vz.conf is sourced by shell scripts: command substitution is code.
    ({"openvz_host_vz_conf_settings": {"DUMPDIR": "/vz/dump$(touch /tmp/x)"}}, "DUMPDIR"),
    ({"openvz_host_ve_private": "/vz/private/${VEID}x"}, "VE_PRIVATE"),
    ({"openvz_host_vz_conf_settings": {"LOGFILE": "/var/log/vzctl.log\u0001"}}, "LOGFILE"),
    ({"openvz_host_vz_conf_settings": {"VZ_TOOLS\n": "x"}}, "vz.conf keys must be capitals"),
]


def test_bad_variables_are_refused_with_a_clear_message(run_playbook):
    """No host: every case fails before the role runs anything on it."""
    tasks = []
    for index, (role_vars, _needle) in enumerate(BAD_VARIABLES):
        tasks.append({"name": "case %d" % index, "block": [
            {"name": "apply %d" % index, "ansible.builtin.include_role": {"name": "openvz.vz.host"},
             "vars": role_vars},
            {"name": "not refused %d" % index, "ansible.builtin.fail": {"msg": "accepted"}},
        ], "rescue": [
            {"name": "refused %d" % index, "ansible.builtin.debug": {"msg": "{{ ansible_failed_result.msg }}"}},
        ]})
    result = run_playbook(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1))
    assert result.rc == 0, str(result)
    for index, (_vars, needle) in enumerate(BAD_VARIABLES):
        msg = result.task("refused %d" % index)["result"]["msg"]
        assert needle in msg, (index, msg)
        assert msg.startswith(("Validation of arguments failed", "openvz.vz.host:")), msg
    probes = [t for t in result.tasks if t["name"] == "openvz.vz.host : Probe the OpenVZ tools"]
    assert not probes
