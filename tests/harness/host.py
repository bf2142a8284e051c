"""One emulated OpenVZ host: its mounts, its provisioning, and a test's view of it."""

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness import calllog, faults, namespace, snapshot
from harness.paths import EMULATOR_BIN, EMULATOR_DIR, EMULATOR_LEGACY_BIN, EMULATOR_VZ7_BIN

FLAVOURS = ("legacy", "vz7")
STATE_DIR = Path("/var/lib/vzemu")
CONF_DIR = Path("/etc/vz/conf")
SNAPSHOT_ROOTS = ("/etc/vz", "/vz/private", "/vz/root")
# What the machine itself may have below the overlays (a real OpenVZ box has
# /etc/vz): hidden, so a host holds only what provisioning writes.
MACHINE_LEFTOVERS = ("/etc/vz", str(STATE_DIR))

# Mounts are process-wide: two hosts at once would shadow each other.
_active_host = None


def emulator_bins(flavour):
    """The emulator's tool directories a `flavour` host has: prlctl only on vz7, vzdump and
    vzrestore only on legacy (they are no OpenVZ 7 package)."""
    return [EMULATOR_BIN] + ([EMULATOR_VZ7_BIN] if flavour == "vz7" else [EMULATOR_LEGACY_BIN])


def emulator_environ(base=None, flavour=None):
    """`base` (default os.environ) with the `flavour` host's emulated tools first on PATH."""
    env = dict(os.environ if base is None else base)
    env["PATH"] = os.pathsep.join([str(path) for path in emulator_bins(flavour)] + [env.get("PATH", os.defpath)])
    # The emulator's own unit tests redirect state with it; a host must not.
    env.pop("VZEMU_STATE_DIR", None)
    return env


def hide_machine_leftovers():
    """Remove MACHINE_LEFTOVERS from the merged view (whiteouts in the upper
    dirs; the machine's files stay). Only with the host's overlays mounted."""
    for path in MACHINE_LEFTOVERS:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)


def default_provision(flavour, templates=None, cpus=2):
    if str(EMULATOR_DIR) not in sys.path:
        sys.path.insert(0, str(EMULATOR_DIR))
    from vzemu.provision import provision_host  # pylint: disable=import-outside-toplevel
    provision_host(flavour=flavour, templates=templates, cpus=cpus)


class OpenVZHost:
    """What a test sees of an emulated host (valid only while it is mounted)."""

    def __init__(self, flavour, env):
        self.flavour = flavour
        self.env = env

    def run(self, argv, input=None, timeout=300):  # pylint: disable=redefined-builtin
        """Run a tool (argv list, never a shell string) with the emulator on PATH."""
        if isinstance(argv, (str, bytes)):
            raise TypeError("argv must be a list, not a shell string")
        return subprocess.run([str(arg) for arg in argv], input=input, env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=False)

    @staticmethod
    def conf_path(ctid):
        return CONF_DIR / ("%s.conf" % ctid)

    def conf_text(self, ctid):
        """The CT's config as vzctl wrote it (vz7's symlink is followed)."""
        return self.conf_path(ctid).read_text(encoding="utf-8")

    @staticmethod
    def calls():
        return calllog.read_calls(STATE_DIR / "calls.jsonl")

    @staticmethod
    def clear_calls():
        with contextlib.suppress(FileNotFoundError):
            (STATE_DIR / "calls.jsonl").unlink()

    def mutating_calls(self):
        """vzctl calls that may change something (not status/exec/...; no vzlist)."""
        return [call for call in self.calls() if calllog.is_mutating(call)]

    @staticmethod
    def inject_fault(tool, match, rc, stderr="", stdout="", times=None, delay=0, **options):
        """Make the next calls of `tool` whose argv contains `match` (in order) fail.

        `options`: further fault keys, `hold_lock=True`, `spawn_child=True`.
        """
        return faults.add_fault(STATE_DIR / "faults.json", tool, match, rc,
                                stderr=stderr, stdout=stdout, times=times, delay=delay, **options)

    @staticmethod
    def publish_ez_template(name, tarball, release):
        """Put OS template ``name`` at ``release`` into the emulated vz7
        package repository (a newer release: what vzpkg updates to)."""
        from vzemu import ezrepo  # pylint: disable=import-outside-toplevel
        ezrepo.publish(name, str(tarball), release)

    @staticmethod
    def fired_faults():
        """Faults fired so far: dicts with tool, argv, pid, child (spawn_child's pid or None), start."""
        return faults.read_fired(STATE_DIR / "faults-fired.jsonl")

    @staticmethod
    def snapshot_files():
        """path -> bytes / symlink target / None (dir) under /etc/vz, /vz/private, /vz/root."""
        result = {}
        for root in SNAPSHOT_ROOTS:
            result.update(snapshot.snapshot_tree(root))
        return result


@contextlib.contextmanager
def emulated_host(flavour, workdir, templates=None, cpus=2, provision=None, base_env=None):
    """Mount a fresh host backed by `workdir`, provision it, yield an OpenVZHost.

    Enters this process's private mount namespace first (once). `provision`
    defaults to vzemu.provision.provision_host.
    """
    global _active_host  # pylint: disable=global-statement
    if flavour not in FLAVOURS:
        raise ValueError("unknown flavour %r; known: %s" % (flavour, ", ".join(FLAVOURS)))
    if _active_host is not None:
        raise RuntimeError("an emulated host is already mounted in this process")
    namespace.enter_private_mount_namespace()
    provision = provision or default_provision
    _active_host = flavour
    try:
        with namespace.HostMounts(workdir):
            hide_machine_leftovers()
            provision(flavour=flavour, templates=dict(templates or {}), cpus=cpus)
            yield OpenVZHost(flavour, emulator_environ(base_env, flavour))
    finally:
        _active_host = None
