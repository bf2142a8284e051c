"""vzlist stand-in: the C behaviours it reproduces, tested in-process
(no root, no emulated host needed)."""
import pytest

from vzemu.vzlist import common, legacy, legacy_conf, vz7


class Recorder(object):
    def __init__(self):
        self.outs = []
        self.errs = []

    def out(self, data):
        self.outs.append(common.b(data))

    def err(self, data):
        self.errs.append(common.b(data))


SHORT = "HtSanjN:h:d:o:s:Le1"


@pytest.mark.parametrize("argv,opts,args", [
    (["-aH", "-octid", "101"], [("a", None), ("H", None), ("o", "ctid")], ["101"]),
    (["101", "-o", "ctid", "102"], [("o", "ctid")], ["101", "102"]),
    (["--output=ctid", "--sort", "-hostname"], [("o", "ctid"), ("s", "-hostname")], []),
    (["--json", "--", "-1"], [("j", None)], ["-1"]),
    (["-", "-1"], [("1", None)], ["-"]),
    (["--name"], [("n", None)], []),              # exact match beats prefixes
    (["--name_f", "x*"], [("N", "x*")], []),
])
def test_getopt_long(argv, opts, args):
    got = common.getopt_long(argv, SHORT, legacy.LONG_OPTIONS, Recorder())
    assert got == (opts, args)


def test_getopt_posixly_correct(monkeypatch):
    monkeypatch.setenv("POSIXLY_CORRECT", "1")
    assert common.getopt_long(["101", "-a"], SHORT, legacy.LONG_OPTIONS, Recorder()) == (
        [], ["101", "-a"])


@pytest.mark.parametrize("argv,message", [
    (["-z"], "vzlist: invalid option -- 'z'\n"),
    (["-s"], "vzlist: option requires an argument -- 's'\n"),
    (["--nam"], "vzlist: option '--nam' is ambiguous; possibilities: '--name' '--name_filter'\n"),
    (["--x=1"], "vzlist: unrecognized option '--x=1'\n"),
    (["--json=yes"], "vzlist: option '--json' doesn't allow an argument\n"),
])
def test_getopt_errors(argv, message):
    rec = Recorder()
    with pytest.raises(common.GetoptError):
        common.getopt_long(argv, SHORT, legacy.LONG_OPTIONS, rec)
    assert rec.errs == [message.encode()]


@pytest.mark.parametrize("pattern,name,match", [
    (b"*.example.com", b"a.example.com", True),
    (b"*", b"a/b", True),                      # no FNM_PATHNAME
    (b"?", b"ab", False),
    (b"[a-c]x", b"bx", True),
    (b"[!a-c]x", b"bx", False),
    (b"[^a]x", b"bx", True),
    (b"[]a]", b"]", True),
    (b"[[:digit:]]*", b"7up", True),
    (b"a\\*", b"a*", True),
    (b"a\\*", b"ab", False),
    (b"[abc", b"[abc", True),                 # an unterminated bracket is literal
    (b"web", b"web1", False),
])
def test_fnmatch(pattern, name, match):
    assert common.fnmatch(pattern, name) is match


def test_qsort_is_glibc_merge_sort():
    # A comparator that only says "greater" (1) or not (0) still sorts, and
    # ties keep their order.
    items = [(3, "a"), (1, "b"), (3, "c"), (2, "d"), (1, "e")]
    assert common.qsort(items, lambda x, y: int(x[0] > y[0])) == [
        (1, "b"), (1, "e"), (2, "d"), (3, "a"), (3, "c")]
    # bootorder-style comparator: "both unset" returns !(a > b).
    assert common.qsort([1, 2, 3, 4], lambda x, y: int(not x > y)) == [4, 3, 2, 1]


@pytest.mark.parametrize("text,divisor,unlimited,result", [
    (b"14372700:14790164", 1, True, (0, (14372700, 14790164))),
    (b"240", 0, True, (0, (240, 240))),
    (b"1K", 0, True, (legacy_conf.ERR_INVAL, None)),
    (b"0:256M", 4096, True, (0, (0, 65536))),
    (b"2G:2.2G", 1024, False, (0, (2097152, 2306867))),
    (b"unlimited", 4096, True, (0, (common.LONG_MAX, common.LONG_MAX))),
    (b"unlimited", 1024, False, (legacy_conf.ERR_INVAL, None)),
    (b"", 1, True, (0, (0, 0))),
    (b"10:", 1, True, (0, (10, 0))),
    (b"10x", 1, True, (legacy_conf.ERR_INVAL, None)),
    (b"99999999999999999999", 1, True, (legacy_conf.ERR_INVAL, None)),
    (b"9999999999999999999", 1, True, (legacy_conf.ERR_LONG_TRUNC,
                                       (common.LONG_MAX, common.LONG_MAX))),
    (b"9000000000T", 1, True, (legacy_conf.ERR_LONG_TRUNC,
                               (common.LONG_MAX, common.LONG_MAX))),
])
def test_parse_twoul_sfx(text, divisor, unlimited, result):
    assert legacy_conf.parse_twoul_sfx(text, divisor, unlimited) == result


@pytest.mark.parametrize("raw,parsed", [
    (b'HOSTNAME="a.b"\n', (b"HOSTNAME", b"a.b", None)),
    (b'  DESCRIPTION="say "hi" now"  \n', (b"DESCRIPTION", b'say "hi" now', None)),
    (b"NAMESERVER=inherit # comment\n", (b"NAMESERVER", b"inherit # comment", None)),
    (b'X="back\\slash"\n', (b"X", b"backslash", None)),
    (b'X="open\n', (None, None, "unmatched quotes")),
    (b"garbage\n", (None, None, "'=' not found")),
    (b"# X=1\n", (None, None, None)),
    (b"ONBOOT = yes\n", (b"ONBOOT ", b" yes", None)),
])
def test_legacy_parse_line(raw, parsed):
    assert legacy_conf.parse_line(raw) == parsed


@pytest.mark.parametrize("raw,parsed", [
    (b'NAMESERVER=inherit # comment\n', (b"NAMESERVER", b"inherit")),
    (b'DESCRIPTION="a # b"\n', (b"DESCRIPTION", b"a # b")),
    (b"NAME='x'\n", (b"NAME", b"x")),
])
def test_vz7_parse_line(raw, parsed):
    assert vz7.parse_line(raw) == parsed


def test_fgets_sized_reads_lose_the_last_byte_of_a_one_line_file(tmp_path):
    path = tmp_path / "x.conf"
    path.write_bytes(b'HOSTNAME="x"')
    # fgets(buf, size) reads size - 1 bytes; the next call gets the rest.
    assert common.read_lines_like_fgets(str(path)) == [b'HOSTNAME="x', b'"']
    path.write_bytes(b'A="1"\nB="2"')
    assert common.read_lines_like_fgets(str(path)) == [b'A="1"\n', b'B="2"']


@pytest.mark.parametrize("token,result", [
    (b"nfs:on", (1, True)), (b"nfsd:off", (7, False)), (b"sysfs:on", (0, True)),
    (b"bogus:on", None), (b"abcd:on", (7, True)), (b"abcd=off", (7, False)),
    (b"nfs:yes", None),
])
def test_find_feature_falls_through_to_nfsd(token, result):
    assert legacy_conf.find_feature(token) == result


@pytest.mark.parametrize("token,canon", [
    (b"10.0.0.1", b"10.0.0.1"), (b"2001:DB8::05", b"2001:db8::5"),
    (b"10.0.0.1/024", b"10.0.0.1/24"), (b"10.0.0.1/33", None), (b"010.0.0.1", None),
    (b"::ffff:1.2.3.4", b"::ffff:1.2.3.4"), (b"999.1.1.1", None),
])
def test_canon_ip(token, canon):
    assert legacy_conf.canon_ip(token) == canon


def test_ip_list_drops_same_address_with_other_mask():
    ips = []
    assert legacy_conf.parse_ip(ips, b"10.0.0.1/24 10.0.0.1 10.0.0.2 0.0.0.0") == 0
    assert ips == [b"10.0.0.1/24", b"10.0.0.2"]
    assert legacy_conf.parse_ip(ips, b"10.0.0.3 bad 10.0.0.4") == legacy_conf.ERR_INVAL
    assert ips == [b"10.0.0.1/24", b"10.0.0.2", b"10.0.0.3"]


def test_capability_json_and_text():
    on = 1 << 12            # NET_ADMIN
    off = 1 << 25           # SYS_TIME
    assert legacy.cap_json(on, off) == (b'{\n      "net_admin": true,\n'
                                        b'      "sys_timen": false\n    }')
    assert legacy.cap_text(on, off) == b"net_admin:on,sys_time:off"
    assert legacy.cap_json(0, 0) == b"null" and legacy.cap_text(0, 0) == b"-"
    everything = legacy.cap_text(0xFFFFFFFF, 0)
    assert len(everything) == 511 or everything.endswith(b"fs_mask:on")


def test_uptime_format():
    assert legacy.format_uptime(0.0) == b"000d00h:00m:00s"
    assert legacy.format_uptime(90061.5) == b"001d01h:01m:01s"


def test_vz7_description_unescape():
    assert vz7.unescape_eq(b"my=20desc=3D=zz") == b"my desc==zz"
    assert vz7.unescape_eq(b"a=4") == b"a\x04"
    assert vz7.unescape_eq(b"a=4g") == b"a=4g"
    assert vz7.unescape_eq(b"end=") == b"end"         # strtol("") is 0: a NUL
    assert vz7.unescape_eq(b"x=00y") == b"x"


def test_vz7_ctid_parsing():
    assert vz7.parse_ctid(b"0101") == b"101"
    assert vz7.parse_ctid(b"-1") is None
    assert vz7.parse_ctid(b"{3F0E4B3C-1A2B-4C5D-8E9F-0A1B2C3D4E5F}") == \
        b"3F0E4B3C-1A2B-4C5D-8E9F-0A1B2C3D4E5F"
    assert vz7.parse_ctid(b"3f0e4b3c1a2b4c5d8e9f0a1b2c3d4e5f") == \
        b"3f0e4b3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f"
    assert vz7.parse_ctid(b"web") is None


@pytest.mark.parametrize("impl,sort_error", [
    (legacy, b"Invalid sort field name: nosuch\n"),
    (vz7, b"nosuch is an invalid field name for this query.\n"),
])
def test_options_are_acted_on_before_a_later_getopt_error(impl, sort_error):
    # main()'s getopt_long loop: -L prints and returns, a bad -s returns,
    # before getopt ever sees --bogus
    rec = Recorder()
    assert impl.run(None, ["-L", "--bogus"], rec) == 0
    assert rec.errs == [] and b"".join(rec.outs).startswith(b"ctid ")
    rec = Recorder()
    assert impl.run(None, ["-s", "nosuch", "--bogus"], rec) == 1
    assert rec.errs == [sort_error] and rec.outs == []
    rec = Recorder()
    assert impl.run(None, ["-a", "--bogus"], rec) == 1
    assert rec.errs[0] == b"vzlist: unrecognized option '--bogus'\n"
