"""CPU/NUMA masks, memory guarantee, autostop, bind mounts and per-veth addresses, gateways and DHCP.

What vzctl stores for each (the transcripts in tests/emulator/tests/transcripts and
the sources named in docs/openvz-tools.md) must read back equal to what was
asked for, and every value is refused the same way as a parameter and in XML.
"""
import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.openvz.vz.plugins.module_utils._vz import (
    vz_conf, vz_model, vz_params, vz_plan, vz_settings, vz_validate, vz_xml)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzConfigError, VzInputError

NS = vz_xml.NS
GLOBALS = vz_conf.ConfFile("/etc/vz/vz.conf", {"VE_ROOT": "/vz/root/$VEID", "VE_PRIVATE": "/vz/private/$VEID"})


def _host(text):
    return vz_model.container_from_conf("101", vz_conf.parse_conf_text(text, "101.conf"), GLOBALS)


def _xml(body, meta=""):
    return ("<domain type='openvz' id='101'><name>101</name>"
            "<metadata><vz:container xmlns:vz='%s'>%s</vz:container></metadata>%s</domain>"
            % (NS, meta, body))


def _args(current, params, flavour):
    return vz_plan.settings_args(current, vz_params.container_from_params(params), flavour)


# ------------------------------------------------------------------ masks

@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, vz_validate.MASK_BITS - 1), min_size=1, max_size=40), st.randoms())
def test_a_mask_in_any_order_is_the_canonical_list_vzctl_writes_back(bits, rnd):
    parts = [str(bit) for bit in bits]
    rnd.shuffle(parts)
    text = vz_validate.mask(",".join(parts), "cpumask")
    assert vz_validate.mask(text, "cpumask") == text
    assert sorted(int(bit) for bit in _expand(text)) == sorted(bits)


def _expand(text):
    for part in text.split(","):
        first, _sep, last = part.partition("-")
        yield from range(int(first), int(last or first) + 1)


@pytest.mark.parametrize("text", ["", "4096", "0-4096", "1-0", "a", "0,,1", "0,", " 0", "-1", "0-", "\u0661",
                                  "auto", "0;1", "0-1-2"])
def test_a_nodemask_vzctl_would_not_store_as_asked_is_refused(text):
    with pytest.raises(VzInputError) as refused:
        vz_settings.BY_NAME["nodemask"].from_param(text)
    assert refused.value.param == "nodemask"


def test_every_cpu_is_all_and_auto_is_for_cpus_only():
    assert vz_settings.BY_NAME["cpumask"].from_param("0-4095") == "all"
    assert vz_settings.BY_NAME["cpumask"].from_param("auto") == "auto"
    with pytest.raises(VzInputError):
        vz_settings.BY_NAME["cpumask"].from_param(",".join(str(n) for n in range(0, 4096, 2)))


@pytest.mark.parametrize("stored", ['CPUMASK=""\n', 'CPUMASK="all"\n', ""])
def test_all_cpus_as_either_vzctl_stores_them_is_all(stored):
    # vzctl 7 writes `--cpumask all` as "" (05-set-cpu.txt), vzctl 4.x as "all"; no key is no mask.
    current = _host(stored)
    for flavour in vz_settings.FLAVOURS:
        assert _args(current, {"cpumask": "all"}, flavour) == ([], [], [])
        assert _args(current, {"cpumask": "0-1"}, flavour)[0][-2:] == ["--cpumask", "0-1"]


def test_a_mask_vzctl_cannot_have_written_is_a_config_error():
    with pytest.raises(VzConfigError):
        _host('NODEMASK="0-x"\n')


def test_vzctl_4_gets_the_cpu_mask_beside_a_numa_mask_and_vzctl_7_does_not():
    current = _host('CPUMASK="0-1"\n')
    assert _args(current, {"nodemask": "0"}, vz_settings.LEGACY)[0] == ["--cpumask", "0-1", "--nodemask", "0"]
    assert _args(_host(""), {"nodemask": "0"}, vz_settings.LEGACY)[0] == ["--cpumask", "all", "--nodemask", "0"]
    assert _args(current, {"nodemask": "0"}, vz_settings.VZ7)[0] == ["--nodemask", "0"]
    assert _args(current, {"cpumask": "auto"}, vz_settings.LEGACY)[0] == ["--cpumask", "auto", "--nodemask", "all"]
    assert _args(current, {"cpumask": "2"}, vz_settings.LEGACY)[0] == ["--cpumask", "2"]


# ------------------------------------------------------------------ memguarantee, autostop

@pytest.mark.parametrize("value, stored", [(50, "50"), ("0", "0"), ("auto", "auto"), (100, "100")])
def test_memguarantee_reads_back_as_asked(value, stored):
    current = _host('MEMGUARANTEE="%s"\n' % stored)
    assert _args(current, {"memguarantee": value}, vz_settings.VZ7) == ([], [], [])
    assert _args(_host(""), {"memguarantee": value}, vz_settings.VZ7)[0] == ["--memguarantee", stored]


@pytest.mark.parametrize("value", [101, "-1", "50%", "x", True, "\u0665\u0660", ""])
def test_memguarantee_outside_a_percentage_is_refused(value):
    with pytest.raises(VzInputError) as refused:
        vz_params.container_from_params({"memguarantee": value})
    assert refused.value.param == "memguarantee"


@pytest.mark.parametrize("param, value", [("memguarantee", 50), ("autostop", "stop"),
                                          ("bindmounts", [{"dst": "/mnt/a"}])])
def test_openvz_6_refuses_what_vzctl_4_lacks(param, value):
    from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_driver import Driver
    driver = Driver(runner=None)
    driver._vz7 = False  # pylint: disable=protected-access
    with pytest.raises(VzInputError) as refused:
        driver.check_host_support(vz_params.container_from_params({param: value}), [])
    assert refused.value.param == param and "vzctl 4.x" in str(refused.value)
    driver._vz7 = True  # pylint: disable=protected-access
    driver.check_host_support(vz_params.container_from_params({param: value}), [])


# ------------------------------------------------------------------ bind mounts

def test_bind_mounts_as_vzctl_7_stores_them_compare_equal_in_any_order():
    # 08-set-misc.txt: items with a trailing blank, options in libvzctl's mount_opt[] order.
    current = _host('BINDMOUNT="/srv/data:/mnt/data /mnt/x,nosuid,nodev "\n')
    assert current.bindmounts == [{"src": "/srv/data", "dst": "/mnt/data", "options": []},
                                  {"src": None, "dst": "/mnt/x", "options": ["nosuid", "nodev"]}]
    same = {"bindmounts": [{"dst": "/mnt/x", "options": ["nodev", "nosuid"]}, {"src": "/srv/data", "dst": "/mnt/data"}]}
    assert _args(current, same, vz_settings.VZ7) == ([], [], [])
    args = _args(current, {"bindmounts": [{"dst": "/mnt/x", "options": ["ro"]}]}, vz_settings.VZ7)[0]
    assert args == ["--bindmount_del", "all", "--bindmount_add", "/mnt/x,ro"]
    assert _args(current, {"bindmounts": []}, vz_settings.VZ7)[0] == ["--bindmount_del", "all"]
    assert _args(_host('BINDMOUNT=""\n'), {"bindmounts": []}, vz_settings.VZ7) == ([], [], [])


@pytest.mark.parametrize("mount", [
    {"dst": "/"}, {"dst": "mnt"}, {"dst": "/mnt/a:b"}, {"dst": "/mnt/a,b"}, {"dst": "/mnt/a b"},
    {"dst": "/mnt/$VEID"}, {"dst": "/mnt/../etc"}, {"dst": "/mnt/"}, {"dst": "/mnt//a"},
    {"src": "relative", "dst": "/mnt/a"}, {"src": "/srv/\u00e9", "dst": "/mnt/a"},
    {"dst": "/mnt/a", "options": ["suid"]}, {"dst": "/mnt/a", "junk": 1}, {"src": "/srv"}, "/mnt/a",
])
def test_a_bind_mount_vzctl_would_split_or_refuse_is_refused(mount):
    with pytest.raises(VzInputError) as refused:
        vz_params.container_from_params({"bindmounts": [mount]})
    assert refused.value.param.startswith("bindmounts")


# ------------------------------------------------------------------ per-veth fields

VETH = ('NETIF="ifname=eth0,mac=C4:37:72:4D:D7:27,host_mac=FE:37:72:5F:2C:A2,host_ifname=veth724dd727,'
        'network=Bridged,gw=192.168.1.1,gw6=2001:db8::1,configure=all,ip=192.168.1.5/255.255.255.0,'
        'ip6=2001:db8::10/64,2001:db8::11/64"\n')


def test_a_veth_as_vzctl_7_stores_it_compares_equal_to_what_was_asked():
    # 07-set-net.txt, set-ifname-network-dhcp-gw.
    asked = {"netifs": [{"ifname": "eth0", "network": "Bridged", "gateway": "192.168.1.1", "gateway6": "2001:DB8::1",
                         "ip_addresses": ["2001:db8::11/64", "192.168.1.5/24", "2001:db8::10/64"], "dhcp": False}]}
    assert _args(_host(VETH), asked, vz_settings.VZ7) == ([], [], [])


def test_a_veth_gets_only_its_differing_fields_and_its_whole_address_list():
    _args_, _restart, calls = _args(_host(VETH), {"netifs": [
        {"ifname": "eth0", "gateway": "192.168.1.254", "ip_addresses": ["192.168.1.5/24"], "dhcp6": True}]},
        vz_settings.VZ7)
    assert calls == [["--ifname", "eth0", "--gw", "192.168.1.254", "--dhcp6", "yes",
                      "--ipdel", "all", "--ipadd", "192.168.1.5/24"]]
    _args_, _restart, calls = _args(_host(VETH), {"netifs": [{"ifname": "eth0", "ip_addresses": []}]},
                                    vz_settings.VZ7)
    assert calls == [["--ifname", "eth0", "--ipdel", "all"]]


def test_dhcp_as_vzctl_7_stores_it_and_without_it():
    current = _host('NETIF="ifname=eth0,mac=C4:37:72:4D:D7:27,host_mac=FE:37:72:5F:2C:A2,host_ifname=veth724dd727,'
                    'gw=192.168.1.1,configure=all,dhcp=yes,dhcp6=yes"\n')
    assert current.netifs[0]["dhcp"] is True and current.netifs[0]["ip_addresses"] is None
    assert _args(current, {"netifs": [{"ifname": "eth0", "dhcp": True, "dhcp6": True}]}, vz_settings.VZ7)[2] == []
    assert _args(current, {"netifs": [{"ifname": "eth0", "dhcp": False}]}, vz_settings.VZ7)[2] == [
        ["--ifname", "eth0", "--dhcp", "no"]]
    # vzctl 7 writes no dhcp=no: an absent flag is off.
    assert _args(_host(VETH), {"netifs": [{"ifname": "eth0", "dhcp": False}]}, vz_settings.VZ7)[2] == []


def test_two_new_veths_are_added_in_a_call_each():
    # A --netif_add without --ifname is the call's --ifname, which vzctl 7 takes once (src/vzctl.c).
    _args_, _restart, calls = _args(_host(VETH), {"netifs": [{"ifname": "eth1"}, {"ifname": "eth2"}]},
                                    vz_settings.VZ7)
    assert calls == [["--netif_del", "eth0", "--netif_add", "eth1"], ["--netif_add", "eth2"]]


@pytest.mark.parametrize("netif, field", [
    ({"dhcp": True, "ip_addresses": ["192.0.2.5"]}, "dhcp"),
    ({"dhcp6": True, "ip_addresses": ["2001:db8::5/64"]}, "dhcp6"),
    ({"gateway": "2001:db8::1"}, "gateway"),
    ({"gateway6": "192.0.2.1"}, "gateway6"),
    ({"gateway": "192.0.2.1/24"}, "gateway"),
    ({"gateway": "192.0.2.1,ip=10.0.0.1"}, "gateway"),
    ({"ip_addresses": ["192.0.2.5/0"]}, "ip_addresses"),
    ({"ip_addresses": "192.0.2.5"}, "ip_addresses"),
    ({"dhcp": "yes"}, "dhcp"),
])
def test_a_veth_field_vzctl_7_would_not_keep_as_asked_is_refused(netif, field):
    with pytest.raises(VzInputError) as refused:
        vz_params.container_from_params({"netifs": [dict({"ifname": "eth0"}, **netif)]})
    assert refused.value.param == "netifs[0].%s" % field


def test_dhcp_with_ipv6_addresses_is_kept():
    wanted = vz_params.container_from_params({"netifs": [{"ifname": "eth0", "dhcp": True,
                                                          "ip_addresses": ["2001:db8::5/64"]}]})
    assert wanted.netifs[0]["dhcp"] is True


# ------------------------------------------------------------------ XML

def test_every_new_setting_reads_back_from_the_document_it_writes():
    current = _host(VETH + 'CPUMASK="0-1,3"\nNODEMASK="0"\nMEMGUARANTEE="auto"\nAUTOSTOP="suspend"\n'
                    'BINDMOUNT="/srv/data:/mnt/data,ro /mnt/x "\n'
                    'NETIF="ifname=eth1,mac=C4:37:72:4D:D7:28,host_mac=FE:37:72:5F:2C:A3,host_ifname=veth1,'
                    'dhcp=yes,dhcp6=yes"\n')
    document = vz_xml.to_xml(current)
    back = vz_xml.from_xml(document)
    for name in ("cpumask", "nodemask", "memguarantee", "autostop", "bindmounts"):
        assert getattr(back, name) == getattr(current, name), name
    assert back.netifs[0]["ip_addresses"] == ["192.168.1.5/24", "2001:db8::10/64", "2001:db8::11/64"]
    assert (back.netifs[0]["gateway"], back.netifs[0]["gateway6"]) == ("192.168.1.1", "2001:db8::1")
    assert (back.netifs[0]["dhcp"], back.netifs[0]["dhcp6"]) == (None, None)
    assert back.netifs[0]["bridge"] is None
    for flavour in (vz_settings.VZ7,):
        assert vz_plan.settings_args(current, back, flavour) == ([], [], [])


@pytest.mark.parametrize("body, meta, label", [
    ("<devices><interface type='bridge'><guest dev='eth0'/>"
     "<route address='10.0.0.0' prefix='8' gateway='192.0.2.1'/></interface></devices>", "", "xml: <route>"),
    ("<devices><interface type='bridge'><guest dev='eth0'/>"
     "<route family='ipv4' address='0.0.0.0' prefix='0' gateway='2001:db8::1'/></interface></devices>", "",
     "xml: <route gateway>"),
    ("<devices><interface type='bridge'><guest dev='eth0'/><ip address='192.0.2.5' family='ipv4'/></interface>"
     "</devices>", "<vz:netif ifname='eth0' dhcp='yes'/>", "xml: <vz:netif dhcp>"),
    ("<devices><interface type='bridge'><guest dev='eth0'/></interface></devices>",
     "<vz:netif ifname='eth0' dhcp='on'/>", "xml: <vz:netif dhcp>"),
    ("<devices><interface type='ethernet'><ip address='192.0.2.5' family='ipv4'/>"
     "<route family='ipv4' address='0.0.0.0' prefix='0' gateway='192.0.2.1'/></interface></devices>", "",
     "xml: <route>"),
    ("", "<vz:bindmounts><vz:bindmount dst='/mnt/a' mode='rw'/></vz:bindmounts>", "xml: <vz:bindmount>"),
    ("", "<vz:bindmounts><vz:bindmount src='/srv/a'/></vz:bindmounts>", "xml: <vz:bindmount>"),
    ("", "<vz:bindmounts><vz:bindmount dst='/mnt/a' options='ro,suid'/></vz:bindmounts>", "xml: <vz:bindmount>"),
    ("", "<vz:cpumask>0-99999</vz:cpumask>", "xml: <vz:cpumask>"),
    ("", "<vz:memguarantee>101</vz:memguarantee>", "xml: <vz:memguarantee>"),
    ("", "<vz:autostop>halt</vz:autostop>", "xml: <vz:autostop>"),
])
def test_a_document_is_refused_where_the_parameter_would_be(body, meta, label):
    with pytest.raises(VzInputError) as refused:
        vz_xml.from_xml(_xml(body, meta))
    assert refused.value.param == label
