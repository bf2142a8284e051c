"""Any argv at all: the emulated vzctl, vzlist and vztmpl-dl answer with a
message and one of the real tools' exit codes, never a Python traceback.

argv is random bytes (the kernel passes any byte but NUL), empty strings,
very long strings, ``.`` and ``..``, mixed with the tools' own commands and
options so the parsers get past the first word.  Options that would point a
container's private area or root somewhere else (``--private``, ``--root``
and their abbreviations) are left out: a later random ``destroy`` would then
remove a real directory of this machine.
"""
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Exit codes the real tools use: vzctl 4.x include/vzerror.h, libvzctl
# lib/vzerror.h (vz7), ploop's 150-167 as vzctl reports them; vzlist.c
# (both) returns 0, 1 or 2; vztmpl-dl 0-5 and 20 (its header comment).
VZCTL_CODES = frozenset(
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
     26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 40, 41, 43, 44, 46, 47, 48, 49, 50, 51, 52,
     53, 54, 55, 60, 61, 62, 63, 64, 65, 66, 67, 68, 70, 71, 72, 73, 74, 77, 78, 79, 80, 81, 82,
     85, 86, 87, 88, 91, 92, 93, 94, 99, 100, 102, 103, 104, 105, 106, 107, 108, 109]
    + list(range(128, 171)) + list(range(200, 234)))
VZLIST_CODES = frozenset([0, 1, 2])
VZTMPL_DL_CODES = frozenset([0, 1, 2, 3, 4, 5, 20])

VZCTL_WORDS = [
    "create", "destroy", "mount", "umount", "start", "stop", "restart", "status", "set", "exec",
    "exec2", "runscript", "chkpnt", "restore", "suspend", "resume", "quotaon", "quotaoff",
    "quotainit", "snapshot", "snapshot-list", "snapshot-switch", "snapshot-delete",
    "snapshot-mount", "snapshot-umount", "convert", "compact", "--help", "--version", "--quiet",
    "--verbose", "--skiplock", "101", "102", "0", "web", "--save", "--force", "--name",
    "--hostname", "--description", "--ipadd", "--ipdel", "--nameserver", "--searchdomain",
    "--ostemplate", "--config", "--applyconfig", "--userpasswd", "--netif_add", "--netif_del",
    "--ifname", "--mac", "--host_ifname", "--bridge", "--features", "--capability",
    "--devnodes", "--devices", "--diskspace", "--diskinodes", "--ram", "--swap", "--cpus",
    "--cpulimit", "--cpuunits", "--cpumask", "--onboot", "--layout", "--setmode", "--id",
    "--iptables", "--netfilter", "--kmemsize", "-k", "--stop-timeout", "--local_uid", "--fast",
    "--wait", "--disabled", "--bootorder", "--ioprio", "--iolimit", "--meminfo",
]
VZLIST_WORDS = [
    "-a", "-S", "-H", "-o", "-s", "-h", "-N", "-d", "-j", "-1", "-L", "-t", "-n", "-i", "-e",
    "--all", "--stopped", "--no-header", "--output", "--sort", "--json", "--list", "--name",
    "--hostname", "--description", "--help", "--version", "ctid,name,hostname", "-ctid",
    "status", "101", "web", "*", "ip,diskspace.s,kmemsize.m",
]
VZTMPL_DL_WORDS = ["--list-local", "--list-remote", "--list-orphans", "--update", "--update-all",
                   "--gpg-check", "--no-gpg-check", "--config", "-h", "--help", "debian-12"]
ODD = [b"", b".", b"..", b"/", b"-", b"--", b"--=", b"\xff", b"\xc3", b"\xed\xa0\x80", b"x" * 5000,
       b"\xff" * 300, b"101\xff", b"--name=\xff", b"%s%n", b"$(id)", b"'\"", b"a\nb", b"\t"]


def _forbidden(token):
    """--private/--root (or an abbreviation, or --opt=value) move a CT's areas."""
    if not token.startswith(b"--"):
        return False
    option = token[2:].split(b"=", 1)[0]
    return bool(option) and any(word.startswith(option) for word in (b"private", b"root"))


def _argv(words):
    token = st.one_of(
        st.sampled_from([w.encode() for w in words]),
        st.sampled_from(ODD),
        st.binary(min_size=0, max_size=24).map(lambda b: b.replace(b"\0", b"")),
        st.text(min_size=0, max_size=12).map(lambda t: t.replace("\0", "").encode("utf-8")),
    )
    return st.lists(token, min_size=0, max_size=7).filter(lambda argv: not any(map(_forbidden, argv)))


FUZZ = settings(max_examples=40, deadline=None, database=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much])


def _check(host, tool, argv, codes):
    proc = subprocess.run([tool.encode()] + list(argv), env=host.env, stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=60, check=False)
    assert b"Traceback (most recent call last)" not in proc.stderr, (
        argv, proc.stderr.decode("utf-8", "backslashreplace")[-1500:])
    assert proc.returncode in codes, (argv, proc.returncode, proc.stderr)


@pytest.fixture
def fuzz_host(emu_host, tmp_path):
    """A host with CT 101 (named web); vztmpl-dl's mirror refuses at once."""
    emu_host.create(101, "--name", "web")
    with open("/etc/vz/download.conf", "w") as handle:
        handle.write('TMPL_REPO_PREFIX="http://127.0.0.1:9/precreated"\n')
    return emu_host


def test_vzctl_answers_any_argv(fuzz_host):
    @FUZZ
    @given(argv=_argv(VZCTL_WORDS))
    def check(argv):
        _check(fuzz_host, "vzctl", argv, VZCTL_CODES)
    check()


def test_vzlist_answers_any_argv(fuzz_host):
    @FUZZ
    @given(argv=_argv(VZLIST_WORDS))
    def check(argv):
        _check(fuzz_host, "vzlist", argv, VZLIST_CODES)
    check()


@pytest.mark.parametrize("flavour", ["legacy"])
def test_vztmpl_dl_answers_any_argv(fuzz_host):
    @FUZZ
    @given(argv=_argv(VZTMPL_DL_WORDS))
    def check(argv):
        _check(fuzz_host, "vztmpl-dl", argv, VZTMPL_DL_CODES)
    check()


SHAPES = {
    "vzctl": [[], [b"set", b"101", b"--hostname"], [b"status"], [b"set", b"101", b"--name", None, b"--save"],
              [b"set", b"101", b"--description", None, b"--save"], [b"exec", None, b"true"],
              [b"create", b"102", b"--ostemplate"]],
    "vzlist": [[], [b"-a", b"-o"], [b"-s"], [b"-N"], [b"-a", b"-j"]],
    "vztmpl-dl": [[], [b"--update"]],
}
CODES = {"vzctl": VZCTL_CODES, "vzlist": VZLIST_CODES, "vztmpl-dl": VZTMPL_DL_CODES}


@pytest.mark.parametrize("tool", sorted(SHAPES))
def test_odd_arguments_everywhere(fuzz_host, tool):
    """Each odd argument alone, as an option's value and as a CT id."""
    for arg in ODD:
        for shape in SHAPES[tool]:
            argv = [arg if word is None else word for word in shape]
            if None not in shape:
                argv.append(arg)
            _check(fuzz_host, tool, argv, CODES[tool])
