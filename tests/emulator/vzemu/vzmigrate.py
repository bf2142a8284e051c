"""The vzmigrate stand-in: moves a container to another emulated hypervisor over real ssh.

Legacy (vzctl 4.x ``bin/vzmigrate.in``, a shell script) and OpenVZ 7
(OpenVZ/vzmigrate, C++: ``bin/vzmigrate.c`` hands over to vzmsrc, which
speaks its own protocol to ``vzmdest`` on the destination) each have their
options, checks, messages and exit codes (docs/openvz-tools.md "vzmigrate").

Both run the host's own tools the way the legacy script does: ``vzctl`` on
the source (logged there), ``ssh root@DEST vzctl ...`` on the destination
(logged in the destination's call log). rsync is not on the machine: every
copy is a GNU tar stream over the same ssh (``tar -cf - | ssh DEST tar -xf
-``), which gives the destination the same files, modes, owners (numeric),
times and symlinks. The OpenVZ 7 protocol is replaced by those same ssh
commands (a ``vzctl register`` on the destination stands for vzmdest's
in-process registration); its checks and outcomes are the real ones.

Faults: besides the usual argv match at start (cli.run), a fault with
``"phase": NAME`` fails that step of the migration alone (its output
printed as the step's own), and the tool goes down the real error path
(undo steps, exit code). Phases: ``connect``, ``copy-config``,
``copy-private``, ``copy-private-2``, ``copy-dump``, ``remove-source``;
the vzctl calls (suspend, dump, stop, start, restore on either side) are
failed with ordinary vzctl faults on the host that runs them.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import time

from . import conffile, paths
from .cli import _record_fired, _subsequence
from .ct import expand
from .getopt import GetoptError, Getopt, LongOpt, NO_ARG, OPT_ARG, REQ_ARG

# bin/vzmigrate.in "Errors:"
MIG_ERR_USAGE = 1
MIG_ERR_VPS_IS_STOPPED = 2
MIG_ERR_CANT_CONNECT = 4
MIG_ERR_COPY = 6
MIG_ERR_START_VPS = 7
MIG_ERR_STOP_SOURCE = 8
MIG_ERR_EXISTS = 9
MIG_ERR_NOEXIST = 10
MIG_ERR_IP_IN_USE = 12
MIG_ERR_QUOTA = 13
MIG_ERR_CHECKPOINT = MIG_ERR_STOP_SOURCE
MIG_ERR_MOUNT_VPS = MIG_ERR_START_VPS
MIG_ERR_RESTORE_VPS = MIG_ERR_START_VPS
MIG_ERR_OVZ_NOT_RUNNING = 14
MIG_ERR_APPLY_CONFIG = 15
MIG_ERR_UNSUP_PLOOP = 16
MIG_ERR_CANT_READ_REMOTE_CONFIG = 19
MIG_ERR_LOCKED = 20

# OpenVZ/vzmigrate vzmcontrol/common.h (negative there; the process exits with -rc)
VZ7_ERR_USAGE = 1
VZ7_ERR_SYSTEM = 2
VZ7_ERR_LOCK = 3
VZ7_ERR_CANT_CONNECT = 4
VZ7_ERR_COPY = 6
VZ7_ERR_STARTVE = 7
VZ7_ERR_STOPSOURCE = 8
VZ7_ERR_EXISTS = 9
VZ7_ERR_NOEXIST = 10
VZ7_ERR_DISKSPACE = 31
VZ7_ERR_NAME_CONFLICT = 45

LEGACY_SSH_OPTIONS = ["-o", "BatchMode=yes"]
# bin/bincom.cpp: the options vzmsrc always gives ssh
VZ7_SSH_OPTIONS = ["-T", "-q", "-o", "StrictHostKeyChecking=no", "-o", "CheckHostIP=no",
                   "-o", "UserKnownHostsFile=/dev/null",
                   "-o", "PreferredAuthentications=publickey,password,keyboard-interactive"]
ACT_SCRIPTS_SFX = ("start", "stop", "mount", "umount", "premount", "postumount")
SUFFIX_MIGRATED = ".migrated"

LEGACY_USAGE = """This program is used for container migration to another node.
Usage:
  vzmigrate [option ...] destination_address <CTID>
Options:
-r, --remove-area yes|no
\tWhether to remove container on source host after successful migration.
--ssh=<ssh options>
\tAdditional options that will be passed to ssh while establishing
\tconnection to destination host. Please be careful with options
\tpassed, DO NOT pass destination hostname.
--ssh-mux
\tUse ssh connection multiplexing (speeds up live migration).
--rsync=<rsync options>
\tAdditional options that will be passed to rsync.
--keep-dst
\tDo not clean synced destination container private area in case of some
\terror. It makes sense to use this option on big container migration to
\tavoid re-syncing container private area in case some error
\t(on container stop for example) occurs during first migration attempt.
-c, --compact
\tCompact a container image before migration. Works for ploop only.
-s, --snapshot
\tCreate a container snapshot before migration. Works for ploop only.
--live
\tPerform live migration: instead of restarting a container, checkpoint
\tand restore are used, so there is no container downtime or service
\tinterruption. Additional steps are performed to minimize the time
\twhen a container is in suspended state.
--check-only, --dry-run
\tDo not perform actual migration, stop after preliminary checks.
\tThis is used to check if a CT can possibly be migrated. Combine
\twith --live to enable more checks for live migration case.
-f, --nodeps[=<check>[,<check> ...]]
\tContinue migration, ignoring some or all preliminary check failures.
\tParticular checks can be ignored by providing an argument to
\t--nodeps option. The following options can be used (comma-separated):
\t  * cpu\t\t- ignore cpu capabilities check
\t  * ipv6\t- ignore ipv6 module check
-v
\tVerbose mode. Causes vzmigrate to print debugging messages about
\tits progress (including some time statistics). Multiple -v options
\tincrease the verbosity. The maximum is 4.
-t, --times
\tAt the end of live migration, output various timings for migration
\tstages that affect total suspended CT time.

Examples:
\tOnline migration of CT #101 to foo.com:
\t\tvzmigrate --live foo.com 101
\tMigration of CT #102 to foo.com with downtime:
\t\tvzmigrate foo.com 102
Notes:
\tThis program uses ssh as a transport layer. You need to put ssh
\tpublic key to destination node and be able to connect without
\tentering a password.
"""

VZ7_USAGE = """Usage: vzmigrate [-r yes|no] [-sfvh] [--ssh=<options>] [--keep-dst] [--online]
       [--dry-run] [--new-id=<CTID>] [--new-name=<name>] [--new-private=<path>]
       [--new-root=<path>] [--nonsharedfs] [--whole-file] [--timeout <value>]
       [user@]dst_node {CT_list}
The vzmigrate utility is deprecated.
Please, consider switching to the prlctl utility.
"""


class Failed(Exception):
    def __init__(self, rc):
        super().__init__(rc)
        self.rc = rc


def _out(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _err(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def phase_fault(argv, phase):
    """The injected fault for step ``phase`` of this run, counted down, or None."""
    path = paths.state_path("faults.json")
    if not os.path.exists(path):
        return None
    with open(path, "r") as handle:
        faults = json.load(handle)
    for fault in faults:
        if fault.get("tool") != "vzmigrate" or fault.get("phase") != phase:
            continue
        if not _subsequence(fault.get("match", []), argv):
            continue
        if fault.get("times") is not None:
            if fault["times"] <= 0:
                continue
            fault["times"] -= 1
            with open(path + ".tmp", "w") as handle:
                json.dump(faults, handle)
            os.rename(path + ".tmp", path)
        _record_fired("vzmigrate", list(argv) + ["phase=" + phase], None)
        if fault.get("delay"):
            time.sleep(float(fault["delay"]))
        if fault.get("stdout"):
            sys.stdout.write(fault["stdout"].rstrip("\n") + "\n")
        if fault.get("stderr"):
            _err(fault["stderr"].rstrip("\n"))
        sys.stdout.flush()
        return fault
    return None


class Migration(object):
    """What both flavours share: running commands here and on the destination."""

    def __init__(self, host, argv):
        self.host = host
        self.argv = argv
        self.ssh_base = []
        self.dest = None

    def local(self, argv, quiet=False, stdin=None):
        sys.stdout.flush()
        sys.stderr.flush()
        kwargs = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL} if quiet else {}
        return subprocess.run(argv, check=False, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                              **kwargs).returncode

    def local_output(self, argv):
        proc = subprocess.run(argv, check=False, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        return proc.returncode, proc.stdout.decode("utf-8", "surrogateescape")

    def remote_argv(self, command):
        return ["ssh"] + self.ssh_base + [self.dest, command]

    def remote(self, command, quiet=False, phase=None):
        if phase and phase_fault(self.argv, phase):
            return 1
        return self.local(self.remote_argv(command), quiet=quiet)

    def remote_output(self, command):
        return self.local_output(self.remote_argv(command))

    def copy_tree(self, src, dst, phase, delete=False):
        """``src``'s contents into ``dst`` on the destination (rsync -aH --numeric-ids [--delete])."""
        if phase_fault(self.argv, phase):
            return 1
        prep = "find %s -mindepth 1 -delete && " % shlex.quote(dst) if delete else ""
        receive = self.remote_argv("%star --numeric-owner -xpf - -C %s" % (prep, shlex.quote(dst)))
        sys.stdout.flush()
        sender = subprocess.Popen(["tar", "--numeric-owner", "-cpf", "-", "-C", src, "."],
                                  stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        rc = subprocess.run(receive, stdin=sender.stdout, check=False).returncode
        sender.stdout.close()
        return sender.wait() or rc

    def copy_file(self, src, dst, phase):
        """scp ``src`` to ``dst`` on the destination."""
        if phase_fault(self.argv, phase):
            return 1
        with open(src, "rb") as handle:
            return self.local(self.remote_argv("cat > %s" % shlex.quote(dst)), stdin=handle)

    def lock(self, ctid):
        """bin/vzmigrate.in lock_ct(): LOCKDIR/CTID.lck holding our pid, O_EXCL."""
        path = os.path.join(self.host.lockdir, "%s.lck" % ctid)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                with open(path) as handle:
                    pid = handle.read().strip()
            except OSError:
                pid = ""
            return pid or "?"
        except OSError:
            return None
        with os.fdopen(fd, "w") as handle:
            handle.write("%d\n" % os.getpid())
        self.lock_path = path
        return True

    def unlock(self):
        path = getattr(self, "lock_path", None)
        if path:
            try:
                os.unlink(path)
            except OSError:
                pass
            self.lock_path = None


def _status(words):
    """``vzctl --quiet status`` -> (exist, mounted, state, suspended) words."""
    fields = words.split()
    fields += [""] * (6 - len(fields))
    return fields[2], fields[3], fields[4], fields[5]


# ---------------------------------------------------------------- legacy

LEGACY_LONG = [("live", NO_ARG), ("online", NO_ARG), ("remove-area", REQ_ARG), ("keep-dst", NO_ARG),
               ("compact", NO_ARG), ("snapshot", NO_ARG), ("check-only", NO_ARG), ("dry-run", NO_ARG),
               ("nodeps", OPT_ARG), ("ssh", REQ_ARG), ("rsync", REQ_ARG), ("times", NO_ARG),
               ("ssh-mux", NO_ARG), ("help", NO_ARG), ("usage", NO_ARG)]
LEGACY_SHORT = {"r": "remove-area", "c": "compact", "s": "snapshot", "f": "nodeps", "t": "times",
                "h": "help", "v": "v"}


def _bad_usage(detail=""):
    _out("Invalid usage%s\n\nFor command line syntax, please check\n  vzmigrate --help\n  man vzmigrate" % detail)
    return MIG_ERR_USAGE


class Legacy(Migration):
    def __init__(self, host, argv):
        super().__init__(host, argv)
        self.online = False
        self.remove_area = True
        self.keep_dst = False
        self.check_only = False
        self.ssh_options = []
        self.ignore_ipv6 = False

    def parse(self):
        if not self.argv:
            sys.stdout.write(LEGACY_USAGE)
            return 0
        # getopt(1) -n vzmigrate -o vr:csf::th; its complaint goes to stderr
        getter = Getopt(self.argv, [LongOpt(n, a, n) for n, a in LEGACY_LONG], _err, "vr:csf::th",
                        prog="vzmigrate")
        try:
            for opt, value, _given in getter:
                name = opt.name if isinstance(opt, LongOpt) else LEGACY_SHORT[opt]
                if name in ("live", "online"):
                    self.online = True
                elif name == "remove-area":
                    if value not in ("yes", "no"):
                        return _bad_usage(": bad argument for %s: %s" % (
                            "-r" if _given == "-r" else "--remove-area", value))
                    self.remove_area = value == "yes"
                elif name == "keep-dst":
                    self.keep_dst = True
                elif name in ("check-only", "dry-run"):
                    self.check_only = True
                elif name == "nodeps":
                    for arg in (value or "").replace(",", " ").split() or ["all"]:
                        if arg in ("ipv6", "all"):
                            self.ignore_ipv6 = True
                        elif arg not in ("cpu", "cpu_check"):
                            return _bad_usage(": unknown %s argument: %s" % (_given, arg))
                elif name == "ssh":
                    # $SSH_OPTIONS is expanded unquoted: split on blanks
                    self.ssh_options += value.split()
                elif name in ("help", "usage"):
                    sys.stdout.write(LEGACY_USAGE)
                    return 0
        except GetoptError:
            return _bad_usage()
        rest = getter.rest
        if len(rest) < 2:
            return _bad_usage(": not enough parameters")
        if len(rest) > 2:
            return _bad_usage(": too many parameters: %s" % " ".join(rest))
        self.host_arg, self.veid = rest
        self.dest = "root@" + self.host_arg
        self.ssh_base = LEGACY_SSH_OPTIONS + self.ssh_options
        return None

    def run(self):
        rc = self.parse()
        if rc is not None:
            return rc
        if not re.match(r"^[0-9]+$", self.veid):
            rc, out = self.local_output(["vzlist", "-o", "ctid", "-H", self.veid])
            self.veid = out.replace(" ", "").strip()
            if not self.veid:
                return MIG_ERR_NOEXIST
        try:
            return self.migrate()
        except Failed as exc:
            return exc.rc

    def fail(self, message, rc, undo):
        for line in message if isinstance(message, list) else [message]:
            _err("Error: " + line)
        undo()
        raise Failed(rc)

    # the script's undo_* chain, each calling the next
    def undo_lock(self):
        self.unlock()

    def undo_conf(self):
        self.remote("vzctl set %s --name '' --save > /dev/null" % self.veid)
        self.remote("rm -f %s" % self.vpsconf)
        self.undo_lock()

    def undo_act_scripts(self):
        if self.act_scripts:
            self.remote("rm -f %s" % " ".join(self.act_scripts))
        self.undo_conf()

    def undo_dump_file(self):
        if self.dump_file:
            self.remote("rm -f %s/%s" % (self.dumpdir_remote, self.dump_file))
        self.undo_act_scripts()

    def undo_private(self):
        if not self.keep_dst:
            self.remote("rm -rf %s" % self.private_remote)
        self.undo_dump_file()

    def undo_root(self):
        self.remote("rm -rf %s" % self.root_remote)
        self.undo_private()

    def undo_quota_init(self):
        if self.disk_quota != "no":
            # vzquota drop: the emulator's quota record of the CT
            self.remote("rm -f /var/lib/vzemu/quota/%s" % self.veid)
        self.undo_root()

    def undo_quota_on(self):
        if self.disk_quota != "no":
            self.remote("vzctl quotaoff %s" % self.veid, quiet=True)
        self.undo_quota_init()

    def undo_sync(self):
        self.undo_quota_on()

    def undo_suspend(self):
        self.local(["vzctl", "--skiplock", "chkpnt", self.veid, "--resume"], quiet=True)
        self.undo_sync()

    def undo_dump(self):
        try:
            os.unlink(self.dumpfile)
        except OSError:
            pass
        self.undo_suspend()

    def undo_copy_dump(self):
        self.remote("rm -f %s" % self.dumpfile_remote)
        self.undo_suspend()

    def undo_stop(self):
        if self.state == "running":
            self.local(["vzctl", "--skiplock", "start", self.veid])
        elif self.mounted == "mounted":
            self.local(["vzctl", "--skiplock", "mount", self.veid])
        self.undo_sync()

    def undo_source_stage(self):
        if self.online:
            self.undo_copy_dump()
        else:
            self.undo_stop()

    def undo_undump(self):
        self.remote("vzctl restore %s --kill" % self.veid, quiet=True)
        self.undo_source_stage()

    def migrate(self):  # pylint: disable=too-many-branches,too-many-statements
        veid = self.veid
        self.vpsconf = os.path.join(paths.CONF_DIR, "%s.conf" % veid)
        self.act_scripts = []
        self.dump_file = None
        if not os.access(paths.VZ_CONF, os.R_OK):
            _err("Error: Can't read global config file %s" % paths.VZ_CONF)
            return MIG_ERR_NOEXIST
        locked = self.lock(veid)
        if locked is None:
            _err("Error: Can't lock CT %s" % veid)
            return 1
        if locked is not True:
            _err("Error: CT %s already locked by PID %s" % (veid, locked))
            return MIG_ERR_LOCKED
        _out("Locked CT %s" % veid)
        _rc, words = self.local_output(["vzctl", "--skiplock", "--quiet", "status", veid])
        exist, self.mounted, self.state, suspended = _status(words)
        if exist == "deleted":
            self.fail("CT #%s doesn't exist" % veid, MIG_ERR_NOEXIST, self.undo_lock)
        if self.online and self.state != "running":
            self.fail("Can't perform live migration of a stopped container", MIG_ERR_VPS_IS_STOPPED,
                      self.undo_lock)
        _out("%s %s of CT %s to %s" % ("Checking" if self.check_only else "Starting",
                                       "live migration" if self.online else "migration", veid, self.host_arg))
        if self.remote("/bin/true", quiet=True, phase="connect") != 0:
            self.fail(["Can't connect to destination address using public key",
                       "Please put your public key to destination node"], MIG_ERR_CANT_CONNECT, self.undo_lock)
        # /etc/init.d/vz status and /proc/cpt, /proc/rst: an emulated host has
        # no kernel modules; its vzctl answering is "OpenVZ is running".
        _rc, words = self.remote_output("vzctl --quiet status %s" % veid)
        if (words.split() + ["", "", ""])[2] == "exist":
            self.fail("CT #%s already exists on destination node" % veid, MIG_ERR_EXISTS, self.undo_lock)
        if self.online or suspended == "suspended":
            if self.local(["sh", "-c", "which vzcptcheck"], quiet=True) != 0:
                _out("Warning: no vzcptcheck binary on local node,")
                _out("skipping CPT version and CPU caps checks")
            if os.path.isdir("/sys/module/ipv6") and self.remote("test -d /sys/module/ipv6") != 0:
                _err("Error: Module ipv6 is not loaded on the destination node")
                if self.ignore_ipv6:
                    _out("Ignoring the above error (migration can fail)...")
                else:
                    self.fail([], MIG_ERR_OVZ_NOT_RUNNING, self.undo_lock)
        conf = conffile.parse_file(self.vpsconf).values if os.path.exists(self.vpsconf) else {}

        def setting(key, default=""):
            return conf.get(key, self.host.setting(key, default))
        private = expand(setting("VE_PRIVATE"), veid)
        root = expand(setting("VE_ROOT"), veid)
        self.disk_quota = setting("DISK_QUOTA", "yes")
        _rc, out = self.remote_output("sh -c 'VEID='%s'; . /etc/vz/vz.conf && echo VE_ROOT_REMOTE=$VE_ROOT && "
                                      "echo VE_PRIVATE_REMOTE=$VE_PRIVATE && echo DUMPDIR_REMOTE=$DUMPDIR'" % veid)
        remote = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        self.root_remote = remote.get("VE_ROOT_REMOTE", "")
        self.private_remote = remote.get("VE_PRIVATE_REMOTE", "")
        self.dumpdir_remote = remote.get("DUMPDIR_REMOTE", "") or "/vz/dump"
        if not self.root_remote or not self.private_remote:
            self.fail("Failed to get remote VE_ROOT/VE_PRIVATE", MIG_ERR_CANT_READ_REMOTE_CONFIG, self.undo_lock)
        if private != self.private_remote:
            _out("Remote VE_PRIVATE path differs from local %s.conf" % veid)
            _out("Using %s for syncing" % self.private_remote)
        if root != self.root_remote:
            _out("Remote VE_ROOT path differs from local %s.conf" % veid)
            _out("Using %s for syncing" % self.root_remote)
        dumpdir = self.host.dumpdir
        self.dumpfile = os.path.join(dumpdir, "tmp-dump.%s" % veid)
        self.dumpfile_remote = os.path.join(self.dumpdir_remote, "tmp-dump.%s" % veid)
        ploop = os.path.isfile(os.path.join(private, "root.hdd", "DiskDescriptor.xml"))
        if ploop:
            self.disk_quota = "no"
            if self.remote("ploop getdev >/dev/null", quiet=True) != 0:
                self.fail("Destination node does not support ploop, can't migrate", MIG_ERR_UNSUP_PLOOP,
                          self.undo_lock)
        ips = [ip.split("/")[0] for ip in setting("IP_ADDRESS").split()]
        if ips:
            # /proc/vz/veip of the destination: the emulator's running/ records
            _rc, out = self.remote_output("cat /var/lib/vzemu/running/* 2>/dev/null")
            used = set(re.findall(r'"([0-9a-fA-F.:]+)"', out))
            if used & set(ips):
                self.fail("IP address(es) already in use on destination node", MIG_ERR_IP_IN_USE, self.undo_lock)
        if self.check_only:
            self.unlock()
            return 0

        _out("Preparing remote node")
        if self.copy_file(self.vpsconf, self.vpsconf, "copy-config") != 0:
            self.fail("Failed to copy config file", MIG_ERR_COPY, self.undo_lock)
        self.remote("vzctl set %s --private %s --root %s --save" % (veid, self.private_remote, self.root_remote),
                    quiet=True)
        rc = self.remote("vzctl set %s --applyconfig_map name --save" % veid, quiet=True)
        if rc not in (0, 20, 21):
            self.fail("Failed to apply config on destination node", MIG_ERR_APPLY_CONFIG, self.undo_conf)
        for sfx in ACT_SCRIPTS_SFX:
            path = os.path.join(paths.CONF_DIR, "%s.%s" % (veid, sfx))
            if os.path.isfile(path):
                self.act_scripts.append(path)
        for path in self.act_scripts:
            if self.copy_file(path, path, "copy-config") != 0:
                self.fail("Failed to copy action scripts", MIG_ERR_COPY, self.undo_conf)
        if suspended == "suspended":
            self.dump_file = "Dump.%s" % veid
            if self.copy_file(os.path.join(dumpdir, self.dump_file),
                              os.path.join(self.dumpdir_remote, self.dump_file), "copy-dump") != 0:
                self.fail("Failed to copy dump file", MIG_ERR_COPY, self.undo_act_scripts)
        if self.remote("mkdir -p %s" % self.root_remote) != 0:
            self.fail("Failed to make container root directory", MIG_ERR_COPY, self.undo_dump_file)
        if self.remote("mkdir -p %s" % self.private_remote) != 0:
            self.fail("Failed to make container private area directory", MIG_ERR_COPY, self.undo_private)
        if self.disk_quota != "no":
            _out("Initializing remote quota")
            if self.remote("vzctl quotainit %s" % veid) != 0:
                self.fail("Failed to initialize quota", MIG_ERR_QUOTA, self.undo_root)
            if self.remote("vzctl quotaon %s" % veid) != 0:
                self.fail("Failed to turn quota on", MIG_ERR_QUOTA, self.undo_quota_init)
        _out("Syncing private")
        if self.copy_tree(private, self.private_remote, "copy-private") != 0:
            self.fail("Failed to sync container private areas", MIG_ERR_COPY, self.undo_quota_on)

        if self.online:
            _out("Live migrating container...")
            if self.local(["vzctl", "--skiplock", "chkpnt", veid, "--suspend"], quiet=True) != 0:
                self.fail("Failed to suspend container", MIG_ERR_CHECKPOINT, self.undo_sync)
            if self.local(["vzctl", "--skiplock", "chkpnt", veid, "--dump", "--dumpfile", self.dumpfile],
                          quiet=True) != 0:
                self.fail("Failed to dump container", MIG_ERR_CHECKPOINT, self.undo_suspend)
            if self.copy_file(self.dumpfile, self.dumpfile_remote, "copy-dump") != 0:
                self.fail("Failed to copy dump", MIG_ERR_COPY, self.undo_dump)
        elif self.state == "running":
            _out("Stopping container")
            if self.local(["vzctl", "--skiplock", "stop", veid], quiet=True) != 0:
                self.fail("Failed to stop container", MIG_ERR_STOP_SOURCE, self.undo_sync)
        elif self.mounted == "mounted":
            _out("Unmounting container")
            if self.local(["vzctl", "--skiplock", "umount", veid], quiet=True) != 0:
                self.fail("Failed to umount container", MIG_ERR_STOP_SOURCE, self.undo_sync)
        if self.state == "running":
            if self.copy_tree(private, self.private_remote, "copy-private-2", delete=True) != 0:
                self.fail("Failed to sync container private areas", MIG_ERR_COPY, self.undo_source_stage)
        # 2nd-level quota (vzdqdump/vzdqload): the emulator models no per-user quota.

        if self.online:
            if self.remote("vzctl restore %s --undump --dumpfile %s --skip_arpdetect"
                           % (veid, self.dumpfile_remote), quiet=True) != 0:
                self.fail("Failed to undump container", MIG_ERR_RESTORE_VPS, self.undo_source_stage)
            if self.remote("vzctl restore %s --resume" % veid, quiet=True) != 0:
                self.fail("Failed to resume container", MIG_ERR_RESTORE_VPS, self.undo_undump)
            _out("Cleaning up")
            self.local(["vzctl", "--skiplock", "chkpnt", veid, "--kill"], quiet=True)
            self.local(["vzctl", "--skiplock", "umount", veid], quiet=True)
            try:
                os.unlink(self.dumpfile)
            except OSError:
                pass
            self.remote("rm -f %s" % self.dumpfile_remote)
        else:
            if self.state == "running":
                _out("Starting container")
                if self.remote("vzctl start %s" % veid, quiet=True) != 0:
                    self.fail("Failed to start container", MIG_ERR_START_VPS, self.undo_source_stage)
            elif self.mounted == "mounted":
                _out("Mounting container")
                if self.remote("vzctl mount %s" % veid, quiet=True) != 0:
                    self.fail("Failed to mount container", MIG_ERR_MOUNT_VPS, self.undo_source_stage)
            elif self.disk_quota != "no":
                _out("Turning quota off")
                if self.remote("vzctl quotaoff %s" % veid, quiet=True) != 0:
                    _err("Error: failed to turn quota off")
                    self.undo_source_stage()
                    return MIG_ERR_QUOTA
            _out("Cleaning up")
        if phase_fault(self.argv, "remove-source"):
            pass
        elif self.remove_area:
            self.local(["vzctl", "--skiplock", "destroy", veid], quiet=True)
        else:
            # "Move config as veid.migrated to allow backward migration"
            os.rename(self.vpsconf, self.vpsconf + SUFFIX_MIGRATED)
        self.unlock()
        return 0


# ---------------------------------------------------------------- OpenVZ 7

VZ7_LONG = [("copy", NO_ARG), ("remove-area", REQ_ARG), ("nodeps", OPT_ARG), ("nostart", NO_ARG),
            ("ssh", REQ_ARG), ("ssh-cipher", REQ_ARG), ("help", NO_ARG), ("keeper", OPT_ARG),
            ("keep-dst", NO_ARG), ("keep-images", NO_ARG), ("online", NO_ARG), ("lazy", NO_ARG),
            ("noiter", NO_ARG), ("readonly", NO_ARG), ("require-realtime", NO_ARG), ("dry-run", NO_ARG),
            ("new-id", REQ_ARG), ("new-name", REQ_ARG), ("new-private", REQ_ARG), ("new-root", REQ_ARG),
            ("nonsharedfs", NO_ARG), ("whole-file", NO_ARG), ("timeout", REQ_ARG), ("compress", NO_ARG),
            ("verbose", NO_ARG), ("eztempl", NO_ARG)]
VZ7_SHORT = {"h": "help", "C": "copy", "v": "verbose", "r": "remove-area", "f": "nodeps", "s": "nostart",
             "z": "eztempl", "W": "whole-file", "t": "timeout"}


class Vz7(Migration):
    def __init__(self, host, argv):
        super().__init__(host, argv)
        self.online = False
        # REMOVEMIGRATED in vz.conf (bin/ct_config.cpp; default no), -r overrides it
        self.remove = str(host.setting("REMOVEMIGRATED", "no")).lower() == "yes"
        self.nostart = False
        self.dry_run = False
        self.nodeps = False
        self.new_id = None
        self.new_name = None
        self.ssh_options = []

    def usage(self):
        sys.stderr.write(VZ7_USAGE)
        return VZ7_ERR_USAGE

    def error(self, message, rc):
        _err("Error: " + message)
        raise Failed(rc)

    def parse(self):
        getter = Getopt(self.argv, [LongOpt(n, a, n) for n, a in VZ7_LONG], _err, "hCvr:f::szbWt:l:",
                        prog="vzmigrate")
        try:
            for opt, value, _given in getter:
                name = opt.name if isinstance(opt, LongOpt) else VZ7_SHORT.get(opt, opt)
                if name == "remove-area":
                    if value not in ("yes", "no"):
                        return self.usage()
                    self.remove = value == "yes"
                elif name == "online":
                    self.online = True
                elif name == "nostart":
                    self.nostart = True
                elif name == "dry-run":
                    self.dry_run = True
                elif name == "nodeps":
                    self.nodeps = True
                elif name == "new-id":
                    self.new_id = value
                elif name == "new-name":
                    self.new_name = value
                elif name == "ssh":
                    self.ssh_options += value.split()
                elif name == "help":
                    return self.usage()
        except GetoptError:
            return self.usage()
        rest = getter.rest
        if len(rest) < 2:
            return self.usage()
        if len(rest) > 2 and (self.new_id or self.new_name):
            _err("Only one veid/vename should be used with --new-id/--new-name options")
            return VZ7_ERR_USAGE
        self.dest, self.source = rest[0], rest[1]
        if ":" in self.source:
            self.source, self.new_id = self.source.split(":", 1)[0], self.source.split(":", 2)[1]
        self.ssh_base = VZ7_SSH_OPTIONS + self.ssh_options
        return None

    def run(self):
        rc = self.parse()
        if rc is not None:
            return rc
        try:
            return self.migrate()
        except Failed as exc:
            self.unlock()
            return exc.rc

    def migrate(self):  # pylint: disable=too-many-branches,too-many-statements
        ctid = self.source
        if not os.path.lexists(paths.ct_conf_path(ctid)):
            link = os.path.join(paths.NAMES_DIR, ctid)
            if os.path.exists(link):
                values = conffile.parse_file(link).values
                ctid = values.get("VEID", ctid)
        conf_path = paths.ct_conf_path(ctid)
        if not os.path.exists(conf_path):
            self.error("CT %s doesn't exist" % self.source, VZ7_ERR_NOEXIST)
        values = conffile.parse_file(conf_path).values
        private = expand(values.get("VE_PRIVATE") or self.host.setting("VE_PRIVATE", ""), ctid)
        if not os.path.isdir(private):
            self.error("CT %s doesn't exist" % ctid, VZ7_ERR_NOEXIST)
        dst_id = self.new_id or ctid
        name = self.new_name or values.get("NAME")
        _rc, words = self.local_output(["vzctl", "--quiet", "status", ctid])
        _exist, mounted, state, suspended = _status(words)
        running = state == "running"
        if self.online and not running:
            self.error("Source Container must be running for online migration", VZ7_ERR_USAGE)
        _out("Checking preconditions")
        if self.remote("true", quiet=True, phase="connect") != 0:
            self.error("can't connect to destination node", VZ7_ERR_CANT_CONNECT)
        _rc, words = self.remote_output("vzctl --quiet status %s" % dst_id)
        if (words.split() + ["", "", ""])[2] == "exist":
            self.error("CT %s already exists" % dst_id, VZ7_ERR_EXISTS)
        dst_private = expand(self.host.setting("VE_PRIVATE", "/vz/private/$VEID"), dst_id)
        if self.remote("test ! -e %s" % shlex.quote(dst_private)) != 0:
            self.error("destination '%s' already exists" % dst_private, VZ7_ERR_EXISTS)
        if name:
            rc, owner = self.remote_output("sed -n 's/^VEID=\"*\\([^\"]*\\)\"*$/\\1/p' %s 2>/dev/null"
                                           % shlex.quote(os.path.join(paths.NAMES_DIR, name)))
            if owner.strip():
                self.error("name %s already used by CT %s" % (name, owner.strip()), VZ7_ERR_NAME_CONFLICT)
        need = int(self.local_output(["du", "-sk", private])[1].split()[0]) * 1024
        _rc, out = self.remote_output("df -Pk %s" % shlex.quote(os.path.dirname(dst_private)))
        lines = out.splitlines()
        free = int(lines[-1].split()[3]) * 1024 if len(lines) > 1 else 0
        if free < need and not self.nodeps:
            self.error("Disk space check failed: %s free:%d need:%d bytes" % (
                os.path.dirname(dst_private), free, need), VZ7_ERR_DISKSPACE)
        if self.dry_run:
            return 0
        locked = self.lock(ctid)
        if locked is not True:
            self.error("can't lock CT %s : %s" % (ctid, "locked by PID %s" % locked if locked else "error"),
                       VZ7_ERR_LOCK)
        if self.online:
            _out("Live migration stage started")
        _out("Copying static data")
        if self.online:
            if self.local(["vzctl", "--skiplock", "suspend", ctid], quiet=True) != 0:
                self.error("can not suspend CT %s : vzctl suspend failed" % ctid, VZ7_ERR_STOPSOURCE)
        elif running or mounted == "mounted":
            if self.local(["vzctl", "--skiplock", "stop", ctid], quiet=True) != 0:
                self.error("can not stop/umount CT %s : vzctl stop failed" % ctid, VZ7_ERR_STOPSOURCE)

        def back():
            # the source's cleaning on failure: MIG_MSG_RST_START / _RESUME
            self.remote("rm -rf %s" % shlex.quote(dst_private))
            if self.online or suspended == "suspended":
                _out("cleaning : resume CT %s" % ctid)
                self.local(["vzctl", "--skiplock", "resume", ctid], quiet=True)
            elif running:
                _out("cleaning : start CT %s" % ctid)
                self.local(["vzctl", "--skiplock", "start", ctid], quiet=True)
        if self.remote("mkdir -p %s" % shlex.quote(dst_private)) != 0 \
                or self.copy_tree(private, dst_private, "copy-private") != 0:
            back()
            self.error("copy (using : [tar]) failed : %s" % private, VZ7_ERR_COPY)
        dump = os.path.join(self.host.dumpdir, "Dump.%s" % ctid)
        moved_dump = self.online or suspended == "suspended"
        if moved_dump:
            dumpdir_remote = self.host.dumpdir
            if self.remote("mkdir -p %s" % dumpdir_remote) != 0 or self.copy_file(
                    dump, os.path.join(dumpdir_remote, "Dump.%s" % dst_id), "copy-dump") != 0:
                back()
                self.error("can not copy '%s' -> '%s' : copy failed" % (dump, dumpdir_remote), VZ7_ERR_COPY)
        register = "vzctl register %s %s" % (shlex.quote(dst_private), shlex.quote(dst_id))
        if self.new_name:
            register += " --name %s" % shlex.quote(self.new_name)
        if self.remote(register, quiet=True) != 0:
            back()
            self.error("can not register CT %s on destination" % dst_id, VZ7_ERR_COPY)

        def back_registered():
            self.remote("vzctl unregister %s" % shlex.quote(dst_id), quiet=True)
            back()
        if self.online:
            if self.remote("vzctl resume %s" % shlex.quote(dst_id), quiet=True) != 0:
                back_registered()
                self.error("can not resume destination CT %s : vzctl resume failed" % dst_id, VZ7_ERR_STARTVE)
            _out("Live migration stage completed")
        elif running and not self.nostart:
            if self.remote("vzctl start %s" % shlex.quote(dst_id), quiet=True) != 0:
                back_registered()
                self.error("can not start/mount CT %s : vzctl start failed" % dst_id, VZ7_ERR_STARTVE)
        elif mounted == "mounted" and not self.nostart:
            self.remote("vzctl mount %s" % shlex.quote(dst_id), quiet=True)
        if moved_dump:
            try:
                os.unlink(dump)
            except OSError:
                pass
        if phase_fault(self.argv, "remove-source"):
            self.unlock()
            return 0
        if self.remove:
            self.local(["vzctl", "--skiplock", "destroy", ctid], quiet=True)
        else:
            # migsrcremote.cpp postFinalStage(): private -> private.migrated, the
            # config link pointed at the kept ve.conf, then the CT destroyed (its
            # now absent private area and its registration)
            kept = private + SUFFIX_MIGRATED
            if os.path.exists(kept):
                self.local(["rm", "-rf", kept])
            os.rename(private, kept)
            try:
                os.unlink(conf_path)
            except OSError:
                pass
            os.symlink(os.path.join(kept, "ve.conf"), conf_path)
            self.local(["vzctl", "--skiplock", "destroy", ctid], quiet=True)
        self.unlock()
        return 0


def main(host, argv, out):  # pylint: disable=unused-argument
    tool = Legacy(host, argv) if host.legacy else Vz7(host, argv)
    return tool.run()
