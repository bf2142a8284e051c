"""openvz.vz.container against the emulated host, through real ansible-playbook runs.

For each setting: a create applies it, an immediate re-run changes nothing and
makes no mutating call, check mode predicts exactly the calls of the real
change, and the change touches only that setting.
"""
import json

import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_settings
from ansible_collections.openvz.vz.tests.unit.support.libvirt_schema import assert_valid

BASE = {"ctid": "101", "ostemplate": "debian-12.0-x86_64-minimal"}


class PerFlavour(dict):
    """A parameter value that differs per flavour (a plain dict is a dict-valued setting)."""

    def __init__(self, **values):
        super().__init__(values)


# parameter, value at create, CTID.conf line it gives, changed value, line after the change;
# a line that differs per flavour is {flavour: line}.
SETTINGS = [
    ("hostname", "web1.example.com", 'HOSTNAME="web1.example.com"', "web2.example.com",
     'HOSTNAME="web2.example.com"'),
    # vzctl 7 writes prefixes as netmasks, with a trailing space (07-set-net.txt).
    ("ip_addresses", ["192.0.2.10", "192.0.2.11/24"],
     {"legacy": 'IP_ADDRESS="192.0.2.10 192.0.2.11/24"', "vz7": 'IP_ADDRESS="192.0.2.10 192.0.2.11/255.255.255.0 "'},
     ["192.0.2.10"], {"legacy": 'IP_ADDRESS="192.0.2.10"', "vz7": 'IP_ADDRESS="192.0.2.10 "'}),
    ("nameservers", ["192.0.2.53"], 'NAMESERVER="192.0.2.53"', ["192.0.2.54", "192.0.2.53"],
     'NAMESERVER="192.0.2.54 192.0.2.53"'),
    ("onboot", True, 'ONBOOT="yes"', False, 'ONBOOT="no"'),
    # vzctl 7 stores barrier = limit (04-set-mem.txt).
    ("memory", "512M", {"legacy": 'PHYSPAGES="0:131072"', "vz7": 'PHYSPAGES="131072:131072"'},
     "1G", {"legacy": 'PHYSPAGES="0:262144"', "vz7": 'PHYSPAGES="262144:262144"'}),
    ("cpus", 2, 'CPUS="2"', 3, 'CPUS="3"'),
    ("cpuunits", 2000, 'CPUUNITS="2000"', 3000, 'CPUUNITS="3000"'),
    # OpenVZ 7 sizes the ploop image to the hard limit and stores hard:hard (06-set-disk.txt).
    ("diskspace", "10G:11G", {"legacy": 'DISKSPACE="10485760:11534336"', "vz7": 'DISKSPACE="11534336:11534336"'},
     "20G", 'DISKSPACE="20971520:20971520"'),
    ("description", "web server", 'DESCRIPTION="web server"', "db server", 'DESCRIPTION="db server"'),
    ("name", "web1", 'NAME="web1"', "web2", 'NAME="web2"'),
    ("swap", "1G", {"legacy": 'SWAPPAGES="0:262144"', "vz7": 'SWAPPAGES="262144:262144"'},
     "256M", {"legacy": 'SWAPPAGES="0:65536"', "vz7": 'SWAPPAGES="65536:65536"'}),
    ("cpulimit", 50, 'CPULIMIT="50"', 150, 'CPULIMIT="150"'),
    ("diskinodes", "200000:220000", 'DISKINODES="200000:220000"', "300000",
     'DISKINODES="300000:300000"'),
    ("searchdomains", ["example.com"], 'SEARCHDOMAIN="example.com"', ["corp.example", "example.com"],
     'SEARCHDOMAIN="corp.example example.com"'),
    # vzctl 7 keeps a trailing space (08-set-misc.txt).
    ("features", {"nfs": True}, {"legacy": 'FEATURES="nfs:on"', "vz7": 'FEATURES="nfs:on "'},
     {"nfs": False, "ppp": True}, {"legacy": 'FEATURES="nfs:off ppp:on"', "vz7": 'FEATURES="nfs:off ppp:on "'}),
    ("capabilities", {"net_admin": True}, 'CAPABILITY="NET_ADMIN:on"', {"net_admin": False},
     'CAPABILITY="NET_ADMIN:off"'),
    ("devnodes", ["net/tun:rw"], 'DEVNODES="net/tun:rw "', ["net/tun:r"], 'DEVNODES="net/tun:r "'),
    ("stop_timeout", 60, 'STOP_TIMEOUT="60"', 90, 'STOP_TIMEOUT="90"'),
    ("iolimit", "10M", 'IOLIMIT="10485760"', "0", 'IOLIMIT="0"'),
    ("iopslimit", 100, 'IOPSLIMIT="100"', 2500, 'IOPSLIMIT="2500"'),
    # A veth joins a bridge on OpenVZ 6 and a virtual network on OpenVZ 7 (07-set-net.txt), where
    # vzctl also keeps the veth's addresses (IPv4 with a netmask), gateways and DHCP; DHCP drops
    # the IPv4 addresses, and the gateways stay (libvzctl veth.c veth2str()).
    ("netifs", PerFlavour(legacy=[{"ifname": "eth0", "bridge": "br0", "mac": "00:18:51:AA:BB:CC"}],
                          vz7=[{"ifname": "eth0", "network": "Bridged", "mac": "00:18:51:AA:BB:CC",
                                "ip_addresses": ["192.0.2.20/24", "2001:db8::20/64"], "gateway": "192.0.2.1",
                                "gateway6": "2001:db8::1"}]),
     {"legacy": 'NETIF="ifname=eth0,bridge=br0,mac=00:18:51:AA:BB:CC,',
      "vz7": ',network=Bridged,gw=192.0.2.1,gw6=2001:db8::1,configure=all,ip=192.0.2.20/255.255.255.0,'
             'ip6=2001:db8::20/64"'},
     PerFlavour(legacy=[{"ifname": "eth0", "bridge": "br1"}],
                vz7=[{"ifname": "eth0", "network": "Host-Only", "dhcp": True}]),
     {"legacy": 'NETIF="ifname=eth0,bridge=br1,mac=00:18:51:AA:BB:CC,',
      "vz7": ',network=Host-Only,gw=192.0.2.1,gw6=2001:db8::1,configure=all,dhcp=yes,ip6=2001:db8::20/64"'}),
    # vzctl 4.x writes every CPU as "all", vzctl 7 as nothing (05-set-cpu.txt, 4.x config.c conf_store_bitmap()).
    ("cpumask", "3,0-1", 'CPUMASK="0-1,3"', "all", {"legacy": 'CPUMASK="all"', "vz7": 'CPUMASK=""'}),
    ("nodemask", "0", 'NODEMASK="0"', "0-1", 'NODEMASK="0-1"'),
    ("memguarantee", 50, 'MEMGUARANTEE="50"', "auto", 'MEMGUARANTEE="auto"'),
    ("autostop", "suspend", 'AUTOSTOP="suspend"', "stop", 'AUTOSTOP="stop"'),
    # libvzctl writes options in its own order, each item with a trailing blank (08-set-misc.txt).
    ("bindmounts", [{"src": "/srv/data", "dst": "/mnt/data"}], 'BINDMOUNT="/srv/data:/mnt/data "',
     [{"dst": "/mnt/x", "options": ["nodev", "nosuid"]}, {"src": "/srv/data", "dst": "/mnt/data"}],
     'BINDMOUNT="/mnt/x,nosuid,nodev /srv/data:/mnt/data "'),
]


def _value(host, value):
    return value[host.flavour] if isinstance(value, PerFlavour) else value


def _line(host, line):
    return line[host.flavour] if isinstance(line, dict) else line


def _task(name, args, register, check=False):
    task = {"name": name, "openvz.vz.container": args, "register": register}
    if check:
        task["check_mode"] = True
    return task


def _playbook(tasks):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1)


def _supported(host, param):
    # What a flavour's vzctl lacks is refused there (tested below).
    return host.flavour in vz_settings.BY_PARAM[param].flavours


@pytest.mark.parametrize("param, first, first_line, second, second_line", SETTINGS,
                         ids=[s[0] for s in SETTINGS])
def test_setting_lifecycle(openvz_host, run_playbook, param, first, first_line, second, second_line):
    if not _supported(openvz_host, param):
        refused = run_playbook(_playbook([_task("create", dict(BASE, **{param: first}), "r")]))
        assert refused.task("create")["result"]["msg"].startswith(param + ":")
        assert openvz_host.calls() == []
        return
    create = dict(BASE, **{param: _value(openvz_host, first)})
    change = {"ctid": "101", param: _value(openvz_host, second)}
    result = run_playbook(_playbook([
        _task("create", create, "r_create"),
        _task("rerun", create, "r_rerun"),
        _task("predict", change, "r_predict", check=True),
        _task("change", change, "r_change"),
        _task("change again", change, "r_again"),
    ]), diff=True)
    assert result.rc == 0, str(result)
    created, rerun, predicted, changed, again = (result.task(n).get("result") for n in
                                                 ("create", "rerun", "predict", "change", "change again"))
    assert created["changed"] and created["commands"][0][:3] == ["vzctl", "create", "101"]
    # vzctl 7 sets veths in calls of their own: the names, then each veth's fields.
    veth_calls = (param, openvz_host.flavour) == ("netifs", "vz7")
    assert len(created["commands"]) <= (3 if veth_calls else 2)
    assert not rerun["changed"] and rerun["commands"] == []
    assert predicted["changed"]
    assert predicted["commands"] == changed["commands"]
    assert len(changed["commands"]) == 1 and changed["commands"][0][:3] == ["vzctl", "set", "101"]
    assert not again["changed"]
    conf = openvz_host.conf_text(101)
    assert _line(openvz_host, second_line) in conf
    mutating = [[c["tool"]] + c["argv"] for c in openvz_host.mutating_calls()]
    assert mutating == created["commands"] + changed["commands"]
    assert changed["diff"]["before"] != changed["diff"]["after"]
    assert_valid(changed["xml"])


def test_first_create_applies_setting_in_the_config(openvz_host, run_playbook):
    everything = dict(BASE, **{setting[0]: _value(openvz_host, setting[1]) for setting in SETTINGS
                               if _supported(openvz_host, setting[0])})
    result = run_playbook(_playbook([_task("create", everything, "r")]))
    assert result.rc == 0, str(result)
    conf = openvz_host.conf_text(101)
    for setting in SETTINGS:
        if _supported(openvz_host, setting[0]):
            assert _line(openvz_host, setting[2]) in conf
    commands = result.task("create")["result"]["commands"]
    # On OpenVZ 7 the veth list and the veth's fields are calls of their own.
    assert [c[1] for c in commands] == ["create", "set"] + (["set", "set"] if openvz_host.flavour == "vz7" else [])


def test_io_limits_from_xml_in_and_out(openvz_host, run_playbook):
    made = run_playbook(_playbook([_task("create", dict(BASE, iolimit="5M", iopslimit=300), "r")]))
    xml = made.task("create")["result"]["xml"]
    assert "<vz:iolimit>5242880</vz:iolimit>" in xml and "<vz:iopslimit>300</vz:iopslimit>" in xml
    changed_xml = xml.replace("<vz:iolimit>5242880</vz:iolimit>", "<vz:iolimit>1048576</vz:iolimit>")
    openvz_host.clear_calls()
    result = run_playbook(_playbook([_task("predict", {"xml": changed_xml}, "p", check=True),
                                     _task("xml", {"xml": changed_xml}, "r"),
                                     _task("again", {"xml": changed_xml}, "r2")]), diff=True)
    assert result.rc == 0, str(result)
    predicted, applied, again = (result.task(n)["result"] for n in ("predict", "xml", "again"))
    assert applied["commands"] == predicted["commands"] == [["vzctl", "set", "101", "--iolimit", "1M", "--save"]]
    assert 'IOLIMIT="1048576"' in openvz_host.conf_text(101)
    assert 'IOPSLIMIT="300"' in openvz_host.conf_text(101)
    assert not again["changed"]
    assert "<vz:iolimit>1048576</vz:iolimit>" in applied["xml"]
    assert "5242880" in applied["diff"]["before"] and "1048576" in applied["diff"]["after"]
    assert_valid(applied["xml"])


def test_xml_round_trip(openvz_host, run_playbook):
    wanted = dict(BASE, hostname="x.example.com", memory="1G", ip_addresses=["192.0.2.7"])
    made = run_playbook(_playbook([_task("create", wanted, "r")]))
    xml = made.task("create")["result"]["xml"]
    assert_valid(xml)
    openvz_host.clear_calls()
    again = run_playbook(_playbook([_task("xml", {"xml": xml}, "r"), _task("xml2", {"xml": xml}, "r2")]))
    assert again.rc == 0, str(again)
    assert not again.task("xml")["result"]["changed"]
    assert again.task("xml2")["result"]["xml"] == xml
    assert not openvz_host.mutating_calls()


# Every setting of this change, in the form each flavour has it.
TUNING = PerFlavour(
    legacy={"cpumask": "0-1", "nodemask": "0"},
    vz7={"cpumask": "0-1", "nodemask": "0", "memguarantee": 40, "autostop": "suspend",
         "bindmounts": [{"src": "/srv/data", "dst": "/mnt/data", "options": ["ro"]}, {"dst": "/mnt/scratch"}],
         "netifs": [{"ifname": "eth0", "network": "Bridged", "ip_addresses": ["192.0.2.30/24", "2001:db8::30/64"],
                     "gateway": "192.0.2.1", "gateway6": "2001:db8::1"},
                    {"ifname": "eth1", "dhcp": True, "dhcp6": True}]})


def test_the_tuning_settings_round_trip_through_the_returned_xml(openvz_host, run_playbook):
    made = run_playbook(_playbook([_task("create", dict(BASE, **_value(openvz_host, TUNING)), "r")]))
    assert made.rc == 0, str(made)
    xml = made.task("create")["result"]["xml"]
    assert_valid(xml)
    assert "<vz:cpumask>0-1</vz:cpumask>" in xml and "<vz:nodemask>0</vz:nodemask>" in xml
    if openvz_host.flavour == "vz7":
        assert "<vz:bindmount src=\"/srv/data\" dst=\"/mnt/data\" options=\"ro\"/>" in xml
        assert '<route family="ipv4" address="0.0.0.0" prefix="0" gateway="192.0.2.1"/>' in xml
        assert '<ip address="192.0.2.30" family="ipv4" prefix="24"/>' in xml
        assert 'dhcp="yes" dhcp6="yes"' in xml
        conf = openvz_host.conf_text(101)
        assert 'BINDMOUNT="/srv/data:/mnt/data,ro /mnt/scratch "' in conf
        assert "ifname=eth1," in conf and ",dhcp=yes,dhcp6=yes" in conf
    openvz_host.clear_calls()
    again = run_playbook(_playbook([_task("xml", {"xml": xml}, "r"),
                                    _task("params", dict(BASE, **_value(openvz_host, TUNING)), "r2")]))
    assert again.rc == 0, str(again)
    assert not again.task("xml")["result"]["changed"] and not again.task("params")["result"]["changed"]
    assert again.task("xml")["result"]["xml"] == xml
    assert not openvz_host.mutating_calls()


@pytest.mark.parametrize("args, param", [
    ({"memguarantee": 50}, "memguarantee"),
    ({"autostop": "stop"}, "autostop"),
    ({"bindmounts": [{"dst": "/mnt/data"}]}, "bindmounts"),
    ({"netifs": [{"ifname": "eth0", "gateway": "192.0.2.1"}]}, "netifs[0].gateway"),
    ({"netifs": [{"ifname": "eth0", "dhcp6": True}]}, "netifs[0].dhcp6"),
    ({"netifs": [{"ifname": "eth0", "bridge": "br0", "ip_addresses": ["192.0.2.5"]}]}, "netifs[0].ip_addresses"),
])
def test_openvz_6_refuses_what_only_vzctl_7_has_before_anything_runs(legacy_host, run_playbook, args, param):
    before = legacy_host.snapshot_files()
    result = run_playbook(_playbook([_task("create", dict(BASE, **args), "r")]))
    task = result.task("create")
    assert task["failed"] and task["result"]["msg"].startswith(param + ": "), str(result)
    assert legacy_host.calls() == [] and legacy_host.snapshot_files() == before


@pytest.mark.parametrize("args, param", [
    ({"ctid": "abc"}, "ctid"),
    ({"ctid": "101", "hostname": "a;reboot"}, "hostname"),
    ({"ctid": "101", "name": "we\"b"}, "name"),
    ({"ctid": "101", "ip_addresses": ["300.1.1.1"]}, "ip_addresses"),
    ({"ctid": "101", "netifs": [{"ifname": "eth0", "mac": "zz:zz"}]}, "netifs[0].mac"),
    ({"ctid": "101", "memory": "12Q"}, "memory"),
    ({"xml": "<!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/shadow'>]><domain type='openvz'>&e;</domain>"}, "xml"),
    ({"xml": "<domain type='kvm'/>"}, "xml"),
    ({"xml": "<network><name>101</name></network>"}, "xml"),
    ({"ctid": "101", "description": "a\nNAME=\"evil\""}, "description"),
])
def test_hostile_input_changes_nothing(openvz_host, run_playbook, args, param):
    made = run_playbook(_playbook([_task("create", dict(BASE), "r")]))
    assert made.rc == 0, str(made)
    before = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    result = run_playbook(_playbook([_task("hostile", dict(args, state="started"), "r")]))
    failed = result.task("hostile")
    assert failed["failed"]
    assert failed["result"]["msg"].startswith(param), failed["result"]["msg"]
    assert openvz_host.calls() == []
    assert openvz_host.snapshot_files() == before


def test_fault_midway_then_rerun_converges(openvz_host, run_playbook):
    wanted = dict(BASE, hostname="f.example.com", state="started")
    openvz_host.inject_fault("vzctl", ["start", "101"], rc=50, stderr="Unable to mount", times=1)
    first = run_playbook(_playbook([_task("create", wanted, "r")]))
    failed = first.task("create")["result"]
    assert failed["rc"] == 50 and failed["executed"][0][:2] == ["vzctl", "create"]
    second = run_playbook(_playbook([_task("create", wanted, "r")]))
    assert second.rc == 0, str(second)
    assert second.task("create")["result"]["commands"] == [["vzctl", "start", "101"]]
    assert "running" in openvz_host.run(["vzctl", "status", "101"]).stdout
    assert 'HOSTNAME="f.example.com"' in openvz_host.conf_text(101)


def test_states(openvz_host, run_playbook):
    steps = [("started", "running"), ("stopped", "stopped"), ("suspended", "suspended"),
             ("started", "running"), ("absent", "absent")]
    for state, status in steps:
        result = run_playbook(_playbook([_task(state, dict(BASE, state=state), "r")]))
        assert result.rc == 0, str(result)
        assert result.task(state)["result"]["container"]["status"] == status
    assert not (openvz_host.run(["vzctl", "status", "101"]).stdout.split()[2] == "exist")


FULL = dict(BASE, hostname="full.example.com", memory="512M", ip_addresses=["192.0.2.20"],
            state="started", root_password="Sup3r-secret")


@pytest.mark.parametrize("step", ["create", "set", "start", "exec2"])
def test_interrupted_plan_converges_on_rerun(openvz_host, run_playbook, step):
    openvz_host.inject_fault("vzctl", [step, "101"], rc=3, stderr="injected failure", times=1)
    first = run_playbook(_playbook([_task("converge", FULL, "r")]))
    failed = first.task("converge")
    assert failed["failed"]
    assert failed["result"]["rc"] == 3
    plan = ["create", "set", "start", "exec2"]
    assert [argv[1] for argv in failed["result"]["executed"]] == plan[:plan.index(step)]
    # A mutating call ran (the failing one at least): the host may have changed.
    assert failed["changed"] is True
    assert [argv[1] for argv in failed["result"]["commands"]] == plan
    second = run_playbook(_playbook([_task("converge", FULL, "r")]))
    assert second.rc == 0, str(second)
    assert second.task("converge")["result"]["container"]["status"] == "running"
    conf = openvz_host.conf_text(101)
    physpages = {"legacy": 'PHYSPAGES="0:131072"', "vz7": 'PHYSPAGES="131072:131072"'}
    assert 'HOSTNAME="full.example.com"' in conf and _line(openvz_host, physpages) in conf
    # update_password: on_create still sets the password when the create's run failed.
    shadow = openvz_host.run(["vzctl", "exec2", "101", "cat", "/etc/shadow"]).stdout
    root_hash = [line for line in shadow.splitlines() if line.startswith("root:")][0].split(":")[1]
    assert root_hash.startswith("$6$"), shadow
    third = run_playbook(_playbook([_task("converge", FULL, "r")]))
    assert not third.task("converge")["result"]["changed"]


def test_root_password_goes_through_stdin_only(openvz_host, run_playbook):
    result = run_playbook(_playbook([_task("create", FULL, "r")]))
    assert result.rc == 0, str(result)
    shadow = openvz_host.run(["vzctl", "exec2", "101", "cat", "/etc/shadow"]).stdout
    root_hash = [line for line in shadow.splitlines() if line.startswith("root:")][0].split(":")[1]
    assert root_hash.startswith("$6$")
    for call in openvz_host.calls():
        assert "Sup3r-secret" not in " ".join(call["argv"])
    assert "Sup3r-secret" not in result.stdout + result.stderr


def test_check_mode_mutates_nothing_and_predicts_the_run(openvz_host, run_playbook):
    before = openvz_host.snapshot_files()
    predicted = run_playbook(_playbook([_task("create", dict(FULL, root_password=None), "r")]), check=True)
    assert predicted.rc == 0, str(predicted)
    assert openvz_host.snapshot_files() == before
    assert not openvz_host.mutating_calls()
    real = run_playbook(_playbook([_task("create", dict(FULL, root_password=None), "r")]))
    assert predicted.task("create")["result"]["commands"] == real.task("create")["result"]["commands"]
    guess, made = predicted.task("create")["result"]["container"], real.task("create")["result"]["container"]
    for key in ("layout", "private", "root", "ostemplate", "hostname", "memory", "ip_addresses", "status"):
        assert guess[key] == made[key], key
    assert [[c["tool"]] + c["argv"] for c in openvz_host.mutating_calls()] == \
        real.task("create")["result"]["commands"]


def test_changing_a_create_only_setting_is_refused_and_nothing_is_destroyed(openvz_host, run_playbook):
    assert run_playbook(_playbook([_task("create", dict(BASE), "r")])).rc == 0
    before = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    result = run_playbook(_playbook([_task("change", dict(BASE, ostemplate="centos-7-x86_64"), "r")]))
    assert result.task("change")["failed"]
    assert result.task("change")["result"]["msg"].startswith("ostemplate:")
    assert not openvz_host.mutating_calls()
    assert openvz_host.snapshot_files() == before


def test_module_defaults_through_the_action_group(openvz_host, run_playbook):
    play = [{"hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/openvz.vz.openvz": {"ctid": "101"}},
             "tasks": [{"name": "create",
                        "openvz.vz.container": {"ostemplate": BASE["ostemplate"], "hostname": "g.example.com"}},
                       {"name": "list", "openvz.vz.container_info": {}, "register": "info"}]}]
    result = run_playbook(json.dumps(play, indent=1))
    assert result.rc == 0, str(result)
    assert 'HOSTNAME="g.example.com"' in openvz_host.conf_text(101)
    assert [c["ctid"] for c in result.task("list")["result"]["containers"]] == ["101"]


CREATE_ONLY = {
    "legacy": {"config": "light", "layout": "simfs", "private": "/vz/private2/$VEID",
               "root": "/vz/root2/$VEID"},
    "vz7": {"config": "vswap.512MB", "layout": "ploop", "private": "/vz/private2/$VEID",
            "root": "/vz/root2/$VEID", "diskspace": "2G"},
}


def test_create_only_settings_apply_at_create(openvz_host, run_playbook):
    wanted = dict(BASE, state="started", **CREATE_ONLY[openvz_host.flavour])
    result = run_playbook(_playbook([_task("create", wanted, "r"), _task("rerun", wanted, "r2")]))
    assert result.rc == 0, str(result)
    create = result.task("create")["result"]["commands"][0]
    for option in ("--config", "--layout", "--private", "--root"):
        assert option in create
    conf = openvz_host.conf_text(101)
    # vzctl 7 keeps the layout in VE_PRIVATE/.ve.layout, not in the config.
    layout_line = {"legacy": 'VE_LAYOUT="%s"' % wanted["layout"], "vz7": 'ORIGIN_SAMPLE='}
    for line in ('ORIGIN_SAMPLE="%s"' % wanted["config"], _line(openvz_host, layout_line),
                 'VE_PRIVATE="/vz/private2/$VEID"', 'VE_ROOT="/vz/root2/$VEID"'):
        assert line in conf
    assert "running" in openvz_host.run(["vzctl", "status", "101"]).stdout
    assert not result.task("rerun")["result"]["changed"]
    xml = result.task("rerun")["result"]["xml"]
    assert "<vz:profile>%s</vz:profile>" % wanted["config"] in xml
    assert "<vz:private>/vz/private2/$VEID</vz:private>" in xml
    assert "<vz:layout>%s</vz:layout>" % wanted["layout"] in xml
    assert_valid(xml)
