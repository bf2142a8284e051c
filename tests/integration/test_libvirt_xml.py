"""Domain XML as libvirt's own OpenVZ driver writes it, as input to openvz.vz.container."""
import json
import os

from ansible_collections.openvz.vz.tests.unit.support.libvirt_schema import assert_valid

# The shape of libvirt 9.0's `virsh dumpxml` (../shared/openvz-facts.md): <name>
# is the CTID, no <guest dev>, <memory> always 0, <vcpu> the host's CPU count
# when CPUS is unset, venet MACs all zero.
DUMPXML = """<domain type='openvz'>
  <name>101</name>
  <uuid>b0d03461-ac2a-4c8c-a93c-11dc0fec157c</uuid>
  <memory unit='KiB'>0</memory>
  <currentMemory unit='KiB'>0</currentMemory>
  <vcpu placement='static'>%d</vcpu>
  <os><type>exe</type><init>/sbin/init</init></os>
  <clock offset='utc'/>
  <devices>
    <filesystem type='template'>
      <source name='debian-12.0-x86_64-minimal'/>
      <target dir='/'/>
      <space_hard_limit unit='bytes'>2362231808</space_hard_limit>
      <space_soft_limit unit='bytes'>2147483648</space_soft_limit>
    </filesystem>
    <interface type='ethernet'>
      <mac address='00:00:00:00:00:00'/>
      <ip address='192.0.2.101' family='ipv4'/>
    </interface>
    <interface type='bridge'>
      <mac address='00:18:51:aa:bb:01'/>
      <source bridge='br0'/>
      <target dev='veth101.0'/>
    </interface>
    <interface type='bridge'>
      <source bridge='br1'/>
    </interface>
  </devices>
</domain>
""" % os.cpu_count()


def _play(xml):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"name": "define", "openvz.vz.container": {"xml": xml}, "register": "r"}]}], indent=1)


def test_libvirts_dumpxml_defines_the_container_and_a_re_run_changes_nothing(openvz_host, run_playbook):
    first = run_playbook(_play(DUMPXML))
    task = first.task("define")
    if openvz_host.flavour == "vz7":
        # libvirt's OpenVZ driver is vzctl 4.x's; vzctl 7 has no bridges (a veth joins a
        # virtual network), so such a document is refused there before anything runs.
        assert task["failed"] and task["result"]["msg"].startswith("netifs[0].bridge: OpenVZ 7"), str(first)
        assert openvz_host.mutating_calls() == []
        return
    assert not task["failed"], str(first)
    assert "<memory> 0 is read as not given" in first.stderr + first.stdout
    conf = openvz_host.conf_text(101)
    assert 'IP_ADDRESS="192.0.2.101"' in conf
    assert "ifname=eth0,bridge=br0,mac=00:18:51:AA:BB:01,host_ifname=veth101.0" in conf
    assert "ifname=eth1,bridge=br1" in conf
    # <vcpu> equal to the host's CPU count is libvirt's picture of "CPUS unset".
    assert "CPUS=" not in conf
    # OpenVZ 7 sizes the ploop image to the hard limit and stores hard:hard.
    assert {"legacy": 'DISKSPACE="2097152:2306867"', "vz7": 'DISKSPACE="2306867:2306867"'}[openvz_host.flavour] in conf
    xml = task["result"]["xml"]
    assert "<name>101</name>" in xml and '<vcpu placement="static">%d</vcpu>' % os.cpu_count() in xml
    assert_valid(xml)
    openvz_host.clear_calls()
    again = run_playbook(_play(DUMPXML))
    assert not again.task("define")["changed"], again.task("define")["result"]["commands"]
    assert not openvz_host.mutating_calls()
    # Our own returned document, fed back, changes nothing either.
    mine = run_playbook(_play(xml))
    assert not mine.task("define")["changed"], mine.task("define")["result"]["commands"]
