"""The one port of vzctl 4.x src/lib/config.c (vzemu/vzctl/config.py) and the
C string functions under it (vzemu/cstr.py), in-process: what vzctl and
vzlist both read a config with."""
import pytest

from vzemu import cstr
from vzemu.vzctl import config as cfg
from vzemu.vzctl import log as log_mod


class Host(object):
    def __init__(self, legacy=True, cpus=2):
        self.legacy = legacy
        self.cpus = cpus
        self.vswap = True
        self.hwaddr = "e2:90:df:ed:51:af"


def logged():
    log = log_mod.Logger()
    lines = {"out": [], "err": []}

    class Sink(object):
        def out(self, text):
            lines["out"].append(text)

        def err(self, text):
            lines["err"].append(text)
    log.console = Sink()
    return log, lines


def parse(key, value, host=None, p=None):
    p = p or cfg.Params()
    log, lines = logged()
    ret = cfg.parse(p, key, value, cfg.Ctx(101, host or Host(), log, False))
    return ret, p, lines


def load(tmp_path, data, host=None):
    path = tmp_path / "101.conf"
    path.write_bytes(data)
    p = cfg.Params()
    log, lines = logged()
    assert cfg.load_conf(str(path), 101, p, host or Host(), log) == 0
    return p, "".join(lines["err"]).replace(str(path), "F")


# ------------------------------------------------------------ cstr --

@pytest.mark.parametrize("text,value", [
    ("", 0), ("7", 7), (" -7", -7), ("+7", 7), ("-", None), ("-+5", None), ("7 ", None),
    ("2147483648", None), ("-2147483648", -2147483648), ("\u0665", None), ("1_0", None),
])
def test_parse_int_is_util_c(text, value):
    # strtol() in the C locale: only ASCII digits; "" converts nothing and
    # leaves nothing over, so it is 0
    assert cstr.parse_int(text) == value
    assert cstr.parse_int(text.encode("utf-8")) == value


@pytest.mark.parametrize("text,value", [
    ("", 0), ("unlimited", cstr.LONG_MAX), ("9223372036854775807", cstr.LONG_MAX),
    ("9223372036854775808", None), ("-0", 0), ("-1", None), ("\u0661\u0660", None),
])
def test_parse_ul_is_util_c(text, value):
    assert cstr.parse_ul(text) == value


def test_strtok_and_what_the_string_reads_afterwards():
    assert cstr.strtok(" a\tb  c ", " \t") == ["a", "b", "c"]
    assert cstr.strtok(b",a,,b", b",") == [b"a", b"b"]
    assert cstr.strtok_view(" 1.2.3.4\tbad", "\t ") == " 1.2.3.4"
    assert cstr.strtok_view("single", " ") == "single"


def test_sscanf_float_reads_a_prefix_as_a_c_float():
    assert cstr.sscanf_float("1_5") == 1.0
    assert cstr.sscanf_float("10.0.0.1") == 10.0
    assert cstr.sscanf_float("1.5e3K") == 1500.0
    assert cstr.sscanf_float("0.1") == cstr.float32(0.1)
    assert cstr.sscanf_float("x") is None and cstr.sscanf_float("\u0665") is None


# ------------------------------------------------------- numbers --

@pytest.mark.parametrize("text,divisor,result", [
    ("1.5e3", 1, (0, (1500, 1500))),              # strtold() takes the exponent
    ("1.5e3K", 4096, (0, (375, 375))),
    ("1.0e400", 1, (cfg.ERR_LONG_TRUNC, (cstr.LONG_MAX, cstr.LONG_MAX))),
    ("1.0e5000", 1, (cfg.ERR_INVAL, None)),       # beyond a long double: ERANGE
    ("\u0665", 1, (cfg.ERR_INVAL, None)),
    (b"2G:2.2G", 1024, (0, (2097152, 2306867))),
])
def test_parse_twoul_sfx(text, divisor, result):
    assert cfg.parse_twoul_sfx(text, divisor, True) == result


def test_diskspace_truncated_is_invalid_but_kept():
    # parse(): `if (parse_dq(...)) return ERR_INVAL;` also for ERR_LONG_TRUNC,
    # after parse_dq() stored the truncated value
    ret, p, _lines = parse("DISKSPACE", "99999999999T")
    assert ret == cfg.ERR_INVAL and p.diskspace == (cstr.LONG_MAX, cstr.LONG_MAX)


@pytest.mark.parametrize("value,ret,limit", [
    ("50%", 0, 100), ("100%", 0, 200), ("101%", cfg.ERR_INVAL, None),
    # (int)strtoul() in an unsigned long: -5 is huge, so above 100
    ("-5%", cfg.ERR_INVAL, None), ("4294967295%", cfg.ERR_INVAL, None),
    ("-5", 0, cstr.ULONG_MAX - 4), ("5x", cfg.ERR_INVAL, None),
])
def test_cpulimit(value, ret, limit):
    got, p, _lines = parse("CPULIMIT", value)
    assert (got, p.cpulimit) == (ret, limit)


def test_iolimit_product_wraps_as_unsigned_long_long():
    assert cfg.parse_iolimit("16777216T", 1) == (0, 0)            # 2**24 * 2**40 = 2**64
    assert cfg.parse_iolimit("3000M", 1) == (cfg.ERR_LONG_TRUNC, cstr.INT_MAX)
    assert cfg.parse_iolimit(b"unlimited", 1) == (0, 0)
    assert cfg.parse_iolimit("1x", 1) == (cfg.ERR_INVAL, None)


def test_ioprio_that_is_no_number_keeps_the_earlier_one():
    _ret, p, _lines = parse("IOPRIO", "3")
    assert parse("IOPRIO", "x", p=p)[0] == cfg.ERR_INVAL and p.ioprio == 3
    assert parse("IOPRIO", "9", p=p)[0] == cfg.ERR_INVAL and p.ioprio is None


def test_capability_names_compare_as_strcasecmp_does():
    assert parse("CAPABILITY", "kill:on")[1].cap_on == 1 << 5
    ret, p, lines = parse("CAPABILITY", "\u212aILL:on")       # KELVIN SIGN, not K
    assert ret == cfg.ERR_INVAL and p.cap_on == 0
    assert lines["err"] == ["Capability \u212aILL is unknown\n"]


def test_interface_names_are_measured_in_bytes():
    assert parse("NETIF_DEL", "e" * 16)[0] == 0
    assert parse("NETIF_DEL", "\u00e9" * 9)[0] == cfg.ERR_INVAL   # 18 bytes > IFNAMSIZE


# ------------------------------------------------------ the reader --

def test_a_one_line_file_without_newline_loses_its_last_byte(tmp_path):
    # fgets() into a buffer the size of the file (vps_parse_config())
    p, err = load(tmp_path, b'HOSTNAME="x"')
    assert p.hostname is None
    assert err == ("Warning: can't parse F:1 (unmatched quotes), skipping\n"
                   "Warning: can't parse F:2 ('=' not found), skipping\n")
    assert load(tmp_path, b'HOSTNAME="x"', Host(legacy=False))[0].hostname == "x"


def test_warnings_name_the_key_as_written_and_show_what_strtok_left(tmp_path):
    _p, err = load(tmp_path, b'DCACHE=bad\nIP_ADDRESS="10.0.0.1 bad 10.0.0.2"\n'
                             b'NETIF="ifname=eth0;mac=zz"\nK' + b"x" * 600 + b"=1\n")
    assert err == ('Warning at F:1: invalid value for DCACHE ("bad"), skipped\n'
                   'Warning at F:2: invalid value for IP_ADDRESS ("10.0.0.1"), skipped\n'
                   'Warning at F:3: invalid value for NETIF ("ifname=eth0"), skipped\n'
                   "Warning: can't parse F:4 (too long value), skipping\n")


def test_a_nameless_key_deletes_ips_on_legacy(tmp_path):
    # config[]'s first "" entry is PARAM_IP_DEL
    p, err = load(tmp_path, b"=10.0.0.1 all\n=bad\n")
    assert p.ip_del == ["10.0.0.1"] and p.ip_delall
    assert err == 'Warning at F:2: invalid value for  ("bad"), skipped\n'
    p, err = load(tmp_path, b"=10.0.0.1\n", Host(legacy=False))
    assert p.ip_del == [] and err == ""


def test_only_c_spaces_are_trimmed_and_cr_does_not_end_a_line(tmp_path):
    p, _err = load(tmp_path, b"HOSTNAME=a\xc2\xa0\nNAME=b\rDESCRIPTION=c\n")
    assert p.hostname == "a\u00a0" and p.name is None
    assert p.description is None   # the whole line was NAME's, and invalid


def test_ignored_keys_are_not_parsed(tmp_path):
    p, err = load(tmp_path, b"SKIP_ARPDETECT=yes\nVIRTUOZZO=yes\n")
    assert not p.skip_arpdetect and err == ""
