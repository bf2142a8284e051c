"""vzlist stand-in, legacy flavour (vzctl 4.11): replays of the real tool's
transcripts, byte for byte, and the behaviours the sources document."""
import json
import os
import re
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vzlist_fixtures as F  # noqa: E402

pytestmark = pytest.mark.skipif(F.unavailable_reason() is not None,
                                reason=str(F.unavailable_reason()))

HEADER = "      CTID      NPROC STATUS    IP_ADDR         HOSTNAME\n"


@pytest.fixture(params=["legacy"])
def vzlist_host(request, tmp_path):
    with F.emulated_host(str(tmp_path), request.param) as host:
        yield host


def conf(hostname=None, extra="", ip=None, private="/vz/private/$VEID", root="/vz/root/$VEID"):
    """A CT config as vzctl 4.11 leaves it after create (vswap-256m sample)."""
    lines = ['PHYSPAGES="0:256M"', 'SWAPPAGES="0:512M"', 'DISKSPACE="2G:2.2G"',
             'DISKINODES="131072:144179"', 'QUOTATIME="0"', 'CPUUNITS="1000"',
             'NETFILTER="stateless"']
    if ip is not None:
        lines.append('IP_ADDRESS="%s"' % ip)
    if hostname is not None:
        lines.append('HOSTNAME="%s"' % hostname)
    lines += ['VE_ROOT="%s"' % root, 'VE_PRIVATE="%s"' % private, 'VE_LAYOUT="simfs"',
              'OSTEMPLATE="debian-12.0-x86_64-minimal"', 'ORIGIN_SAMPLE="vswap-256m"']
    return "\n".join(lines) + "\n" + extra


def assert_result(result, stdout, stderr="", rc=0):
    assert (result.stdout, result.stderr, result.rc) == (stdout, stderr, rc), result


# ------------------------------------------------------ transcript replays --

def conf_101_for_04():
    """101.conf when 04-vzlist ran: 01-create's file with every 03-set diff
    applied, the newline-corrupted DESCRIPTION/NAME lines repaired (04 shows
    `my "quoted" desc` and name web1, and no parse warning)."""
    history = F.config_history(["01-create.txt", "03-set.txt"], 101)
    text = history[-1][1]
    broken = 'DESCRIPTION="line1\nline2"NAME="web1"\n'
    assert broken in text
    return text.replace(broken, 'DESCRIPTION="my "quoted" desc"\nNAME="web1"\n')


TRANSCRIPT_04 = F.vzlist_commands("04-vzlist.txt")


@pytest.mark.parametrize("argv,stdout,stderr,rc", TRANSCRIPT_04,
                         ids=[" ".join(c[0])[:60] for c in TRANSCRIPT_04])
def test_transcript_04_vzlist(vzlist_host, argv, stdout, stderr, rc):
    vzlist_host.write_zero_conf()
    vzlist_host.write_conf(101, conf_101_for_04())
    vzlist_host.name("web1", 101)
    assert_result(vzlist_host.vzlist(*argv), stdout, stderr, rc)


def _initial_101_lines():
    return F.config_history(["01-create.txt"], 101)[0][1]


def _created_conf(ctid, command):
    """The config `vzctl create` wrote for the 09-more CTs (103, 105): the
    vswap-256m sample with the create options appended (tail -8 of 105.conf
    in the transcript shows the layout)."""
    base = _initial_101_lines().replace('IP_ADDRESS="10.0.0.101"\n', "")
    hostname = command.split("--hostname ")[1].split()[0]
    text = base.replace('HOSTNAME="ct101.example.com"', 'HOSTNAME="%s"' % hostname)
    if "--private" in command:
        text = text.replace('VE_ROOT="/vz/root/$VEID"', 'VE_ROOT="/vz/root2/$VEID"')
        text = text.replace('VE_PRIVATE="/vz/private/$VEID"', 'VE_PRIVATE="/vz/private2/$VEID"')
        os.makedirs("/vz/private2/%d" % ctid, exist_ok=True)
    return text


def replay(host, name, texts):
    """Run a transcript's commands in order: configs follow its creates and
    config diffs, names its "Name X assigned", vzlist output is compared."""
    checked = 0
    blocks = F.transcript_blocks(name)
    for number, block in enumerate(blocks):
        words = block["command"].split()
        if words[:2] == ["vzctl", "create"] and block["rc"] == 0:
            ctid = int(words[2])
            nxt = blocks[number + 1]["command"] if number + 1 < len(blocks) else ""
            if nxt == "cat /etc/vz/conf/%d.conf" % ctid:
                texts[ctid] = blocks[number + 1]["stdout"]
            else:
                texts[ctid] = _created_conf(ctid, block["command"])
            host.write_conf(ctid, texts[ctid])
        if words[:2] == ["vzctl", "set"] and block["diff"]:
            ctid = int(words[2])
            lines = F._apply_normal_diff(texts[ctid].rstrip("\n").split("\n"), block["diff"])
            texts[ctid] = "\n".join(lines) + "\n"
            with open(host.conf_path(ctid), "w") as handle:
                handle.write(texts[ctid])
        if words[:2] == ["vzctl", "create"] or words[:2] == ["vzctl", "set"]:
            for line in block["stdout"].splitlines():
                if line.startswith("Name ") and line.endswith(" assigned"):
                    ctid = int(words[2])
                    for old in os.listdir("/etc/vz/names"):
                        if os.readlink("/etc/vz/names/" + old) == host.conf_path(ctid):
                            os.unlink("/etc/vz/names/" + old)
                    host.name(line[len("Name "):-len(" assigned")], ctid)
        if words[0] == "vzlist":
            result = host.vzlist(*words[1:])
            assert_result(result, block["stdout"], F.real_host_stderr(block["stderr"]),
                          block["rc"])
            checked += 1
    return checked


def test_transcript_09_more(vzlist_host):
    """09-more: names, backslashes, sorting, filters, hidden CT 110 (its
    private moved to /x/z), `-o ctid,private,root` printing /vz/priv."""
    vzlist_host.write_zero_conf()
    assert replay(vzlist_host, "09-more.txt", {}) == 11


def test_transcript_12_json_edge(vzlist_host):
    vzlist_host.write_zero_conf()
    texts = {}
    replay(vzlist_host, "09-more.txt", texts)
    # 12-json-edge ran on the host 09-more left behind.
    checked = 0
    for argv, stdout, stderr, rc in F.vzlist_commands("12-json-edge.txt"):
        assert_result(vzlist_host.vzlist(*argv), stdout, stderr, rc)
        checked += 1
    assert checked == 3


def test_transcript_06_destroy_empty_host(vzlist_host):
    """After destroy only 0.conf is left: -S prints the header (0 is a CT
    whose private area is missing, so it is hidden but counted)."""
    vzlist_host.write_zero_conf()
    commands = F.vzlist_commands("06-destroy.txt")
    assert [c[0] for c in commands] == [["-S", "-a"]]
    for argv, stdout, stderr, rc in commands:
        assert_result(vzlist_host.vzlist(*argv), stdout, stderr, rc)


def test_transcript_01_create_empty_host(vzlist_host):
    """01-create's vzlist calls, on a host with a kernel.

    `-S` is replayed as is.  The others stopped early in the transcript only
    because /proc/user_beancounters was missing (collect() returned before
    printing); with a kernel, src/vzlist.c goes on: `-a` finds 0.conf (a
    hidden CT) and prints the header or an empty JSON list, and the unknown
    CTID 101 gives "Container(s) not found" / "[]".  Exit codes are the
    transcript's.
    """
    vzlist_host.write_zero_conf()
    commands = {" ".join(c[0]): c for c in F.vzlist_commands("01-create.txt")}
    assert sorted(commands) == ["-S", "-a", "-a -j", "-j 101", "101"]
    argv, stdout, stderr, rc = commands["-S"]
    assert_result(vzlist_host.vzlist(*argv), stdout, stderr, rc)
    expected = {"-a": (HEADER, "", 0), "-a -j": ("[\n]\n", "", 0),
                "101": ("", "Container(s) not found\n", 1), "-j 101": ("[]\n", "", 1)}
    for key, (stdout, stderr, rc) in expected.items():
        assert commands[key][3] == rc
        assert commands[key][1] == "" and F.real_host_stderr(commands[key][2]) == ""
        assert_result(vzlist_host.vzlist(*key.split()), stdout, stderr, rc)


# ------------------------------------------------------ statuses and lists --

def test_status_words_and_default_running_only(vzlist_host):
    h = vzlist_host
    for ctid in (101, 102, 103, 104, 105):
        h.write_conf(ctid, conf("ct%d.example.com" % ctid, ip="10.0.0.%d/24 10.1.0.%d" % (ctid, ctid)))
    h.set_running(101)
    h.mount_root(102)
    h.write_dump(103)
    h.mount_root(104)
    h.write_dump(104)   # mounted wins over the dump file in vzlist 4.x
    result = h.vzlist("-a", "-o", "ctid,status,ip")
    assert_result(result, "      CTID STATUS    IP_ADDR\n"
                          "       101 running   10.0.0.101 10.1.0.101\n"
                          "       102 mounted   10.0.0.102/24 10.1.0.102\n"
                          "       103 suspended 10.0.0.103/24 10.1.0.103\n"
                          "       104 mounted   10.0.0.104/24 10.1.0.104\n"
                          "       105 stopped   10.0.0.105/24 10.1.0.105\n")
    # Default: running CTs only; their IPs come from the kernel (no mask).
    assert_result(h.vzlist(), HEADER + "       101          0 running   10.0.0.101      "
                                       "ct101.example.com\n")
    assert_result(h.vzlist("-S", "-H", "-o", "ctid"),
                  "       102\n       103\n       104\n       105\n")
    # Without a status column the status is not worked out (stays stopped).
    assert_result(h.vzlist("-S", "-H", "-o", "ctid", "-s", "status"),
                  "       102\n       103\n       104\n       105\n")


def test_no_running_containers(vzlist_host):
    vzlist_host.write_conf(101, conf("a"))
    assert_result(vzlist_host.vzlist(), "", "Container(s) not found\n", 0)
    assert_result(vzlist_host.vzlist("-j"), "[]\n", "", 0)
    assert_result(vzlist_host.vzlist("-a", "-H", "-o", "ctid"), "       101\n")


def test_hidden_without_private_unless_running(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("gone"), private=False)
    h.write_conf(102, conf("here"))
    h.write_conf(103, conf("runs"), private=False)
    h.set_running(103)
    assert_result(h.vzlist("-a", "-H", "-o", "ctid,hostname"),
                  "       102 here\n       103 runs\n")
    # A requested CT that is hidden is still "found": header, no row, exit 0.
    assert_result(h.vzlist("101"), HEADER)
    assert_result(h.vzlist("-j", "101"), "[\n]\n")
    assert_result(h.vzlist("101", "999"), HEADER)
    assert_result(h.vzlist("999"), "", "Container(s) not found\n", 1)


def test_running_ct_kernel_values(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("r", ip="10.0.0.1/24 2001:DB8::05",
                           extra='NUMPROC="100:200"\nCPUS="2"\nCPULIMIT="50"\n'))
    h.set_running(101, started=time.time() - (2 * 86400 + 3 * 3600 + 4 * 60 + 5))
    result = h.vzlist("-H", "-o", "ctid,numproc,numproc.b,numproc.l,kmemsize.l,cpus,cpulimit,"
                      "cpuunits,laverage,uptime,ip")
    assert result.stdout.startswith(
        "       101          0        100        200 9223372036854775807     2      50"
        "    1000 0.00/0.00/0.00 002d03h:04m:0"), result
    assert result.stdout.endswith(" 10.0.0.1 2001:db8::5\n"), result
    data = json.loads(h.vzlist("-j", "-o", "ip,numproc,laverage,uptime,status").stdout)
    assert data[0]["ip"] == ["10.0.0.1", "2001:db8::5"]
    assert data[0]["numproc"] == {"held": 0, "maxheld": 0, "barrier": 100, "limit": 200,
                                  "failcnt": 0}
    assert data[0]["laverage"] == [0.0, 0.0, 0.0]
    assert 183845 <= data[0]["uptime"] < 183900
    # What `vzctl set` applied live (without --save) is what the kernel has.
    h.set_applied(101, {"ip": ["192.0.2.7/24", "192.0.2.8"], "ub": {"NUMPROC": [5, 6]}})
    assert_result(h.vzlist("-H", "-o", "ip,numproc.b,numproc.l,ctid"),
                  "192.0.2.7                5          6        101\n")
    assert_result(h.vzlist("-H", "-o", "ctid,ip"), "       101 192.0.2.7 192.0.2.8\n")
    # The start time the vzctl stand-in records wins over the file's mtime.
    h.set_running(101, info={"start": time.time() - 90.5, "ip": ["10.0.0.1"]})
    # 90 s ago, with up to half a minute of slack for a loaded machine.
    uptime = h.vzlist("-H", "-o", "uptime")
    assert re.fullmatch(r"000d00h:01m:[3-5][0-9]s\n", uptime.stdout), uptime


# ---------------------------------------------------------------- JSON --

FULL_CONF = conf("full.example.com", ip="10.0.0.7/24 10.0.0.8", extra="""\
NAME="full"
DESCRIPTION="a description"
NAMESERVER="8.8.8.8 1.1.1.1"
SEARCHDOMAIN="example.com"
MOUNT_OPTS="noatime"
ONBOOT="no"
BOOTORDER="5"
CPULIMIT="25%"
CPUS="1"
IOPRIO="3"
IOLIMIT="1M"
IOPSLIMIT="10"
DISABLED="yes"
VM_OVERCOMMIT="1.5"
FEATURES="bridge:on nfs:off"
CAPABILITY="SYS_TIME:off NET_ADMIN:on"
""")

TYPES = {
    "ctid": int, "veid": int, "vpsid": int, "private": str, "root": str, "mount_opts": str,
    "origin_sample": str, "hostname": str, "name": str, "smart_name": str,
    "description": str, "ostemplate": str, "ip": list, "nameserver": list,
    "searchdomain": list, "status": str, "diskspace": dict, "diskinodes": dict,
    "laverage": type(None), "uptime": float, "cpulimit": int, "cpuunits": int, "cpus": int,
    "ioprio": int, "iolimit": int, "iopslimit": int, "onboot": bool, "bootorder": int,
    "layout": str, "features": dict, "vswap": bool, "disabled": bool,
    "vm_overcommit": float, "netfilter": str, "capability": dict,
}


def test_json_every_field_and_type(vzlist_host):
    h = vzlist_host
    h.write_conf(101, FULL_CONF)
    h.name("full", 101)
    result = h.vzlist("-a", "-j")
    assert result.rc == 0 and result.stderr == ""
    pairs = json.loads(result.stdout, object_pairs_hook=lambda items: items)
    keys = [key for key, _value in pairs[0]]
    ubc = ["kmemsize", "lockedpages", "privvmpages", "shmpages", "numproc", "physpages",
           "vmguarpages", "oomguarpages", "numtcpsock", "numflock", "numpty", "numsiginfo",
           "tcpsndbuf", "tcprcvbuf", "othersockbuf", "dgramrcvbuf", "numothersock",
           "dcachesize", "numfile", "numiptent", "swappages"]
    assert keys == (["ctid", "veid", "vpsid", "private", "root", "mount_opts", "origin_sample",
                     "hostname", "name", "smart_name", "description", "ostemplate", "ip",
                     "nameserver", "searchdomain", "status"] + ubc
                    + ["diskspace", "diskinodes", "laverage", "uptime", "cpulimit", "cpuunits",
                       "cpus", "ioprio", "iolimit", "iopslimit", "onboot", "bootorder",
                       "layout", "features", "vswap", "disabled", "vm_overcommit",
                       "netfilter", "capability"])
    for key in ubc:
        fields = [name for name, _value in dict(pairs[0])[key]]
        assert fields == ["held", "maxheld", "barrier", "limit", "failcnt"]
    data = json.loads(result.stdout)[0]
    for key, kind in TYPES.items():
        assert isinstance(data[key], kind) and not (kind is int and isinstance(data[key], bool)), key
    for key in ubc:
        assert all(isinstance(value, int) for value in data[key].values())
    assert data["ip"] == ["10.0.0.7/24", "10.0.0.8"]
    assert data["smart_name"] == "full"
    assert data["cpulimit"] == 50     # 25% x 2 host CPUs
    assert data["iolimit"] == 1048576
    assert data["physpages"]["limit"] == 65536
    assert data["vswap"] is True and data["onboot"] is False and data["disabled"] is True
    assert dict(pairs[0])["features"] == [("nfs", False), ("bridge", True)]
    assert dict(pairs[0])["capability"] == [("net_admin", True), ("sys_timen", False)]
    assert '"uptime": 0.000,' in result.stdout and '"vm_overcommit": 1.5,' in result.stdout


def test_json_unset_values(vzlist_host):
    h = vzlist_host
    h.write_conf(101, 'VE_PRIVATE="/vz/private/$VEID"\n')
    data = json.loads(h.vzlist("-a", "-j").stdout)[0]
    assert data["root"] == "/vz/root/101"   # vz.conf's VE_ROOT, $VEID substituted
    assert data["hostname"] is None and data["name"] is None and data["description"] is None
    assert data["smart_name"] == 101 and data["ip"] == [] and data["nameserver"] == []
    assert data["diskspace"] is None and data["cpulimit"] is None and data["cpuunits"] is None
    assert data["onboot"] is None and data["bootorder"] is None and data["features"] is None
    assert data["capability"] is None and data["netfilter"] is None
    assert data["cpus"] == 0 and data["ioprio"] == 0 and data["layout"] == "simfs"
    assert data["kmemsize"] == {"held": 0, "maxheld": 0, "barrier": 0, "limit": 0, "failcnt": 0}
    assert data["vswap"] is True   # physpages limit 0 is not LONG_MAX


def test_json_strings_are_not_escaped(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("h", extra='DESCRIPTION="say "hi"\\\\ \\there"\n'))
    result = h.vzlist("-a", "-j", "-o", "ctid,description")
    assert result.stdout == '[\n  {\n    "ctid": 101,\n    "description": "say "hi"\\ there"\n  }\n]\n'


def test_json_refuses_suffixed_fields(vzlist_host):
    vzlist_host.write_conf(101, conf("h"))
    for field in ("numproc.m", "kmemsize.b", "diskinodes.h"):
        assert_result(vzlist_host.vzlist("-a", "-j", "-o", "ctid," + field), "",
                      "Field `%s' is not available in JSON output\n" % field, 1)


@pytest.mark.parametrize("caps,json_names,text", [
    ("NET_ADMIN:on SYS_TIME:off", ["net_admin", "sys_timen"], "net_admin:on,sys_time:off"),
    ("sys_time:off,net_admin:on", ["net_admin", "sys_timen"], "net_admin:on,sys_time:off"),
    ("SYS_TIME:on", ["sys_time"], "sys_time:on"),
    ("CHOWN:on KILL:off SYS_ADMIN:on", ["chown", "killn", "sys_admin"],
     "chown:on,kill:off,sys_admin:on,fs_mask:on"),
    ("NET_BIND_SERVICE:on MKNOD:off LEASE:on", ["net_bind_service", "mknodind_service",
                                                "leaseind_service"],
     "net_bind_service:on,mknod:off,lease:on"),
])
def test_capability_names_buffer_bug(vzlist_host, caps, json_names, text):
    """print_json_cap() copies each lowercased name into a 64-byte buffer
    without terminating it, so a shorter name keeps the tail of the longest
    earlier one; index 32 (FS_MASK) aliases bit 0 (CHOWN)."""
    h = vzlist_host
    h.write_conf(101, conf("h", extra='CAPABILITY="%s"\n' % caps))
    pairs = json.loads(h.vzlist("-a", "-j", "-o", "capability").stdout,
                       object_pairs_hook=lambda items: items)
    names = [name for name, _value in pairs[0][0][1]]
    if caps.startswith("CHOWN"):
        json_names = json_names + ["fs_maskin"]
    assert names == json_names
    assert_result(h.vzlist("-a", "-H", "-o", "capability,ctid"), "%-15s        101\n" % text)


# -------------------------------------------------------------- text output --

def test_trimming_and_no_trim(vzlist_host):
    h = vzlist_host
    long_host = "a-very-long-hostname.subdomain.example.com"
    h.write_conf(101, conf(long_host, ip="10.0.0.1 10.0.0.2",
                           extra='FEATURES="sysfs:on nfs:on sit:off ipip:on"\nNAME="averylongname"\n'))
    h.name("averylongname", 101)
    assert_result(h.vzlist("-a", "-H", "-o", "hostname,ip,features,ctid"),
                  long_host[:32] + " 10.0.0.1        sysfs:on,nfs:on        101\n")
    assert_result(h.vzlist("-a", "-H", "-o", "ctid,hostname,ip"),
                  "       101 %-32s 10.0.0.1 10.0.0.2\n" % long_host[:32])
    assert_result(h.vzlist("-a", "-H", "-t", "-o", "hostname,ip,features,ctid"),
                  long_host + " 10.0.0.1 10.0.0.2 sysfs:on,nfs:on,sit:off,ipip:on        101\n")
    # print_strlist() cuts the CT's own string: the later column sees it cut.
    assert_result(h.vzlist("-a", "-H", "-o", "ip,ip"), "10.0.0.1        10.0.0.1\n")
    # smart name: right-aligned in 10 and cut there unless last.
    assert_result(h.vzlist("-a", "-n", "-H"),
                  "averylongn          - stopped   10.0.0.1        %s\n" % long_host)
    assert_result(h.vzlist("-a", "-H", "-o", "smart_name"), "averylongname\n")


def test_private_column_width_quirk(vzlist_host):
    """The real 4.11.1 printed a trimmed PRIVATE as 8 bytes (09-more)."""
    h = vzlist_host
    h.write_conf(101, conf("h"))
    os.makedirs("/vz/p", exist_ok=True)
    h.write_conf(102, conf("h", private="/vz/p"), private=False)
    assert_result(h.vzlist("-a", "-o", "private,ctid"),
                  "PRIVATE                                CTID\n"
                  "/vz/priv        101\n"
                  "/vz/p           102\n")
    assert_result(h.vzlist("-a", "-H", "-o", "ctid,private"),
                  "       101 /vz/private/101\n       102 /vz/p\n")
    assert_result(h.vzlist("-a", "-H", "-t", "-o", "private,ctid"),
                  "/vz/private/101                         101\n"
                  "/vz/p                                   102\n")


def test_missing_values_and_unlimited(vzlist_host):
    h = vzlist_host
    h.write_conf(101, 'VE_PRIVATE="/vz/private/$VEID"\nKMEMSIZE="unlimited"\n')
    assert_result(h.vzlist("-a", "-H", "-o", "ctid,hostname,kmemsize,kmemsize.b,diskspace,"
                           "onboot,cpus,ioprio,iolimit,vm_overcommit,netfilter,layout"),
                  "       101 -                                         - 9223372036854775807"
                  "          -      -     -   -          -      - (null)    simfs\n")


def test_numbers_and_suffixes(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("h", extra='KMEMSIZE="64M:70M"\nPRIVVMPAGES="1G"\n'
                                      'NUMPROC="1K"\nDISKSPACE="9"\n'))
    result = h.vzlist("-a", "-H", "-o", "ctid,kmemsize.b,kmemsize.l,privvmpages.l,numproc.l,"
                      "diskspace.s,diskspace.h")
    # NUMPROC takes no suffix; a second DISKSPACE is ignored (parse_dq()
    # keeps the first one, unlike the beancounters, where the last wins).
    assert_result(result, "       101   67108864   73400320     262144          0    2097152"
                          "    2306867\n",
                  "Warning at /etc/vz/conf/101.conf:16: invalid value for NUMPROC (\"1K\"), "
                  "skipped\n"
                  "Warning at /etc/vz/conf/101.conf:17: duplicate for DISKSPACE (\"9\"), "
                  "ignored\n")


def test_config_warnings(vzlist_host):
    h = vzlist_host
    h.write_conf(101, 'HOSTNAME="one"\nHOSTNAME="two"\nONBOOT="maybe"\nbroken line\n'
                      'DESCRIPTION="no end\nFEATURES="nfs:on bogus:on"\nNETFILTER="wide"\n'
                      'VE_PRIVATE="/vz/private/$VEID"\n')
    result = h.vzlist("-a", "-H", "-o", "ctid,hostname,features,netfilter")
    assert result.stdout == ("Warning: Unknown feature: bogus:on\n"
                             "       101 %-32s nfs:on          (null)\n" % "one")
    assert result.stderr == (
        'Warning at /etc/vz/conf/101.conf:2: duplicate for HOSTNAME ("two"), ignored\n'
        'Warning at /etc/vz/conf/101.conf:3: invalid value for ONBOOT ("maybe"), skipped\n'
        "Warning: can't parse /etc/vz/conf/101.conf:4 ('=' not found), skipping\n"
        "Warning: can't parse /etc/vz/conf/101.conf:5 (unmatched quotes), skipping\n"
        "Incorrect netfilter value: wide\n"
        'Warning at /etc/vz/conf/101.conf:7: invalid value for NETFILTER ("wide"), skipped\n')


def test_name_shown_only_with_its_symlink(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("h", extra='NAME="web"\n'))
    h.write_conf(102, conf("h", extra='NAME="db"\n'))
    h.name("db", 102)
    assert_result(h.vzlist("-a", "-H", "-o", "ctid,name,smart_name"),
                  "       101 -                                       101\n"
                  "       102 db                                       db\n")
    assert_result(h.vzlist("-H", "-o", "ctid", "db"), "       102\n")
    assert_result(h.vzlist("web"), "", "CT ID web is invalid.\n", 1)


# ---------------------------------------------------------- sorting/filters --

def _sort_host(h):
    h.write_conf(101, conf("m.example.com", extra='BOOTORDER="5"\nNUMPROC="10:300"\n'))
    h.write_conf(102, conf("a.example.com", extra='NUMPROC="30:100"\n'))
    h.write_conf(103, conf(None, extra='BOOTORDER="1"\nNUMPROC="20:200"\n'))
    h.write_conf(104, conf("z.example.com", extra='BOOTORDER="5"\n'))
    h.write_conf(105, conf("a.example.com", extra='NUMPROC="20:200"\n'))


@pytest.mark.parametrize("sort,order", [
    ("hostname", [103, 102, 105, 101, 104]),        # unset first, ties stay in CTID order
    ("-hostname", [104, 101, 105, 102, 103]),       # reverse prints the sorted list backwards
    ("ctid", [101, 102, 103, 104, 105]),
    ("-ctid", [105, 104, 103, 102, 101]),
    ("bootorder", [105, 102, 103, 104, 101]),       # unset first, by descending CTID
    ("numproc.b", [104, 102, 103, 105, 101]),       # .b sorts by the limit (swapped in 4.x)
    ("numproc.l", [104, 101, 103, 105, 102]),       # .l sorts by the barrier
    ("onboot", [101, 102, 103, 104, 105]),          # no sort function: CTID order
])
def test_sorting(vzlist_host, sort, order):
    _sort_host(vzlist_host)
    result = vzlist_host.vzlist("-a", "-H", "-o", "ctid", "-s", sort)
    assert result.stdout == "".join("%10d\n" % ctid for ctid in order), result


@pytest.mark.parametrize("option,pattern,ctids", [
    ("-h", "*.example.com", [101, 102, 104]),
    ("--hostname", "[ab]*", [102]),
    ("-h", "?.example.com", [101, 102, 104]),
    ("-h", "[!m]*", [102, 104]),
    ("-h", "[[:alpha:]].example.com", [101, 102, 104]),
    ("-N", "w*", [101]),
    ("--name_filter", "*", [101, 103]),
    ("-d", "star\\*", [104]),
    ("--description", "star*", [102, 104]),
    ("-d", "*", [102, 104]),
])
def test_filters(vzlist_host, option, pattern, ctids):
    h = vzlist_host
    h.write_conf(101, conf("m.example.com", extra='NAME="web"\n'))
    h.name("web", 101)
    h.write_conf(102, conf("a.example.com", extra='DESCRIPTION="stars"\n'))
    h.write_conf(103, conf(None, extra='NAME="db"\n'))
    h.name("db", 103)
    h.write_conf(104, conf("z.example.com", extra='DESCRIPTION="star*"\n'))
    result = h.vzlist("-a", "-H", "-o", "ctid", option, pattern)
    assert result.stdout == "".join("%10d\n" % ctid for ctid in ctids), result


# ------------------------------------------------------------ the command line --

def test_long_options(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("h1"))
    h.write_conf(102, conf("h2"))
    assert_result(h.vzlist("--all", "--no-header", "--output=ctid,hostname", "--sort", "-ctid"),
                  "       102 h2\n       101 h1\n")
    assert_result(h.vzlist("--stopped", "--json", "--output", "ctid", "101"),
                  '[\n  {\n    "ctid": 101\n  }\n]\n')
    assert_result(h.vzlist("--al", "--no-h", "--so=hostname", "--ou", "hostname"), "h1\nh2\n")
    assert_result(h.vzlist("-aHoctid"), "       101\n       102\n")
    assert_result(h.vzlist("101", "-H", "-o", "ctid"), "       101\n")
    assert_result(h.vzlist("-a", "-H", "-o", "ctid", "--", "102"), "       102\n")


@pytest.mark.parametrize("argv,stderr", [
    (["-x"], "vzlist: invalid option -- 'x'\n"),
    (["-o"], "vzlist: option requires an argument -- 'o'\n"),
    (["--bogus"], "vzlist: unrecognized option '--bogus'\n"),
    (["--no"], "vzlist: option '--no' is ambiguous; possibilities: '--no-header' '--no-trim'\n"),
    (["--s"], "vzlist: option '--s' is ambiguous; possibilities: '--stopped' '--sort'\n"),
    (["--all=1"], "vzlist: option '--all' doesn't allow an argument\n"),
    (["--output"], "vzlist: option '--output' requires an argument\n"),
    (["--help"], ""),
])
def test_bad_options_print_usage(vzlist_host, argv, stderr):
    result = vzlist_host.vzlist(*argv)
    assert result.rc == 1 and result.stderr == stderr, result
    assert result.stdout.startswith("Usage:\tvzlist [-a | -S] [-n] [-H] [-o field[,field...] | -1]")
    assert result.stdout.endswith("\t-L, --list\t\tget possible field names\n")


@pytest.mark.parametrize("argv,stderr", [
    (["-o", "ctid,nosuch"], "Unknown field: nosuch\n"),
    (["-o", "ctid,"], None),
    (["-o", ""], "Unknown field: \n"),
    (["-o", "ctid," + "x" * 30], "Unknown field: " + "x" * 30 + "\n"),
    (["-o", "ctid," + "x" * 31 + ",ctid"], "Invalid field: " + "x" * 31 + ",ctid\n"),
    (["-s", "nosuch"], "Invalid sort field name: nosuch\n"),
    (["-s", "-nosuch", "-o", "bad"], "Invalid sort field name: -nosuch\n"),
    (["-o", "bad", "-s", "nosuch"], "Invalid sort field name: nosuch\n"),
    (["nosuchname"], "CT ID nosuchname is invalid.\n"),
    (["-5"], "vzlist: invalid option -- '5'\n"),
    (["--", "-5"], "CT ID -5 is invalid.\n"),
    (["2147483645"], "CT ID 2147483645 is invalid.\n"),
])
def test_errors(vzlist_host, argv, stderr):
    vzlist_host.write_conf(101, conf("h"))
    result = vzlist_host.vzlist("-a", *argv)
    if stderr is None:
        assert result.rc == 0 and result.stderr == "", result
    else:
        assert result.rc == 1 and result.stderr == stderr, result


def test_list_fields_ignores_the_rest(vzlist_host):
    """-L prints and exits while options are parsed: later ones are unseen."""
    listing = [c for c in TRANSCRIPT_04 if c[0] == ["-L"]][0][1]
    assert_result(vzlist_host.vzlist("-L", "-s", "bogus", "-o", "bad"), listing)
    assert_result(vzlist_host.vzlist("-s", "bogus", "-L"), "", "Invalid sort field name: bogus\n", 1)


def test_not_root(vzlist_host, public_emulator_bin):
    vzlist_host.write_conf(101, conf("h"))
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           os.path.join(public_emulator_bin, "vzlist"), "-a"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        b"", b"This program can only be run under root.\n", 1)
    # Field errors come first, as in main().
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           os.path.join(public_emulator_bin, "vzlist"), "-o", "bad"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert proc.stderr == b"Unknown field: bad\n"


def test_two_hundred_containers_quickly(vzlist_host):
    h = vzlist_host
    for ctid in range(1000, 1200):
        h.write_conf(ctid, conf("ct%d.example.com" % ctid, ip="10.1.%d.%d" % (ctid // 256, ctid % 256)))
        if ctid % 3 == 0:
            h.set_running(ctid)
    result = h.vzlist("-a")
    assert result.rc == 0 and len(result.stdout.splitlines()) == 201
    assert result.seconds < 2.0, result.seconds
    result = h.vzlist("-a", "-j")
    assert len(json.loads(result.stdout)) == 200
    assert result.seconds < 3.0, result.seconds
    running = h.vzlist("-H", "-o", "ctid").stdout.split()
    assert running == [str(c) for c in range(1000, 1200) if c % 3 == 0]


def test_config_read_by_vzctls_reader(vzlist_host):
    """vzlist reads configs with vzctl's vps_parse_config() (the same port):
    its warnings, its values, no traceback on a number beyond a double."""
    h = vzlist_host
    h.write_conf(101, conf("r", extra='CPULIMIT="25%"\n'))
    h.set_running(101)
    h.write_conf(102, conf("s", extra='KMEMSIZE="1.0e400"\nDEVICES="c:1:2:rw x"\n'
                                      'IP_ADDRESS="10.0.0.1 bad"\nDCACHE="z"\n'))
    # the kernel holds the limit vzctl start applied: 25% of each of 2 CPUs
    assert_result(h.vzlist("-H", "-o", "ctid,cpulimit"), "       101      50\n")
    result = h.vzlist("-a", "-H", "-o", "ctid,kmemsize.l")
    assert result.stdout == ("       101 9223372036854775807\n"
                             "       102 9223372036854775807\n"), result
    assert result.stderr == (
        'Warning at /etc/vz/conf/102.conf:14: too large value for KMEMSIZE ("1.0e400"), truncated\n'
        'Warning at /etc/vz/conf/102.conf:15: invalid value for DEVICES ("c:1:2:rw"), skipped\n'
        'Warning at /etc/vz/conf/102.conf:16: invalid value for IP_ADDRESS ("10.0.0.1"), skipped\n'
        'Warning at /etc/vz/conf/102.conf:17: invalid value for DCACHE ("z"), skipped\n'), result
