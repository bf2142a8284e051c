"""Replay the transcripts of the real vzctl 4.11.1 against the legacy stand-in.

All five transcripts ran in one session on one machine, so they are replayed
in order on one emulated host.  The host is set up like that machine: no
ploop, no vswap in the kernel (so ``--ram`` needs ``--force``), disk quota
off (the non-OpenVZ kernel turned it off), and its first ethernet address
(recovered from the veth MACs vzctl generated there).  For every vzctl step
stdout, stderr and the exit code must match, minus the lines that came from
the missing OpenVZ kernel, and a shown config diff must match the CT config
before/after; ``cat``/``tail`` of configs must match byte for byte.
"""
import os
import signal
import subprocess
import tempfile

import pytest

import transcript

LEGACY_TRANSCRIPT_HOST = [pytest.mark.parametrize("flavour", ["legacy"]),
                          pytest.mark.emu_host(vswap=False, ploop=False)]

ORDER = ["01-create.txt", "03-set.txt", "05-errors.txt", "06-destroy.txt", "09-more.txt"]

# Deliberate differences: an emulated host is a real OpenVZ host.
DEVIATIONS = {
    # upstream-kernel check_local_ugid() failed there; on an OpenVZ kernel
    # vzctl gets to mount the (missing) private area set earlier (/x/z)
    "vzctl set 110 --userpasswd root:secret":
        (["Starting container..."], ["Container private area /x/z does not exist"], 43),
    # the real build crashed (malloc_consolidate) after the message
    "vzctl suspend 101":
        ([], ["Unable to setup checkpointing: container is not running"], 31),
}


def _diff(before, after):
    with tempfile.NamedTemporaryFile("w", delete=False) as one, \
            tempfile.NamedTemporaryFile("w", delete=False) as two:
        one.write(before)
        two.write(after)
    try:
        proc = subprocess.run(["diff", one.name, two.name], capture_output=True, text=True,
                              check=False)
    finally:
        os.unlink(one.name)
        os.unlink(two.name)
    return proc.stdout.split("\n")[:-1] if proc.stdout else []


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except FileNotFoundError:
        return ""


def _lines(text):
    if text == "":
        return []
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


class Replay(object):
    def __init__(self, host):
        self.host = host
        self.sleeper = None
        self.failures = []
        self.checked = 0

    def lock(self, live):
        path = "/vz/lock/101.lck"
        os.makedirs("/vz/lock", exist_ok=True)
        if live:
            self.sleeper = subprocess.Popen(["sleep", "1000"])
            with open(path, "w") as handle:
                handle.write("%d\n\n" % self.sleeper.pid)
        elif self.sleeper is not None:
            self.sleeper.send_signal(signal.SIGKILL)
            self.sleeper.wait()

    def run_step(self, name, step):
        cmd = step.command
        if cmd.startswith("cat /etc/vz/conf/"):
            self.expect_equal(name, cmd, _read(cmd[4:]), "\n".join(step.stdout) + "\n")
            return
        if cmd.startswith("tail -8 "):
            got = _lines(_read(cmd[8:]))[-8:]
            self.expect_equal(name, cmd, got, step.stdout)
            return
        if not cmd.startswith("vzctl"):
            return
        if cmd == "vzctl set 101 --hostname locked.example --save":
            self.lock(True)
        if cmd == "vzctl set 101 --hostname stalelock.example --save":
            self.lock(False)
        argv = transcript.argv_of(cmd)
        conf = None
        if step.diff is not None:
            conf = self.host.conf_path(argv[1])
        before = _read(conf) if conf else None
        result = self.host.vzctl(*argv)
        exp_out, exp_err, exp_rc = step.clean_stdout(), step.clean_stderr(), step.rc
        if cmd in DEVIATIONS:
            exp_out, exp_err, exp_rc = DEVIATIONS[cmd]
        if self.sleeper is not None and cmd == "vzctl set 101 --hostname locked.example --save":
            exp_err = [l.replace("17598", str(self.sleeper.pid)) for l in exp_err]
        got = (_lines(result.stdout), _lines(result.stderr), result.rc)
        self.expect_equal(name, cmd, got, (exp_out, exp_err, exp_rc))
        if conf is not None:
            self.expect_equal(name, cmd + " [config diff]", _diff(before, _read(conf)), step.diff)

    def expect_equal(self, name, what, got, expected):
        self.checked += 1
        if got != expected:
            self.failures.append("%s: %s\n  expected: %r\n  got:      %r" % (name, what, expected, got))


def repair_description(host):
    """Between 03-set and 05-errors the transcripts' machine no longer warned
    about the DESCRIPTION line a newline had broken, so the config was mended
    there; how is not recorded (06-destroy lists the final file as 2258 bytes,
    ours comes to 2205 with this repair), so only the warning is removed."""
    text = host.conf(101)
    broken = 'DESCRIPTION="line1\nline2"NAME="web1"\n'
    assert broken in text
    host.write_conf(101, text.replace(broken, 'DESCRIPTION="line1 line2"\nNAME="web1"\n'))


@LEGACY_TRANSCRIPT_HOST[0]
@LEGACY_TRANSCRIPT_HOST[1]
def test_replay_real_vzctl_transcripts(emu_host):
    emu_host.set_global("DISK_QUOTA", "no")
    replay = Replay(emu_host)
    try:
        for name in ORDER:
            if name == "05-errors.txt":
                repair_description(emu_host)
            for step in transcript.parse(name):
                replay.run_step(name, step)
    finally:
        replay.lock(False)
    assert replay.checked > 100
    assert not replay.failures, "\n\n".join(replay.failures)


def test_transcript_parser_sees_every_step():
    steps = transcript.parse("03-set.txt")
    assert steps[0].command == "vzctl set 101 --hostname new.example.com --save"
    assert steps[0].diff == ["37c37", '< HOSTNAME="ct101.example.com"', "---",
                             '> HOSTNAME="new.example.com"']
    multi = [s for s in steps if "line1" in s.command]
    assert multi and multi[0].command == "vzctl set 101 --description line1\nline2 --save"
    assert sum(len(transcript.parse(n)) for n in ORDER) > 120
