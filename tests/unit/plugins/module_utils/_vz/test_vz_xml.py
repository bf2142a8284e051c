"""The domain XML codec: libvirt's format, schema validity, round trips, hostile documents."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_model, vz_xml
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError

from ansible_collections.openvz.vz.tests.unit.support.libvirt_schema import assert_valid

GLOBALS = vz_conf.ConfFile("/etc/vz/vz.conf",
                           {"VE_ROOT": "/vz/root/$VEID", "VE_PRIVATE": "/vz/private/$VEID"})

# The config libvirt 9.0's driver was observed dumping (../shared/openvz-facts.md).
LIBVIRT_OBSERVED_CONF = """#UUID: b0d03461-ac2a-4c8c-a93c-11dc0fec157c
CPUS="2"
PRIVVMPAGES="65536:69632"
VMGUARPAGES="33792:unlimited"
DISKSPACE="2097152:2306867"
OSTEMPLATE="debian-11.0-x86_64-minimal"
IP_ADDRESS="192.0.2.101 192.0.2.102"
NETIF="ifname=eth0,bridge=br0,mac=00:18:51:AA:BB:01,host_ifname=veth101.0,host_mac=00:18:51:AA:BB:11;ifname=eth1,bridge=br1,mac=00:18:51:AA:BB:02,host_ifname=veth101.1,host_mac=00:18:51:AA:BB:12"
"""


def _container(text, status="running"):
    ct = vz_model.container_from_conf("101", vz_conf.parse_conf_text(text, "101.conf"), GLOBALS)
    ct.status = status
    return ct


def test_libvirt_elements_match_what_libvirt_dumps():
    xml = vz_xml.to_xml(_container(LIBVIRT_OBSERVED_CONF))
    for fragment in (
        '<domain type="openvz" id="101">',
        "<name>101</name>",
        "<uuid>b0d03461-ac2a-4c8c-a93c-11dc0fec157c</uuid>",
        '<hard_limit unit="KiB">278528</hard_limit>',
        '<soft_limit unit="KiB">262144</soft_limit>',
        '<min_guarantee unit="KiB">135168</min_guarantee>',
        '<vcpu placement="static">2</vcpu>',
        "<type>exe</type>",
        "<init>/sbin/init</init>",
        '<source name="debian-11.0-x86_64-minimal"/>',
        '<space_hard_limit unit="bytes">2362231808</space_hard_limit>',
        '<space_soft_limit unit="bytes">2147483648</space_soft_limit>',
        '<ip address="192.0.2.102" family="ipv4"/>',
        '<source bridge="br1"/>',
        '<target dev="veth101.1"/>',
    ):
        assert fragment in xml
    assert_valid(xml)


def test_stopped_container_has_no_id_and_its_name_is_the_ctid():
    # libvirt's driver requires <name> to be the CTID; the OpenVZ name is metadata.
    xml = vz_xml.to_xml(_container('NAME="web1"\nOSTEMPLATE="centos-7-x86_64"\n', status="stopped"))
    assert '<domain type="openvz">' in xml
    assert "<name>101</name>" in xml
    assert "<vz:name>web1</vz:name>" in xml
    assert 'ctid="101"' in xml
    assert_valid(xml)
    back = vz_xml.from_xml(xml)
    assert (back.ctid, back.name) == ("101", "web1")


def test_prefixed_ip_keeps_every_interface():
    # libvirt drops all interfaces when one IP_ADDRESS token has a prefix.
    ct = _container('IP_ADDRESS="10.0.0.1 10.0.0.2/24 2001:db8::5"\n')
    xml = vz_xml.to_xml(ct)
    assert xml.count('<interface type="ethernet">') == 3
    assert '<ip address="10.0.0.2" family="ipv4" prefix="24"/>' in xml
    assert '<ip address="2001:db8::5" family="ipv6"/>' in xml
    assert_valid(xml)


def test_memory_is_read_back_from_physpages():
    # libvirt always reports 0 here.
    ct = _container('PHYSPAGES="0:262144"\nSWAPPAGES="0:131072"\n')
    xml = vz_xml.to_xml(ct)
    assert '<memory unit="KiB">1048576</memory>' in xml
    assert '<swap_hard_limit unit="KiB">1572864</swap_hard_limit>' in xml
    assert_valid(xml)


def test_missing_onboot_is_not_an_error():
    ct = _container('HOSTNAME="a.example.com"\n')
    assert ct.onboot is None
    assert "onboot" not in vz_xml.to_xml(ct)


@pytest.mark.parametrize("conf", [
    'ONBOOT="maybe"\n', 'CPUS="two"\n', 'PHYSPAGES="0:12Q"\n', 'NETIF="bridge=br0"\n',
    'FEATURES="nfs:maybe"\n',
])
def test_unparsable_value_is_an_error_naming_the_key(conf):
    key = conf.split("=")[0]
    with pytest.raises(Exception) as info:
        _container(conf)
    assert key in str(info.value)


def test_round_trip_is_stable():
    full = LIBVIRT_OBSERVED_CONF + (
        'NAME="web1"\nHOSTNAME="web1.example.com"\nONBOOT="yes"\nPHYSPAGES="0:131072"\n'
        'SWAPPAGES="0:65536"\nCPUUNITS="1000"\nCPULIMIT="150"\nNAMESERVER="192.0.2.53 inherit"\n'
        'SEARCHDOMAIN="example.com"\nDISKINODES="200000:220000"\nFEATURES="nfs:on sysfs:off"\n'
        'CAPABILITY="NET_ADMIN:on"\nDEVNODES="net/tun:rw "\nVE_LAYOUT="ploop"\nORIGIN_SAMPLE="basic"\n'
        'STOP_TIMEOUT="60"\nNUMPROC="240:240"\n')
    ct = _container(full)
    first = vz_xml.to_xml(ct)
    parsed = vz_xml.from_xml(first)
    again = ct.merged(parsed)
    again.status = ct.status
    assert vz_xml.to_xml(again) == first
    for field in ("name", "hostname", "onboot", "memory", "swap", "cpus", "cpulimit", "cpuunits",
                  "nameservers", "searchdomains", "diskspace", "diskinodes", "features",
                  "capabilities", "devnodes", "layout", "profile", "stop_timeout", "ip_addresses"):
        assert getattr(parsed, field) == getattr(ct, field), field
    assert_valid(first)


@pytest.mark.parametrize("document, message", [
    ('<?xml version="1.0"?><!DOCTYPE domain [<!ENTITY x "y">]><domain type="openvz"><name>&x;</name></domain>',
     "DOCTYPE"),
    ('<!DOCTYPE domain SYSTEM "file:///etc/passwd"><domain type="openvz"/>', "DOCTYPE"),
    ('<domain type="kvm"><name>101</name></domain>', "type='openvz'"),
    ('<network><name>101</name></network>', "root element"),
    ('<domain type="openvz"><name>101</name>', "well-formed"),
    ('<domain type="openvz"><name>web1;rm -rf /</name><metadata/></domain>', "name"),
    ('<domain type="openvz" id="abc"/>', "domain id"),
    ('<domain type="openvz" id="101"><devices><interface type="ethernet"><ip address="10.0.0.999"/>'
     '</interface></devices></domain>', "valid IPv4"),
    ('<domain type="openvz" id="101"><metadata><c:container xmlns:c="%s"><c:bogus/></c:container>'
     '</metadata></domain>' % vz_xml.NS, "unknown element"),
    ('<domain type="openvz" id="101"><description>a "quoted" $thing</description></domain>', "description"),
])
def test_hostile_documents_are_refused(document, message):
    with pytest.raises(VzInputError) as info:
        vz_xml.from_xml(document)
    assert message in str(info.value)
    assert str(info.value).startswith("xml")


# libvirt 9.0's `virsh dumpxml` of the container above, exactly as it prints it
# (../shared/openvz-facts.md): no <guest dev>, <memory> 0, ethernet MACs 0.
LIBVIRT_DUMPXML = """<domain type='openvz' id='101'>
  <name>101</name>
  <uuid>b0d03461-ac2a-4c8c-a93c-11dc0fec157c</uuid>
  <memory unit='KiB'>0</memory>
  <currentMemory unit='KiB'>0</currentMemory>
  <memtune>
    <hard_limit unit='KiB'>278528</hard_limit>
    <soft_limit unit='KiB'>262144</soft_limit>
    <min_guarantee unit='KiB'>135168</min_guarantee>
  </memtune>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type>exe</type>
    <init>/sbin/init</init>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <filesystem type='template'>
      <source name='debian-11.0-x86_64-minimal'/>
      <target dir='/'/>
      <space_hard_limit unit='bytes'>2362231808</space_hard_limit>
      <space_soft_limit unit='bytes'>2147483648</space_soft_limit>
    </filesystem>
    <interface type='ethernet'>
      <mac address='00:00:00:00:00:00'/>
      <ip address='192.0.2.101' family='ipv4'/>
    </interface>
    <interface type='ethernet'>
      <mac address='00:00:00:00:00:00'/>
      <ip address='192.0.2.102' family='ipv4'/>
    </interface>
    <interface type='bridge'>
      <mac address='00:18:51:aa:bb:01'/>
      <source bridge='br0'/>
      <target dev='veth101.0'/>
    </interface>
    <interface type='bridge'>
      <mac address='00:18:51:aa:bb:02'/>
      <source bridge='br1'/>
      <target dev='veth101.1'/>
    </interface>
  </devices>
</domain>
"""


def test_libvirts_own_dumpxml_is_accepted_as_input():
    warnings = []
    ct = vz_xml.from_xml(LIBVIRT_DUMPXML, warnings)
    assert ct.ctid == "101" and ct.name is None
    assert ct.uuid == "b0d03461-ac2a-4c8c-a93c-11dc0fec157c"
    assert ct.memory is None and any("<memory> 0" in w for w in warnings)
    assert ct.cpus == 2 and ct.ostemplate == "debian-11.0-x86_64-minimal"
    assert ct.diskspace == (2147483648, 2362231808)
    assert ct.ip_addresses == ["192.0.2.101", "192.0.2.102"]
    assert [(n["ifname"], n["bridge"], n["host_ifname"], n["mac"]) for n in ct.netifs] == [
        ("eth0", "br0", "veth101.0", "00:18:51:AA:BB:01"), ("eth1", "br1", "veth101.1", "00:18:51:AA:BB:02")]


def test_the_same_container_round_trips_to_libvirts_elements():
    ct = vz_xml.from_xml(LIBVIRT_DUMPXML)
    ct.status = "running"
    ours = vz_xml.to_xml(ct)
    assert_valid(ours)
    for fragment in ("<name>101</name>", '<vcpu placement="static">2</vcpu>',
                     '<source name="debian-11.0-x86_64-minimal"/>', '<target dev="veth101.1"/>',
                     '<space_hard_limit unit="bytes">2362231808</space_hard_limit>'):
        assert fragment in ours
    again = vz_xml.from_xml(ours)
    assert [n["ifname"] for n in again.netifs] == ["eth0", "eth1"]
    assert vz_xml.to_xml(again) == vz_xml.to_xml(vz_xml.from_xml(vz_xml.to_xml(again)))


def test_unnamed_bridges_take_the_free_eth_names():
    xml = ("<domain type='openvz' id='101'><name>101</name><devices>"
           "<interface type='bridge'><source bridge='br0'/></interface>"
           "<interface type='bridge'><source bridge='br1'/><guest dev='eth0'/></interface>"
           "<interface type='bridge'><source bridge='br2'/></interface>"
           "</devices></domain>")
    assert [n["ifname"] for n in vz_xml.from_xml(xml).netifs] == ["eth1", "eth0", "eth2"]


def test_a_container_without_a_template_is_a_mount_filesystem():
    ct = _container('DISKSPACE="1048576:1048576"\n', status="stopped")
    xml = vz_xml.to_xml(ct)
    assert '<filesystem type="mount">' in xml and '<source dir="/vz/private/101"/>' in xml
    assert_valid(xml)
    # The metadata keeps the $VEID form; both name the same directory.
    assert vz_conf.expand_veid(vz_xml.from_xml(xml).private, "101") == "/vz/private/101"
    libvirts = ("<domain type='openvz'><name>101</name><devices><filesystem type='mount'>"
                "<source dir='/vz/private/101'/><target dir='/'/></filesystem></devices></domain>")
    assert vz_xml.from_xml(libvirts).private == "/vz/private/101"


def test_vcpu_is_the_host_cpu_count_when_cpus_is_unset():
    xml = vz_xml.to_xml(_container('OSTEMPLATE="centos-7-x86_64"\n'), host_cpus=8)
    assert '<vcpu placement="static">8</vcpu>' in xml
    assert "vcpu" not in vz_xml.to_xml(_container('OSTEMPLATE="centos-7-x86_64"\n'))
    assert_valid(xml)


@pytest.mark.parametrize("document, param", [
    ("<domain type='openvz' id='101'><name>102</name></domain>", "xml: <name>"),
    ("<domain type='openvz' id='101'><name>web1</name><metadata><vz:container xmlns:vz='%s'>"
     "<vz:name>web2</vz:name></vz:container></metadata></domain>" % vz_xml.NS, "xml: <vz:name>"),
    ("<domain type='openvz' id='101'><devices><filesystem type='mount'><target dir='/'/></filesystem>"
     "</devices></domain>", "xml: <filesystem><source dir>"),
])
def test_contradicting_names_and_sourceless_mounts_are_refused(document, param):
    with pytest.raises(VzInputError) as info:
        vz_xml.from_xml(document)
    assert info.value.param == param


def test_the_old_name_form_is_still_read():
    ct = vz_xml.from_xml("<domain type='openvz' id='101'><name>web1</name></domain>")
    assert (ct.ctid, ct.name) == ("101", "web1")
