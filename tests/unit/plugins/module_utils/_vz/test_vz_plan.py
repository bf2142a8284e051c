"""The planner: fewest calls, only the change, nothing destroyed to apply a setting."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_model, vz_plan
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzStateError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_model import Container

GLOBALS = vz_conf.ConfFile("vz.conf", {"VE_ROOT": "/vz/root/$VEID", "VE_PRIVATE": "/vz/private/$VEID"})
CONF = ('PHYSPAGES="0:65536"\nSWAPPAGES="0:131072"\nDISKSPACE="2G:2.2G"\nCPUUNITS="1000"\n'
        'IP_ADDRESS="10.0.0.1 10.0.0.2"\nHOSTNAME="a.example.com"\nVE_LAYOUT="simfs"\n'
        'OSTEMPLATE="debian-12.0-x86_64-minimal"\nORIGIN_SAMPLE="vswap-256m"\n'
        'NETIF="ifname=eth0,bridge=br0,mac=00:18:51:AA:BB:CC,host_ifname=veth101.0,host_mac=00:18:51:DD:EE:FF"\n'
        'FEATURES="nfs:on"\n')


def _current(status="stopped", conf=CONF):
    ct = vz_model.container_from_conf("101", vz_conf.parse_conf_text(conf, "101.conf"), GLOBALS)
    ct.status = status
    return ct


def _argvs(plan):
    return [step.argv for step in plan.steps]


def test_create_is_one_create_and_one_set():
    desired = Container(ctid="101", ostemplate="debian-12.0-x86_64-minimal", hostname="b.example.com",
                        memory=512 * 1024 ** 2, ip_addresses=["10.0.0.9"], onboot=True)
    predicted = _current(conf='PHYSPAGES="0:65536"\nVE_LAYOUT="simfs"\n')
    plan = vz_plan.plan_present(None, desired, predicted, "present", False, None)
    assert _argvs(plan) == [
        ["vzctl", "create", "101", "--ostemplate", "debian-12.0-x86_64-minimal"],
        ["vzctl", "set", "101", "--hostname", "b.example.com", "--ipdel", "all", "--ipadd", "10.0.0.9",
         "--onboot", "yes", "--ram", "512M", "--save"],
    ]


def test_matching_container_plans_nothing():
    desired = Container(ctid="101", hostname="a.example.com", ip_addresses=["10.0.0.2", "10.0.0.1"],
                        memory=256 * 1024 ** 2, features={"nfs": True},
                        netifs=[{"ifname": "eth0", "bridge": "br0", "mac": None, "host_ifname": None,
                                 "host_mac": None}])
    plan = vz_plan.plan_present(_current(), desired, None, "present", False, None)
    assert _argvs(plan) == []


@pytest.mark.parametrize("field, value, args", [
    ("hostname", "z.example.com", ["--hostname", "z.example.com"]),
    # Lists are set whole, so two concurrent plays cannot merge (the CT lock
    # serialises the two calls and the later one wins whole).
    ("ip_addresses", ["10.0.0.1", "10.0.0.3"], ["--ipdel", "all", "--ipadd", "10.0.0.1", "--ipadd", "10.0.0.3"]),
    ("ip_addresses", [], ["--ipdel", "all"]),
    ("ip_addresses", ["10.0.0.1/24", "10.0.0.2"], ["--ipdel", "all", "--ipadd", "10.0.0.1/24", "--ipadd", "10.0.0.2"]),
    ("memory", 1024 ** 3, ["--ram", "1G"]),
    ("diskspace", (10 * 1024 ** 3, 11 * 1024 ** 3), ["--diskspace", "10G:11G"]),
    ("features", {"nfs": True, "sysfs": False}, ["--features", "sysfs:off"]),
    ("netifs", [], ["--netif_del", "all"]),
    ("netifs", [{"ifname": "eth0", "bridge": "br0", "mac": None, "host_ifname": None, "host_mac": None},
                {"ifname": "eth1", "bridge": "br1", "mac": None, "host_ifname": None, "host_mac": None}],
     ["--netif_del", "all", "--netif_add", "eth0,00:18:51:AA:BB:CC,veth101.0,00:18:51:DD:EE:FF,br0",
      "--netif_add", "eth1,,,,br1"]),
])
def test_one_change_sets_only_that(field, value, args):
    desired = Container(ctid="101", hostname="a.example.com")
    setattr(desired, field, value)
    plan = vz_plan.plan_present(_current(), desired, None, "present", False, None)
    assert _argvs(plan) == [["vzctl", "set", "101"] + args + ["--save"]]


def test_modified_interface_is_re_added_whole_keeping_host_values():
    desired = Container(ctid="101", netifs=[{"ifname": "eth0", "bridge": "br9", "mac": None,
                                             "host_ifname": None, "host_mac": None}])
    plan = vz_plan.plan_present(_current(), desired, None, "present", False, None)
    assert _argvs(plan) == [["vzctl", "set", "101", "--netif_del", "all", "--netif_add",
                             "eth0,00:18:51:AA:BB:CC,veth101.0,00:18:51:DD:EE:FF,br9", "--save"]]


def test_bridge_names_compare_exactly_macs_case_insensitively():
    same_mac = Container(ctid="101", netifs=[{"ifname": "eth0", "bridge": "br0", "mac": "00:18:51:aa:bb:cc",
                                              "host_ifname": None, "host_mac": None}])
    assert _argvs(vz_plan.plan_present(_current(), same_mac, None, "present", False, None)) == []
    other_case = Container(ctid="101", netifs=[{"ifname": "eth0", "bridge": "BR0", "mac": None,
                                                "host_ifname": None, "host_mac": None}])
    assert _argvs(vz_plan.plan_present(_current(), other_case, None, "present", False, None)) != []


@pytest.mark.parametrize("field, value, param", [
    ("ostemplate", "centos-7-x86_64", "ostemplate"), ("layout", "ploop", "layout"),
    ("private", "/srv/vz/101", "private"), ("profile", "basic", "config"),
])
def test_create_only_settings_are_refused_not_recreated(field, value, param):
    desired = Container(ctid="101")
    setattr(desired, field, value)
    with pytest.raises(VzStateError) as info:
        vz_plan.plan_present(_current(), desired, None, "present", False, None)
    assert str(info.value).startswith(param + ":")


def test_expanded_private_path_is_the_same_setting():
    desired = Container(ctid="101", private="/vz/private/101")
    assert _argvs(vz_plan.plan_present(_current(), desired, None, "present", False, None)) == []


@pytest.mark.parametrize("status, state, calls", [
    ("stopped", "started", [["vzctl", "start", "101"]]),
    ("running", "started", []),
    ("mounted", "started", [["vzctl", "start", "101"]]),
    ("suspended", "started", [["vzctl", "resume", "101"]]),
    ("running", "stopped", [["vzctl", "stop", "101"]]),
    ("mounted", "stopped", [["vzctl", "umount", "101"]]),
    ("stopped", "stopped", []),
    ("running", "restarted", [["vzctl", "restart", "101"]]),
    ("running", "suspended", [["vzctl", "suspend", "101"]]),
    ("stopped", "suspended", [["vzctl", "start", "101"], ["vzctl", "suspend", "101"]]),
    ("running", "present", []),
])
def test_power_transitions(status, state, calls):
    plan = vz_plan.plan_present(_current(status), Container(ctid="101"), None, state, False, None)
    assert _argvs(plan) == calls


@pytest.mark.parametrize("status, calls", [
    ("stopped", [["vzctl", "destroy", "101"]]),
    ("running", [["vzctl", "stop", "101"], ["vzctl", "destroy", "101"]]),
    ("mounted", [["vzctl", "umount", "101"], ["vzctl", "destroy", "101"]]),
])
def test_absent(status, calls):
    assert _argvs(vz_plan.plan_absent(_current(status), False)) == calls
    assert _argvs(vz_plan.plan_absent(None, False)) == []


def test_password_needs_a_running_container_and_uses_stdin():
    plan = vz_plan.plan_present(_current("running"), Container(ctid="101"), None, "started", False,
                                b"root:x\n")
    assert _argvs(plan) == [["vzctl", "exec2", "101", "chpasswd"]]
    assert plan.steps[0].stdin == b"root:x\n" and plan.steps[0].secret
    with pytest.raises(VzStateError):
        vz_plan.plan_present(_current(), Container(ctid="101"), None, "present", False, b"root:x\n")


def test_restart_only_settings_on_running_container_warn():
    plan = vz_plan.plan_present(_current("running"), Container(ctid="101", capabilities={"NET_ADMIN": True}),
                                None, "started", False, None)
    assert _argvs(plan) == [["vzctl", "set", "101", "--capability", "net_admin:on", "--save"]]
    assert "next restart" in plan.warnings[0]
