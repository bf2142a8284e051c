"""Helpers for the vzlist stand-in's unit tests.

An emulated host lives at the real paths (/etc/vz, /vz, /var/lib/vzemu), so
each test runs inside this process's private mount namespace with fresh
overlays on /etc and /var and a fresh directory bound on /vz.  Containers are
made by writing their files directly (not through the vzctl stand-in).
"""
import contextlib
import ctypes
import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
EMULATOR = os.path.join(REPO, "tests", "emulator")
BIN = os.path.join(EMULATOR, "bin")
TRANSCRIPTS = os.environ.get("VZEMU_TRANSCRIPTS", "/work/shared/real-vzctl-4.11")

if EMULATOR not in sys.path:
    sys.path.insert(0, EMULATOR)

from vzemu import paths, provision  # noqa: E402

CLONE_NEWNS = 0x00020000
_private_pid = None


def _already_private():
    if _private_pid == os.getpid():
        return True
    # The pytest harness (tests/harness/namespace.py) may have done it.
    harness = sys.modules.get("harness.namespace")
    checker = getattr(harness, "in_private_mount_namespace", None)
    if checker is not None and checker():
        return True
    try:
        return os.readlink("/proc/self/ns/mnt") != os.readlink("/proc/1/ns/mnt")
    except OSError:
        return False


def enter_private_mount_namespace():
    """unshare(CLONE_NEWNS) + mount --make-rprivate /, once per process."""
    global _private_pid  # pylint: disable=global-statement
    if _already_private():
        _private_pid = os.getpid()
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.unshare(CLONE_NEWNS) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, "unshare(CLONE_NEWNS): %s" % os.strerror(errno))
    subprocess.run(["mount", "--make-rprivate", "/"], check=True)
    _private_pid = os.getpid()


def unavailable_reason():
    if os.geteuid() != 0:
        return "the vzlist tests need root (mount namespace, overlays on /etc and /var)"
    return None


def _mount(*argv):
    subprocess.run(["mount"] + list(argv), check=True)


# OpenVZ 7 defaults (OpenVZ/vzctl etc/vz.conf), used only if the emulator's
# data has no vz7 vz.conf yet.
_VZ7_VZ_CONF = """\
VIRTUOZZO=yes
LOCKDIR=/vz/lock
DUMPDIR=/vz/dump
VE0CPUUNITS=1000
LOGGING=yes
LOGFILE=/var/log/vzctl.log
LOG_LEVEL=0
VERBOSE=0
DISK_QUOTA=yes
TEMPLATE=/vz/template
VE_ROOT=/vz/root/$VEID
VE_PRIVATE=/vz/private/$VEID
CONFIGFILE="basic"
DEF_OSTEMPLATE=".almalinux-8"
VEFSTYPE="ext4"
IPV6="yes"
"""


def _provision(flavour):
    try:
        provision.provision_host(flavour)
        return
    except FileNotFoundError:
        if flavour != "vz7":
            raise
    # Fallback while the vz7 data files are missing: the same layout by hand.
    os.makedirs(paths.CONF_DIR, exist_ok=True)
    os.makedirs(paths.NAMES_DIR, exist_ok=True)
    with open(paths.VZ_CONF, "w") as handle:
        handle.write(_VZ7_VZ_CONF)
    for sub in ("private", "root", "lock", "dump", "template/cache"):
        os.makedirs(os.path.join(paths.VZ_ROOT_DIR, sub), exist_ok=True)
    os.makedirs(paths.state_path("running"), exist_ok=True)
    with open(paths.state_path("host.json"), "w") as handle:
        json.dump({"flavour": "vz7", "cpus": 2, "ploop": True, "vswap": True}, handle)


@contextlib.contextmanager
def emulated_host(base, flavour):
    """A fresh emulated ``flavour`` host; ``base`` is a scratch directory."""
    enter_private_mount_namespace()
    mounted = []
    try:
        for target in ("/etc", "/var"):
            upper = os.path.join(base, "upper" + target.replace("/", "_"))
            work = os.path.join(base, "work" + target.replace("/", "_"))
            os.makedirs(upper)
            os.makedirs(work)
            _mount("-t", "overlay", "overlay", "-o",
                   "lowerdir=%s,upperdir=%s,workdir=%s" % (target, upper, work), target)
            mounted.append(target)
        vzdir = os.path.join(base, "vz")
        os.makedirs(vzdir)
        os.makedirs(paths.VZ_ROOT_DIR, exist_ok=True)
        _mount("--bind", vzdir, paths.VZ_ROOT_DIR)
        mounted.append(paths.VZ_ROOT_DIR)
        # Leftovers of the real machine under the overlay are not ours.
        for leftover in (os.path.dirname(paths.CONF_DIR), paths.STATE_DIR):
            if os.path.isdir(leftover):
                shutil.rmtree(leftover)
        _provision(flavour)
        yield Host(flavour)
    finally:
        for target in reversed(mounted):
            subprocess.run(["umount", "-l", target], check=False)


class Result(object):
    def __init__(self, argv, rc, stdout, stderr, seconds):
        self.argv = argv
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds

    def __repr__(self):
        return "vzlist %s -> rc %s\n--stdout--\n%s--stderr--\n%s" % (
            " ".join(self.argv), self.rc, self.stdout, self.stderr)


class Host(object):
    """Writes containers the way vzctl leaves them, and runs vzlist."""

    def __init__(self, flavour):
        self.flavour = flavour

    # --- containers ---
    def conf_path(self, ctid):
        return os.path.join(paths.CONF_DIR, "%s.conf" % ctid)

    def write_conf(self, ctid, text, private=True, vz7_symlink=None):
        """CTID.conf with ``text``; ``private`` creates /vz/private/CTID.

        On OpenVZ 7 the config is a symlink to VE_PRIVATE/ve.conf (pass
        ``vz7_symlink=False`` for a plain file).
        """
        private_dir = os.path.join(paths.VZ_ROOT_DIR, "private", str(ctid))
        if private:
            os.makedirs(private_dir, exist_ok=True)
        if vz7_symlink is None:
            vz7_symlink = self.flavour == "vz7" and private
        if vz7_symlink:
            target = os.path.join(private_dir, "ve.conf")
            with open(target, "w", encoding="utf-8", errors="surrogateescape") as handle:
                handle.write(text)
            os.symlink(target, self.conf_path(ctid))
        else:
            with open(self.conf_path(ctid), "w", encoding="utf-8",
                      errors="surrogateescape") as handle:
                handle.write(text)

    def write_zero_conf(self):
        """etc/conf/0.conf of vzctl 4.x, as a package install leaves it."""
        with open(self.conf_path(0), "w") as handle:
            handle.write('# Global CT0 config\n\nONBOOT="no"\n\n'
                         'OOMGUARPAGES="unlimited:unlimited"\n')

    def name(self, name, ctid):
        os.symlink(self.conf_path(ctid), os.path.join(paths.NAMES_DIR, name))

    def set_running(self, ctid, running=True, started=None, info=None):
        path = paths.state_path("running", str(ctid))
        if not running:
            if os.path.exists(path):
                os.unlink(path)
            return
        with open(path, "w") as handle:
            if info is not None:
                json.dump(info, handle)
        if started is not None:
            os.utime(path, (started, started))

    def set_applied(self, ctid, record):
        """What vzctl set applied live to a running CT (state dir "applied")."""
        path = paths.state_path("applied", "%s.json" % ctid)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as handle:
            json.dump(record, handle)

    def mount_root(self, ctid, root=None, private=None):
        """Bind the private area on VE_ROOT, as vzctl mount does on simfs."""
        root = root or os.path.join(paths.VZ_ROOT_DIR, "root", str(ctid))
        private = private or os.path.join(paths.VZ_ROOT_DIR, "private", str(ctid))
        os.makedirs(root, exist_ok=True)
        _mount("--bind", private, root)

    def write_dump(self, ctid):
        os.makedirs(os.path.join(paths.VZ_ROOT_DIR, "dump"), exist_ok=True)
        with open(os.path.join(paths.VZ_ROOT_DIR, "dump", "Dump.%s" % ctid), "w") as handle:
            handle.write("dump")

    # --- running the tool ---
    def vzlist(self, *argv, env=None):
        environ = dict(os.environ)
        environ["PATH"] = BIN + os.pathsep + environ.get("PATH", "")
        environ.pop("POSIXLY_CORRECT", None)
        environ.update(env or {})
        started = time.time()
        proc = subprocess.run(["vzlist"] + list(argv), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=environ, check=False)
        return Result(list(argv), proc.returncode,
                      proc.stdout.decode("utf-8", "surrogateescape"),
                      proc.stderr.decode("utf-8", "surrogateescape"),
                      time.time() - started)


# ------------------------------------------------------- transcript files --

def transcript_commands(name):
    """[(argv, stdout, stderr, rc)] of every ``$ vzlist`` in a transcript.

    stderr drops the lines a missing OpenVZ kernel caused ("Unable to open
    /proc/vz/veinfo", "/proc/user_beancounters"): a real host has none.
    """
    with open(os.path.join(TRANSCRIPTS, name), encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            i += 1
            continue
        command = line[2:]
        i += 1
        while lines[i] != "--stdout--":
            command += "\n" + lines[i]
            i += 1
        i += 1
        stdout = []
        while lines[i] != "--stderr--":
            stdout.append(lines[i])
            i += 1
        i += 1
        stderr = []
        while not lines[i].startswith("[exit "):
            stderr.append(lines[i])
            i += 1
        rc = int(lines[i][len("[exit "):-1])
        out.append((command, "".join(s + "\n" for s in stdout),
                    "".join(s + "\n" for s in stderr), rc))
        i += 1
    return out


KERNEL_ARTEFACTS = ("Unable to open /proc/vz/veinfo", "Unable to open /proc/user_beancounters")


def real_host_stderr(stderr):
    return "".join(line + "\n" for line in stderr.splitlines()
                   if not line.startswith(KERNEL_ARTEFACTS))


def vzlist_commands(name):
    """The vzlist commands of a transcript, in order, as (argv, stdout, stderr, rc)."""
    out = []
    for command, stdout, stderr, rc in transcript_commands(name):
        if command.startswith("vzlist"):
            out.append((command.split()[1:], stdout, real_host_stderr(stderr), rc))
    return out


# ------------------------------------------------ configs from transcripts --

def _apply_normal_diff(lines, diff_lines):
    """Apply one `diff` (normal format) to ``lines`` (a list without newlines)."""
    import re
    hunk = re.compile(r"^(\d+)(?:,(\d+))?([acd])(\d+)(?:,(\d+))?$")
    result = list(lines)
    offset = 0
    i = 0
    while i < len(diff_lines):
        match = hunk.match(diff_lines[i])
        if not match:
            i += 1
            continue
        start1 = int(match.group(1))
        end1 = int(match.group(2) or start1)
        kind = match.group(3)
        i += 1
        old, new = [], []
        while i < len(diff_lines) and not hunk.match(diff_lines[i]):
            line = diff_lines[i]
            if line.startswith("< "):
                old.append(line[2:])
            elif line.startswith("> "):
                new.append(line[2:])
            elif line == "<" or line == ">":
                (old if line == "<" else new).append("")
            i += 1
        if kind == "a":
            at = start1 + offset
            result[at:at] = new
            offset += len(new)
        else:
            at = start1 - 1 + offset
            count = end1 - start1 + 1
            if result[at:at + count] != old:
                raise ValueError("diff does not apply at line %d: %r != %r"
                                 % (start1, result[at:at + count], old))
            result[at:at + count] = new
            offset += len(new) - count
    return result


def config_history(names, ctid, lines=None):
    """Every state of CTID.conf the transcripts ``names`` show: [(command, text)].

    Starts from ``lines`` or from a ``cat /etc/vz/conf/CTID.conf`` in the
    transcripts and applies each later config diff of ``vzctl set CTID``.
    """
    history = []
    for name in names:
        with open(os.path.join(TRANSCRIPTS, name), encoding="utf-8") as handle:
            text = handle.read()
        for block in ("\n" + text).split("\n$ ")[1:]:
            command = block.split("\n", 1)[0]
            if command == "cat /etc/vz/conf/%s.conf" % ctid:
                body = block.split("--stdout--\n", 1)[1].split("\n--stderr--", 1)[0]
                lines = body.split("\n")
                history.append((command, "\n".join(lines) + "\n"))
                continue
            if lines is None or not command.startswith("vzctl set %s " % ctid):
                continue
            if "--- config diff ---" not in block:
                continue
            diff = block.split("--- config diff ---\n", 1)[1].split("\n")
            lines = _apply_normal_diff(lines, diff)
            history.append((command, "\n".join(lines) + "\n"))
    return history


def transcript_blocks(name):
    """Every command of a transcript: dicts with command, stdout, stderr, rc, diff."""
    with open(os.path.join(TRANSCRIPTS, name), encoding="utf-8") as handle:
        text = handle.read()
    blocks = []
    for block in ("\n" + text).split("\n$ ")[1:]:
        head, _sep, rest = block.partition("\n--stdout--\n")
        stdout, _sep, rest = rest.partition("--stderr--\n")
        stderr, _sep, rest = rest.partition("[exit ")
        rc_text, _sep, rest = rest.partition("]")
        diff = None
        if "--- config diff ---\n" in rest:
            diff = rest.split("--- config diff ---\n", 1)[1].split("\n")
        blocks.append({"command": head, "stdout": stdout, "stderr": stderr,
                       "rc": int(rc_text), "diff": diff})
    return blocks
