"""Helpers for the vzlist stand-in's unit tests.

An emulated host lives at the real paths (/etc/vz, /vz, /var/lib/vzemu);
``emulated_host`` makes one the harness's way (``harness.host.emulated_host``:
this process's private mount namespace, fresh overlays on /etc and /var and a
fresh directory bound on /vz), provisioned without templates.  Containers are
made by writing their files directly (not through the vzctl stand-in).
"""
import contextlib
import json
import os
import shutil
import subprocess
import time

from harness import host as harness_host
from harness.namespace import isolation_unavailable_reason
from harness.paths import EMULATOR_BIN
import transcript
from vzemu import paths
from vzemu.vzctl import fsops

BIN = str(EMULATOR_BIN)


def unavailable_reason():
    return isolation_unavailable_reason()


@contextlib.contextmanager
def emulated_host(base, flavour):
    """A fresh emulated ``flavour`` host; ``base`` is a scratch directory."""
    workdir = os.path.join(base, "host")
    try:
        with harness_host.emulated_host(flavour, workdir) as host:
            yield Host(flavour, host.env)
    finally:
        # Overlay work dirs are created mode 000; rmtree as root copes.
        shutil.rmtree(workdir, ignore_errors=True)


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

    def __init__(self, flavour, env):
        self.flavour = flavour
        self.env = env   # the harness's: emulator first on PATH

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
        fsops.bind_mount(private, root)

    def write_dump(self, ctid):
        os.makedirs(os.path.join(paths.VZ_ROOT_DIR, "dump"), exist_ok=True)
        with open(os.path.join(paths.VZ_ROOT_DIR, "dump", "Dump.%s" % ctid), "w") as handle:
            handle.write("dump")

    # --- running the tool ---
    def vzlist(self, *argv, env=None):
        environ = dict(self.env)
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

def _text(lines):
    return "".join(line + "\n" for line in lines)


def transcript_blocks(name):
    """Every command of a transcript (``transcript.parse``) as a dict:
    command, stdout and stderr (texts), rc, diff (lines, or None)."""
    return [{"command": step.command, "stdout": _text(step.stdout),
             "stderr": _text(step.stderr), "rc": step.rc, "diff": step.diff}
            for step in transcript.parse(name)]


def real_host_stderr(stderr):
    """``stderr`` without the lines only a machine without an OpenVZ kernel
    prints (``transcript.kernel_noise``)."""
    return _text(line for line in stderr.splitlines() if not transcript.kernel_noise(line))


def vzlist_commands(name):
    """The vzlist commands of a transcript, in order, as (argv, stdout, stderr, rc),
    stderr as a real OpenVZ host prints it (``real_host_stderr``)."""
    return [(block["command"].split()[1:], block["stdout"], real_host_stderr(block["stderr"]),
             block["rc"])
            for block in transcript_blocks(name) if block["command"].startswith("vzlist")]


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
        for step in transcript.parse(name):
            if step.command == "cat /etc/vz/conf/%s.conf" % ctid:
                lines = list(step.stdout)
                history.append((step.command, _text(lines)))
            elif (lines is not None and step.command.startswith("vzctl set %s " % ctid)
                  and step.diff is not None):
                lines = _apply_normal_diff(lines, step.diff)
                history.append((step.command, _text(lines)))
    return history
