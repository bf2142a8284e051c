"""The openvz inventory plugin never lets container data be templated (issue #10, item 9).

Whoever can write a container's config (a container admin through a provider
panel, a task) plants Jinja in its HOSTNAME, DESCRIPTION, OSTEMPLATE, NAME or
IP_ADDRESS. Each payload would touch a canary file on the controller if it
were ever templated; the tests list the containers with ``compose``,
``keyed_groups`` and ``groups`` over those fields (and again from the
inventory cache), print them in a playbook, and check that no canary exists
and every value reads back as written.

They run under every ansible-core the collection supports the ends of: the
project's own (.venv, 2.19) and the oldest that meta/runtime.yml claims
(.venv-core216, 2.16.x, built by `make venv-core216`, a prerequisite of
`make pytest`). 2.16-2.18 template any string that is not marked unsafe;
2.19 only strings trusted as templates.
"""
import json
import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from harness.ansible_runner import plain
from harness.paths import REPO_ROOT, VENV_BIN

TEMPLATE = "debian-12.0-x86_64-minimal"

# ansible-core minor version -> the venv bin that has it.
CORE_VENVS = {"2.19": VENV_BIN, "2.16": REPO_ROOT / ".venv-core216" / "bin"}

SAFE_HOST = re.compile(r"^[A-Za-z0-9_.][A-Za-z0-9_.-]*$")
SAFE_GROUP = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@lru_cache(maxsize=None)
def _core_version(bin_dir):
    proc = subprocess.run([str(bin_dir / "python"), "-c", "import ansible.release as r; print(r.__version__)"],
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


@pytest.fixture(params=sorted(CORE_VENVS), ids=lambda v: "core" + v)
def core(request):
    """(minor version, bin dir) of one ansible-core venv; missing: a failure under make/CI."""
    minor, bin_dir = request.param, CORE_VENVS[request.param]
    version = _core_version(bin_dir) if (bin_dir / "ansible-inventory").exists() else None
    if version is None:
        message = "no ansible-core %s venv at %s: run `make venv-core216`" % (minor, bin_dir.parent)
        # make sets MAKELEVEL for what its recipes run; .ci/run runs `make test` with CI=true.
        if os.environ.get("CI") or os.environ.get("MAKELEVEL"):
            pytest.fail(message)
        pytest.skip(message)
    assert version.startswith(minor + "."), "%s has ansible-core %s, not %s.x" % (bin_dir, version, minor)
    return minor, bin_dir


# A callback that works on 2.16 and 2.19 alike (the harness's needs 2.19):
# one JSON line per task result.
CALLBACK = '''
from __future__ import annotations
import json, os
from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: probe_jsonl
type: aggregate
short_description: task results as JSON lines
description: [test only]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "probe_jsonl"
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, result, status):
        data = result.result if hasattr(type(result), "result") else result._result
        host = result.host if hasattr(type(result), "host") else result._host
        task = result.task if hasattr(type(result), "task") else result._task
        with open(os.environ["PROBE_RESULTS"], "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"host": host.get_name(), "task": task.get_name(), "status": status,
                                     "result": dict(data)}, default=str) + "\\n")

    def v2_runner_on_ok(self, result):
        self._write(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._write(result, "unreachable")
'''


class Runner:
    """ansible-inventory and ansible-playbook of one core venv, the collection on their path."""

    def __init__(self, bin_dir, root):
        self.bin_dir = bin_dir
        self.root = Path(root)
        link = self.root / "collections" / "ansible_collections" / "openvz" / "vz"
        link.parent.mkdir(parents=True)
        link.symlink_to(REPO_ROOT, target_is_directory=True)
        (self.root / "callbacks").mkdir()
        (self.root / "callbacks" / "probe_jsonl.py").write_text(CALLBACK, encoding="utf-8")
        (self.root / "tmp").mkdir()
        self.results = self.root / "results.jsonl"

    def environ(self):
        env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(self.root / "collections"),
            "ANSIBLE_CALLBACK_PLUGINS": str(self.root / "callbacks"),
            "ANSIBLE_CALLBACKS_ENABLED": "probe_jsonl",
            "ANSIBLE_LOCAL_TEMP": str(self.root / "tmp"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_PYTHON_INTERPRETER": str(self.bin_dir / "python"),
            "PROBE_RESULTS": str(self.results),
        })
        return env

    def run(self, tool, *args):
        return subprocess.run([str(self.bin_dir / tool)] + [str(a) for a in args], cwd=self.root,
                              env=self.environ(), capture_output=True, text=True, timeout=600,
                              stdin=subprocess.DEVNULL, check=False)

    def inventory(self, source, *args):
        proc = self.run("ansible-inventory", "-i", source, "--list", *args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr, proc.stderr
        return plain(json.loads(proc.stdout)), proc.stderr

    def playbook(self, source, text):
        playbook = self.root / "play.yml"
        playbook.write_text(text, encoding="utf-8")
        if self.results.exists():
            self.results.unlink()
        proc = self.run("ansible-playbook", "-i", source, playbook)
        records = []
        if self.results.exists():
            records = [json.loads(line) for line in self.results.read_text(encoding="utf-8").splitlines()]
        return proc, records


def _lookup(canary):
    return "{{ lookup('pipe', 'touch %s') }}" % canary


def _planted(canaries):
    """CTID -> {config key: value}: templates that touch a file in ``canaries`` if run."""
    def touch(tag):
        return canaries / tag
    return {
        "101": {"HOSTNAME": _lookup(touch("hostname"))},
        "102": {"DESCRIPTION": "{%% set x = lookup('pipe', 'touch %s') %%}{{ x }}" % touch("description")},
        "103": {"OSTEMPLATE": _lookup(touch("ostemplate"))},
        "104": {"NAME": _lookup(touch("name"))},
        "105": {"NAME": "bad name[1:2]", "DESCRIPTION": "{{ 7*7 }}"},
        "106": {"NAME": "{{ 7*7 }}",
                "HOSTNAME": "{%% for i in range(1) %%}%s{%% endfor %%}" % _lookup(touch("hostname-for"))},
        # IP_ADDRESS is a list of words: a payload without spaces.
        "107": {"NAME": "-leading", "DESCRIPTION": "{# c #}%s" % _lookup(touch("description-comment")),
                "IP_ADDRESS": "{{lookup('pipe',('touch%%c%s')|format(32))}}" % touch("ip")},
    }


def _set_conf(path, values):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.split("=", 1)[0] not in values]
    lines += ['%s="%s"' % (key, value) for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def planted(legacy_host, tmp_path):
    """(CTID -> planted values, canary dir) on the emulated host; CT 101 runs."""
    canaries = tmp_path / "canaries"
    canaries.mkdir()
    planted = _planted(canaries)
    for ctid, values in planted.items():
        proc = legacy_host.run(["vzctl", "create", ctid, "--ostemplate", TEMPLATE])
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if ctid == "101":
            proc = legacy_host.run(["vzctl", "start", ctid])
            assert proc.returncode == 0, proc.stdout + proc.stderr
        # Straight into the config, as a panel or a hand edit would: vzctl set
        # is not asked (and cannot refuse).
        _set_conf(Path("/etc/vz/conf/%s.conf" % ctid), values)
    return planted, canaries


def _no_canary(canaries):
    ran = sorted(p.name for p in canaries.iterdir())
    assert not ran, "planted templates ran: %s" % ", ".join(ran)


def _source(path, **options):
    config = {"plugin": "openvz.vz.openvz", "hypervisors": [{"name": "here"}], "strict": True,
              "leading_separator": False}
    config.update(options)
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


COMPOSE = {
    "desc": "openvz_container.description",
    "host_copy": "openvz_hostname",
    "template_copy": "openvz_ostemplate",
    "name_copy": "openvz_name",
    "ips_copy": "openvz_ip_addresses",
    "xml_copy": "openvz_xml",
    "joined": "[openvz_name, openvz_hostname, openvz_container.description] | map('string') | join('|')",
}
KEYED_GROUPS = [
    {"key": "openvz_ostemplate", "prefix": "tmpl"},
    {"key": "openvz_hostname | default('none', true)", "prefix": "hn"},
    {"key": "openvz_name | default('none', true)", "prefix": "nm"},
    {"key": "openvz_container.description | default('none', true)", "prefix": "desc"},
    {"key": "openvz_ip_addresses", "prefix": "ip"},
    # No prefix and no leading separator: the bare status.
    {"key": "openvz_status"},
]
GROUPS = {
    "braces": "'{' in ((openvz_container.description or '') ~ (openvz_hostname or '') ~ (openvz_name or '')"
              " ~ openvz_ostemplate)",
    # (no braces in here: 2.19 would template them, the source being trusted)
    "seven": "(openvz_container.description or '') is search('^.. 7[*]7 ..$')",
}


def _check_listing(data, planted):
    hostvars = data["_meta"]["hostvars"]
    assert sorted(hostvars) == ["here-%s" % ctid for ctid in sorted(planted)]
    for ctid, values in planted.items():
        host = hostvars["here-%s" % ctid]
        container = host["openvz_container"]
        for key, value in values.items():
            field = {"IP_ADDRESS": "ip_addresses"}.get(key, key.lower())
            expected = [value] if key == "IP_ADDRESS" else value
            assert container[field] == expected, (ctid, key)
            if key != "DESCRIPTION":
                assert host["openvz_" + field] == expected, (ctid, key)
            # The domain XML holds the text as it is (no payload has a character XML escapes).
            if key in ("DESCRIPTION", "HOSTNAME", "NAME"):
                assert value in host["openvz_xml"], (ctid, key)
        # (2.16 composes None as "")
        assert (host["desc"] or None) == container["description"]
        assert (host["host_copy"] or None) == container["hostname"]
        assert host["template_copy"] == container["ostemplate"]
        assert (host["name_copy"] or None) == container["name"]
        assert host["ips_copy"] == container["ip_addresses"]
        assert host["xml_copy"] == host["openvz_xml"]
        assert host["joined"] == "|".join(str(v) for v in (container["name"], container["hostname"],
                                                           container["description"]))
    groups = [name for name in data if name != "_meta"]
    odd = [name for name in groups if not SAFE_GROUP.match(name)]
    assert not odd, odd
    assert sorted(data["braces"]["hosts"]) == sorted(hostvars)
    assert data["seven"]["hosts"] == ["here-105"]
    # Keyed groups from planted values exist, made into valid names.
    assert data["nm_bad_name_1_2_"]["hosts"] == ["here-105"]
    assert data["desc____7_7___"]["hosts"] == ["here-105"]
    assert data["running"]["hosts"] == ["here-101"]


def test_planted_templates_are_never_run_by_the_inventory(core, planted, tmp_path):
    _minor, bin_dir = core
    planted, canaries = planted
    runner = Runner(bin_dir, tmp_path / "ansible")
    source = _source(tmp_path / "planted.openvz.yml", domain_xml=True, compose=COMPOSE, keyed_groups=KEYED_GROUPS,
                     groups=GROUPS, cache=True, cache_plugin="ansible.builtin.jsonfile",
                     cache_connection=str(tmp_path / "cache"), cache_timeout=3600)
    listed, _stderr = runner.inventory(source)
    _no_canary(canaries)
    _check_listing(listed, planted)
    # Again from the cache: what the jsonfile cache reads back is as untrusted.
    assert list((tmp_path / "cache").iterdir()), "nothing was cached"
    cached, _stderr = runner.inventory(source)
    _no_canary(canaries)
    assert cached == listed
    # The host names and --host output as well.
    proc = runner.run("ansible-inventory", "-i", source, "--host", "here-104")
    assert proc.returncode == 0, proc.stderr
    assert plain(json.loads(proc.stdout))["openvz_name"] == planted["104"]["NAME"]
    _no_canary(canaries)


PLAY = """\
- hosts: openvz_containers
  gather_facts: false
  tasks:
    - name: var
      ansible.builtin.debug:
        var: openvz_container
    - name: hostname
      ansible.builtin.debug:
        msg: "{{ openvz_hostname }}"
    - name: description
      ansible.builtin.debug:
        msg: "{{ openvz_container.description }}"
    - name: hostvars
      ansible.builtin.debug:
        msg: "{{ hostvars[inventory_hostname]['openvz_ostemplate'] }}"
    - name: composed
      ansible.builtin.debug:
        var: desc
    - name: name
      ansible.builtin.debug:
        msg: "{{ inventory_hostname }} {{ openvz_name }}"
    - name: groups
      ansible.builtin.debug:
        msg: "{{ group_names }}"
    - name: ips
      ansible.builtin.debug:
        msg: "{{ openvz_ip_addresses }}"
    - name: xml
      ansible.builtin.debug:
        var: openvz_xml
"""


def test_planted_templates_are_never_run_by_a_playbook(core, planted, tmp_path):
    _minor, bin_dir = core
    planted, canaries = planted
    runner = Runner(bin_dir, tmp_path / "ansible")
    source = _source(tmp_path / "planted.openvz.yml", domain_xml=True, compose=COMPOSE, keyed_groups=KEYED_GROUPS,
                     groups=GROUPS)
    proc, records = runner.playbook(source, PLAY)
    _no_canary(canaries)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {r["status"] for r in records} == {"ok"}, records
    results = {(r["host"], r["task"]): r["result"] for r in records}
    assert len(results) == 9 * len(planted)
    for ctid, values in planted.items():
        host = "here-%s" % ctid
        container = results[(host, "var")]["openvz_container"]
        for key, value in values.items():
            field = {"IP_ADDRESS": "ip_addresses"}.get(key, key.lower())
            assert container[field] == ([value] if key == "IP_ADDRESS" else value), (ctid, key)
            shown = {"HOSTNAME": results[(host, "hostname")]["msg"],
                     "DESCRIPTION": results[(host, "description")]["msg"],
                     "OSTEMPLATE": results[(host, "hostvars")]["msg"],
                     "NAME": results[(host, "name")]["msg"].split(" ", 1)[1],
                     "IP_ADDRESS": results[(host, "ips")]["msg"]}[key]
            assert shown == ([value] if key == "IP_ADDRESS" else value), (ctid, key)
            if key == "DESCRIPTION":
                assert results[(host, "composed")]["desc"] == value
            if key in ("DESCRIPTION", "HOSTNAME", "NAME"):
                assert value in results[(host, "xml")]["openvz_xml"], (ctid, key)
        assert results[(host, "name")]["msg"].split(" ", 1)[0] == host
        assert all(SAFE_GROUP.match(g) for g in results[(host, "groups")]["msg"])
    assert results[("here-105", "description")]["msg"] == "{{ 7*7 }}"


def test_the_connection_takes_the_unsafe_values(core, legacy_host, tmp_path):
    """The plugin's hosts (their variables made unsafe where they hold braces) work through
    the vzctl connection on each core."""
    _minor, bin_dir = core
    for argv in (["vzctl", "create", "101", "--ostemplate", TEMPLATE, "--hostname", "ct.example.com"],
                 ["vzctl", "start", "101"]):
        assert legacy_host.run(argv).returncode == 0
    _set_conf(Path("/etc/vz/conf/101.conf"), {"DESCRIPTION": "{{ 7*7 }}"})
    runner = Runner(bin_dir, tmp_path / "ansible")
    source = _source(tmp_path / "conn.openvz.yml")
    proc = runner.run("ansible", "-i", source, "openvz_status_running", "-m", "ansible.builtin.raw",
                      "-a", "cat /etc/hostname")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ct.example.com" in proc.stdout


def test_host_names_are_safe_whatever_the_fields_hold(core, legacy_host, tmp_path):
    _minor, bin_dir = core
    names = {"101": "bad name[1:2]", "102": "{{ 7*7 }}", "103": "-leading", "104": "a,b:c#d'e\"f$g{h}",
             "105": "caf\u00e9\u202e", "106": "good.name-1", "107": "bad_name_1_2_"}
    for ctid, name in names.items():
        assert legacy_host.run(["vzctl", "create", ctid, "--ostemplate", TEMPLATE]).returncode == 0
        _set_conf(Path("/etc/vz/conf/%s.conf" % ctid), {"NAME": name.replace('"', '\\"')})
    runner = Runner(bin_dir, tmp_path / "ansible")
    source = _source(tmp_path / "names.openvz.yml", host_name_format="{name}", strict=False)
    data, stderr = runner.inventory(source)
    hostvars = data["_meta"]["hostvars"]
    by_ctid = {v["openvz_ctid"]: host for host, v in hostvars.items()}
    assert by_ctid == {"101": "bad_name_1_2_", "102": "___7_7___", "103": "_leading", "104": "a_b_c_d_e_f_g_h_",
                       "105": "caf__", "106": "good.name-1"}, stderr
    assert all(SAFE_HOST.match(host) for host in hostvars)
    assert hostvars["bad_name_1_2_"]["openvz_name"] == "bad name[1:2]"
    assert hostvars["___7_7___"]["openvz_name"] == "{{ 7*7 }}"
    warnings = " ".join(stderr.split())
    assert "container 101 on here: host name 'bad name[1:2]' has characters other than" in warnings, stderr
    assert "named ___7_7___ instead" in warnings
    # 107's NAME is a safe name already taken by 101's sanitised one: skipped, said so.
    assert "host name bad_name_1_2_ of container 107 on here is taken by container 101 on here" in warnings
    assert "Traceback" not in stderr


@pytest.mark.parametrize("name_format", ["{name.__class__}", "{name[0]}", "{ctid!r}", "{ctid:>9}", "{}",
                                         "{secret}", "{name"])
def test_a_host_name_format_beyond_plain_fields_is_refused(core, legacy_host, tmp_path, name_format):
    _minor, bin_dir = core
    assert legacy_host.run(["vzctl", "create", "101", "--ostemplate", TEMPLATE]).returncode == 0
    legacy_host.clear_calls()
    runner = Runner(bin_dir, tmp_path / "ansible")
    source = _source(tmp_path / "bad.openvz.yml", host_name_format=name_format)
    proc = runner.run("ansible-inventory", "-i", source, "--list")
    output = " ".join((proc.stdout + proc.stderr).split())
    assert "bad host_name_format" in output, output
    assert "Traceback" not in output
    assert legacy_host.calls() == [], "the format is checked before any hypervisor is listed"


def test_undecodable_and_control_bytes_in_a_config_are_listed_not_crashed_on(core, legacy_host, tmp_path):
    _minor, bin_dir = core
    assert legacy_host.run(["vzctl", "create", "101", "--ostemplate", TEMPLATE]).returncode == 0
    with open("/etc/vz/conf/101.conf", "ab") as handle:
        handle.write(b'DESCRIPTION="caf\xe9 \x01 \xff{{ 7*7 }}"\nHOSTNAME="h\x1b[31m.example.com"\n')
    runner = Runner(bin_dir, tmp_path / "ansible")
    source = _source(tmp_path / "bytes.openvz.yml", domain_xml=True)
    data, stderr = runner.inventory(source)
    [host] = data["_meta"]["hostvars"].values()
    assert host["openvz_container"]["description"] == "caf\ufffd \x01 \ufffd{{ 7*7 }}", stderr
    assert "\ufffd" in host["openvz_xml"] and "Traceback" not in stderr
