"""The domain XML codec: libvirt's format, schema validity, round trips, hostile documents."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils import vz_conf, vz_xml
from ansible_collections.openvz.vz.plugins.module_utils.vz_errors import VzInputError

from harness.domain_schema import assert_valid

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
    ct = vz_conf.container_from_conf("101", vz_conf.parse_conf_text(text, "101.conf"), GLOBALS)
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


def test_stopped_container_has_no_id_and_named_container_keeps_ctid_in_metadata():
    xml = vz_xml.to_xml(_container('NAME="web1"\nOSTEMPLATE="centos-7-x86_64"\n', status="stopped"))
    assert '<domain type="openvz">' in xml
    assert "<name>web1</name>" in xml
    assert 'ctid="101"' in xml
    assert_valid(xml)


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
