"""The ``vzdump`` and ``vzrestore`` stand-ins: OpenVZ's backup tools for
legacy hosts (vzdump 1.2.6, the Perl tool Proxmox wrote for OpenVZ, as the
Debian package ships it: ``vzdump``, ``vzrestore``, ``VZDump.pm``,
``OpenVZ.pm``, ``Plugin.pm``; mirror Slm0n87/vzdump, commit 04612e8 "initial
commit vzdump_1.2.6").

vzdump archives a container's private area with GNU ``find | tar`` after
copying its config into the area as ``./etc/vzdump/vps.conf`` (with the
``CTID.{start,stop,mount,umount}`` scripts as ``vps.*``), and names the
archive ``vzdump-openvz-CTID-YYYY_MM_DD-HH_MM_SS.tar`` (``.tgz`` with
``--compress``) in the dump directory, with the task log beside it as
``.log``.  vzrestore unpacks one into ``VE_PRIVATE`` of a CTID and writes the
config back with ``VE_ROOT``/``VE_PRIVATE`` set to vz.conf's.  Both run the
emulated vzctl, GNU find and GNU tar as the real ones do.  Facts, sources and
gaps: docs/openvz-tools.md "vzdump and vzrestore".
"""
import fcntl
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time

from . import paths

RC_DIE = 255          # perl: exit(-1), and die outside an eval
LOCKFILE = "/var/run/vzdump.lock"
LOGDIR = "/var/log/vzdump"
VZDUMP_CONF = "/etc/vzdump.conf"
SCRIPT_EXT = ("start", "stop", "mount", "umount")
# VZDump.pm read_vzdump_defaults()
DEFAULTS = {"bwlimit": 10240, "size": 1024, "lockwait": 180, "stopwait": 10, "mode": "snapshot",
            "maxfiles": 1}
# vzdump's @std_opts: name -> type ("" flag, "s" string, "s@" list, "i" integer)
VZDUMP_OPTS = {"all": "", "exclude": "s@", "exclude-path": "s@", "stdexcludes": "", "compress": "",
               "mailto": "s@", "quiet": "", "stop": "", "suspend": "", "snapshot": "", "size": "i",
               "node": "i", "bwlimit": "i", "lockwait": "i", "stopwait": "i", "tmpdir": "s",
               "dumpdir": "s", "maxfiles": "i", "script": "s", "storage": "s"}
TAR_CREATE = ["--totals", "--sparse", "--numeric-owner", "--no-recursion", "--ignore-failed-read",
              "--one-file-system"]
ARCHIVE_RE = r"(\d{4})_(\d{2})_(\d{2})-(\d{2})_(\d{2})_(\d{2})\.(tgz|tar)"


class Die(Exception):
    """perl's die: the message (ending in a newline) goes up to an eval or to STDERR."""


class Output(object):
    """debugmsg(): ``PRE line`` on stdout, ``%b %d %H:%M:%S PRE line`` in the task log."""

    PRE = {"err": "ERROR:", "info": "INFO:", "warn": "WARN:"}

    def __init__(self, out):
        self.out = out
        self.logfd = None

    def msg(self, kind, text, log=True):
        text = text.rstrip("\n")
        if not text:
            return
        pre = self.PRE.get(kind, "ERROR:")
        stamp = time.strftime("%b %d %H:%M:%S", time.localtime())
        for line in text.split("\n"):
            self.out.stdout("%s %s" % (pre, line))
            if log and self.logfd is not None:
                self.logfd.write("%s %s %s\n" % (stamp, pre, line))
                self.logfd.flush()


def getoptions(args, table, out):
    """Getopt::Long's GetOptions() in its default configuration (permute,
    auto_abbrev, ignore_case, ``-`` or ``--``, ``--opt=value`` or ``--opt
    value``, ``--`` ends the options): (options, operands) or None after its
    warnings."""
    opts, operands, ok = {}, [], True
    args = list(args)
    while args:
        arg = args.pop(0)
        if arg == "--":
            operands += args
            break
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        name, sep, value = arg.lstrip("-").partition("=")
        lowered = name.lower()
        found = [opt for opt in table if opt == lowered] or [opt for opt in table if opt.startswith(lowered)]
        if len(found) != 1 or not name:
            if found:
                out.stderr("Option %s is ambiguous (%s)" % (name, ", ".join(sorted(found))))
            else:
                out.stderr("Unknown option: %s" % name.lower())
            ok = False
            continue
        opt, kind = found[0], table[found[0]]
        if not kind:
            if sep:
                out.stderr("Option %s does not take an argument" % opt)
                ok = False
            else:
                opts[opt] = 1
            continue
        if not sep:
            if not args or (kind == "i" and not re.fullmatch(r"[-+]?[0-9]+", args[0])
                            and args[0].startswith("-")):
                out.stderr("Option %s requires an argument" % opt)
                ok = False
                continue
            value = args.pop(0)
        if kind == "i":
            if not re.fullmatch(r"[-+]?[0-9]+", value):
                out.stderr('Value "%s" invalid for option %s (number expected)' % (value, opt))
                ok = False
                continue
            value = int(value)
        if kind == "s@":
            opts.setdefault(opt, []).append(value)
        else:
            opts[opt] = value
    return (opts, operands) if ok else None


def check_vmids(values):
    """VZDump.pm check_vmids()."""
    result = []
    for value in values:
        if not re.fullmatch(r"[0-9]+", value or "") or "\n" in value:
            raise Die("ERROR: strange VM ID '%s'\n" % value)
        number = int(value)
        if number < 100:
            raise Die("ERROR: got reserved VM ID '%d'\n" % number)
        result.append(number)
    return result


def _unquote(text):
    return re.sub(r'"?\s*$', "", re.sub(r'^\s*"?', "", text))


def read_global_vz_config():
    """OpenVZ.pm read_global_vz_config(): vz.conf's first ``KEY=`` line of each (a regex
    over the whole file, commented lines and all, as the Perl does)."""
    res = {"rootdir": "/var/lib/vz/root/$VEID", "privatedir": "/var/lib/vz/private/$VEID",
           "dumpdir": "/var/lib/vz/dump", "lockdir": "/var/lib/vz/lock"}
    try:
        with open(paths.VZ_CONF, "r", encoding="utf-8", errors="surrogateescape") as handle:
            data = handle.read()
    except OSError:
        return res, []
    warnings = []
    for key, field in (("VE_PRIVATE", "privatedir"), ("VE_ROOT", "rootdir")):
        match = re.search(r"^\s*%s=(.*)$" % key, data, re.M)
        if match:
            value = _unquote(match.group(1))
            if "$VEID" not in value:
                warnings.append("%s does not contain '$VEID' ('%s')" % (key, value))
            else:
                res[field] = value
    match = re.search(r"^\s*DUMPDIR=(.*)$", data, re.M)
    if match:
        res["dumpdir"] = re.sub(r"/\$VEID$", "", _unquote(match.group(1)))
    match = re.search(r"^\s*LOCKDIR=(.*)$", data, re.M)
    if match:
        res["lockdir"] = _unquote(match.group(1))
    return res, warnings


def read_vz_list():
    """OpenVZ.pm read_vz_list(): the CTIDs of three or more digits with a config."""
    found = {}
    try:
        names = os.listdir(paths.CONF_DIR)
    except OSError:
        names = []
    for entry in names:
        match = re.fullmatch(r"([0-9]{3,})\.conf", entry)
        if match:
            found[int(match.group(1))] = os.path.join(paths.CONF_DIR, entry)
    return found


def read_vzdump_defaults(log):
    res = dict(DEFAULTS)
    try:
        with open(VZDUMP_CONF, "r", encoding="utf-8", errors="surrogateescape") as handle:
            lines = handle.readlines()
    except OSError:
        return res
    patterns = (("tmpdir", r"tmpdir:\s*(.*\S)\s*$", str), ("dumpdir", r"dumpdir:\s*(.*\S)\s*$", str),
                ("storage", r"storage:\s*(\S+)\s*$", str), ("script", r"script:\s*(.*\S)\s*$", str),
                ("bwlimit", r"bwlimit:\s*(\d+)\s*$", int), ("lockwait", r"lockwait:\s*(\d+)\s*$", int),
                ("stopwait", r"stopwait:\s*(\d+)\s*$", int), ("size", r"size:\s*(\d+)\s*$", int),
                ("maxfiles", r"maxfiles:\s*(\d+)\s*$", int),
                ("mode", r"mode:\s*(stop|snapshot|suspend)\s*$", str))
    for number, line in enumerate(lines, 1):
        if re.match(r"^\s*$", line) or line.startswith("#"):
            continue
        for key, regex, kind in patterns:
            match = re.search(regex, line)
            if match:
                res[key] = kind(match.group(1))
                break
        else:
            log.msg("warn", "unable to parse configuration file '%s' - error at line %d" % (VZDUMP_CONF, number))
    return res


def run_command(log, argv, cwd=None, stdout=None, what=None):
    """VZDump.pm run_command(): every output line logged as INFO, a non-zero exit a die."""
    proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=stdout if stdout is not None else subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out, err = proc.communicate()
    for chunk in (out, err):
        if chunk:
            log.msg("info", chunk.decode("utf-8", "surrogateescape"))
    if proc.returncode:
        raise Die("command '%s' failed with exit code %d\n" % (what or " ".join(argv), proc.returncode))
    return (out or b"").decode("utf-8", "surrogateescape")


def format_size(size):
    kb = size / 1024.0
    if kb < 1024:
        return "%dKB" % int(kb)
    mb = size / (1024.0 * 1024)
    if mb < 1024:
        return "%dMB" % int(mb)
    return "%.2fGB" % (mb / 1024)


def format_time(seconds):
    return "%02d:%02d:%02d" % (seconds // 3600, seconds % 3600 // 60, seconds % 60)


def _copy_tree(src, dst):
    """rsync -aH --delete --numeric-ids -x from ``src/`` into ``dst`` (the emulator copies
    in-process: the machine has no rsync)."""
    os.makedirs(dst, exist_ok=True)
    keep = set()
    for top, dirs, files in os.walk(src):
        rel = os.path.relpath(top, src)
        target = dst if rel == "." else os.path.join(dst, rel)
        for name in dirs + files:
            path, dest = os.path.join(top, name), os.path.join(target, name)
            keep.add(os.path.normpath(dest))
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                if os.path.lexists(dest):
                    os.unlink(dest)
                os.symlink(os.readlink(path), dest)
            elif stat.S_ISDIR(info.st_mode):
                os.makedirs(dest, exist_ok=True)
                shutil.copystat(path, dest, follow_symlinks=False)
            elif stat.S_ISREG(info.st_mode):
                shutil.copy2(path, dest, follow_symlinks=False)
            else:
                continue
            try:
                os.lchown(dest, info.st_uid, info.st_gid)
            except OSError:
                pass
    for top, dirs, files in os.walk(dst, topdown=False):
        for name in files + dirs:
            path = os.path.normpath(os.path.join(top, name))
            if path not in keep:
                if os.path.isdir(path) and not os.path.islink(path):
                    shutil.rmtree(path)
                else:
                    os.unlink(path)


class Backup(object):
    """VZDump.pm new() and exec_backup_task() with OpenVZ.pm's plugin."""

    def __init__(self, cmdline, opts, out):
        self.cmdline = cmdline
        self.opts = opts
        self.log = Output(out)
        os.makedirs(LOGDIR, exist_ok=True)
        if opts.get("snapshot"):
            for tool in ("lvcreate", "lvs", "lvremove"):
                if shutil.which(tool) is None:
                    raise Die("unable to find command '%s'\n" % tool)
        defaults = read_vzdump_defaults(self.log)
        for key, value in defaults.items():
            if key in ("dumpdir", "storage"):
                if opts.get("dumpdir") is None and opts.get("storage") is None:
                    opts[key] = value
            elif opts.get(key) is None:
                opts[key] = value
        for mode in ("stop", "suspend", "snapshot"):
            if opts.get(mode):
                opts["mode"] = mode
        for key in ("dumpdir", "tmpdir"):
            if opts.get(key):
                opts[key] = opts[key].rstrip("/")
        self.vz, warnings = read_global_vz_config()
        for warning in warnings:
            out.stderr(warning)
        self.vmlist = read_vz_list()
        # find's expression: never '.', no sockets, then the excludes (VZDump.pm find_add_exclude())
        self.findexcl = ["(", "-regex", r"^\.$", ")", "-o", "(", "-type", "s", "-prune", ")", "-o"]
        for path in opts.get("exclude-path") or []:
            self.findexcl += ["(", "-regex", "." + path, "-prune", ")", "-o"]
        if opts.get("stdexcludes"):
            self.findexcl += ["(", "-not", "-type", "d", "-regex", r"./var/log/.+", ")", "-o"]
            for path in ("/tmp/.+", "/var/tmp/.+", "/var/run/.+pid"):
                self.findexcl += ["(", "-regex", "." + path, "-prune", ")", "-o"]
        if not opts.get("dumpdir") and not opts.get("storage"):
            opts["dumpdir"] = self.vz["dumpdir"]
        if opts.get("storage"):
            # PVE::Storage exists on Proxmox VE only
            raise Die("unable to query storage info for '%s' - Can't locate PVE/Storage.pm in @INC\n"
                      % opts["storage"])
        if not os.path.isdir(opts["dumpdir"]):
            raise Die("dumpdir '%s' does not exist\n" % opts["dumpdir"])
        if opts.get("tmpdir") and not os.path.isdir(opts["tmpdir"]):
            raise Die("tmpdir '%s' does not exist\n" % opts["tmpdir"])

    # ---------------------------------------------------------------- the plugin
    def _vzctl(self, *args):
        return run_command(self.log, ["vzctl"] + list(args))

    def _load_conf(self, vmid, conffile_path):
        with open(conffile_path, "r", encoding="utf-8", errors="surrogateescape") as handle:
            data = handle.read()
        match = re.search(r"^\s*VE_PRIVATE=(.*)$", data, re.M)
        private = _unquote(match.group(1)) if match else self.vz["privatedir"]
        private = private.replace("$VEID", str(vmid), 1)
        match = re.search(r"^\s*HOSTNAME=(.*)", data, re.M)
        return private, (_unquote(match.group(1)) if match else "VM %d" % vmid)

    def _lock(self, vmid):
        """OpenVZ.pm lock_vm(): LockFile::Simple on LOCKDIR/CTID.lck (the file vzctl locks: its
        own calls here take --skiplock), ``pid\\n`` inside, 30 tries 2 s apart."""
        path = os.path.join(self.vz["lockdir"], "%d.lck" % vmid)
        for _try in range(30):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                time.sleep(2)
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write("%d\n" % os.getpid())
            return path
        raise Die("can't lock VM %d\n" % vmid)

    def task(self, vmid):
        opts, log = self.opts, self.log
        task = {"vmid": vmid}
        cleanup = {}
        started = time.time()
        stopped_at = 0
        lock = None
        error = None
        tmplog = None
        conf_path = self.vmlist.get(vmid)
        try:
            if conf_path is None:
                raise Die("unable to find VM '%d'\n" % vmid)
            tmplog = os.path.join(LOGDIR, "openvz-%d.log" % vmid)
            now = time.localtime()
            bkname = "vzdump-openvz-%d" % vmid
            basename = "%s-%s" % (bkname, time.strftime("%Y_%m_%d-%H_%M_%S", now))
            task["logfile"] = os.path.join(opts["dumpdir"], basename + ".log")
            task["tarfile"] = os.path.join(opts["dumpdir"], basename + (".tgz" if opts.get("compress") else ".tar"))
            task["tmptar"] = re.sub(r"\.[^.]+$", ".dat", task["tarfile"])
            if os.path.lexists(task["tmptar"]):
                os.unlink(task["tmptar"])
            # dumpdir is on a POSIX file system here: the copy goes next to the archive
            task["tmpdir"] = ("%s/vzdumptmp%d" % (opts["tmpdir"], os.getpid()) if opts.get("tmpdir")
                              else os.path.join(opts["dumpdir"], basename + ".tmp"))
            shutil.rmtree(task["tmpdir"], ignore_errors=True)
            os.mkdir(task["tmpdir"])
            log.logfd = open(tmplog, "w", encoding="utf-8", errors="surrogateescape")
            if os.path.lexists(task["logfile"]):
                os.unlink(task["logfile"])
            log.msg("info", "Starting Backup of VM %d (openvz)" % vmid)
            status = self._vzctl("status", str(vmid)).rstrip("\n")
            running = "running" in status
            log.msg("info", "status = %s" % status)
            lock = self._lock(vmid)
            mode = opts["mode"] if running else "stop"
            private, _hostname = self._load_conf(vmid, conf_path)
            if mode == "snapshot":
                # prepare(): lvs finds no volume group the private area is on
                log.msg("info", "mode failure - unable to detect lvm volume group")
                log.msg("info", "trying 'suspend' mode instead")
                mode = "suspend"
            log.msg("info", "backup mode: %s" % mode)
            if opts.get("bwlimit"):
                log.msg("info", "bandwidth limit: %s KB/s" % opts["bwlimit"])
            snapdir = private
            if mode == "stop" and running:
                log.msg("info", "stopping vm")
                stopped_at = time.time()
                self._vzctl("--skiplock", "stop", str(vmid))
                cleanup["restart"] = True
            elif mode == "suspend":
                snapdir = task["tmpdir"]
                self._sync(private + "/", snapdir, "first")
                log.msg("info", "suspend vm")
                stopped_at = time.time()
                self._vzctl("--skiplock", "chkpnt", str(vmid), "--suspend")
                cleanup["resume"] = True
                self._sync(private + "/", snapdir, "final")
                log.msg("info", "resume vm")
                cleanup["resume"] = False
                self._vzctl("--skiplock", "chkpnt", str(vmid), "--resume")
                log.msg("info", "vm is online again after %d seconds" % (time.time() - stopped_at))
            task["snapdir"] = snapdir
            # assemble(): the config (and its scripts) into the area archived
            cleanup["etc_vzdump"] = True
            os.makedirs(os.path.join(snapdir, "etc", "vzdump"), exist_ok=True)
            run_command(log, ["cp", conf_path, os.path.join(snapdir, "etc/vzdump/vps.conf")])
            for ext in SCRIPT_EXT:
                script = os.path.join(os.path.dirname(conf_path), "%d.%s" % (vmid, ext))
                if os.path.isfile(script):
                    run_command(log, ["cp", script, os.path.join(snapdir, "etc/vzdump/vps.%s" % ext)])
            log.msg("info", "creating archive '%s'" % task["tarfile"])
            self._archive(task, snapdir)
            os.rename(task["tmptar"], task["tarfile"])
            size = os.path.getsize(task["tarfile"])
            log.msg("info", "archive file size: %s" % format_size(size))
            self._purge(bkname, task["tarfile"])
        except (Die, OSError) as exc:
            error = str(exc) if isinstance(exc, Die) else "%s\n" % exc
        if conf_path is not None:
            if lock is not None:
                os.unlink(lock)
            if cleanup.get("etc_vzdump"):
                shutil.rmtree(os.path.join(task["snapdir"], "etc", "vzdump"), ignore_errors=True)
            if cleanup.get("resume") or cleanup.get("restart"):
                try:
                    if cleanup.get("resume"):
                        log.msg("info", "resume vm")
                        self._vzctl("--skiplock", "chkpnt", str(vmid), "--resume")
                    else:
                        log.msg("info", "restarting vm")
                        self._vzctl("--skiplock", "start", str(vmid))
                    log.msg("info", "vm is online again after %d seconds" % (time.time() - stopped_at))
                except Die as exc:
                    sys.stderr.write(str(exc))
        if task.get("tmptar") and os.path.isfile(task["tmptar"]):
            os.unlink(task["tmptar"])
        if task.get("tmpdir") and os.path.isdir(task["tmpdir"]):
            shutil.rmtree(task["tmpdir"], ignore_errors=True)
        if error:
            log.msg("err", "Backup of VM %d failed - %s" % (vmid, error))
        else:
            log.msg("info", "Finished Backup of VM %d (%s)" % (vmid, format_time(int(time.time() - started))))
        if log.logfd is not None:
            log.logfd.close()
            log.logfd = None
            shutil.copyfile(tmplog, task["logfile"])
        return error is None

    def _sync(self, src, dst, text):
        self.log.msg("info", "starting %s sync %s to %s" % (text, src, dst))
        started = time.time()
        _copy_tree(src, dst)
        self.log.msg("info", "%s sync finished (%d seconds)" % (text, time.time() - started))

    def _archive(self, task, snapdir):
        """OpenVZ.pm archive(): ``cd SNAPDIR; find . EXCL -print0 | tar c[z]pf - OPTS --null -T - >FILE``."""
        opts = self.opts
        # vzdump adds --remove-files when it archives its copy inside dumpdir (suspend
        # mode). The stand-in leaves it out: GNU tar 1.26 and newer, given the parent
        # directories before their contents (find's order, --no-recursion), fail on
        # them with "Cannot rmdir: Directory not empty" and exit 2, which the tar of
        # the hosts vzdump 1.2.6 was made for may not; the copy goes with the cleanup.
        taropts = list(TAR_CREATE)
        find = subprocess.Popen(["find", "."] + self.findexcl + ["-print0"], cwd=snapdir,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with open(task["tmptar"], "wb") as target:
            tar = subprocess.Popen(["tar", "c%spf" % ("z" if opts.get("compress") else ""), "-"] + taropts
                                   + ["--null", "-T", "-"], cwd=snapdir, stdin=find.stdout, stdout=target,
                                   stderr=subprocess.PIPE, env=dict(os.environ, GZIP=os.environ.get("GZIP") or "--rsyncable"))
            find.stdout.close()
            _out, tar_err = tar.communicate()
        _out, find_err = find.communicate()
        for chunk in (find_err, tar_err):
            if chunk:
                self.log.msg("info", chunk.decode("utf-8", "surrogateescape"))
        if tar.returncode:
            # sh -c reports the last command of the pipeline
            raise Die("command '(cd %s;find . %s -print0|tar c%spf - %s --null -T - >%s )' failed with exit code %d\n"
                      % (snapdir, " ".join(self.findexcl), "z" if opts.get("compress") else "",
                         " ".join(taropts), task["tmptar"], tar.returncode))

    def _purge(self, bkname, keep):
        maxfiles = self.opts.get("maxfiles")
        if not maxfiles:
            return
        listed = []
        for entry in os.listdir(self.opts["dumpdir"]):
            path = os.path.join(self.opts["dumpdir"], entry)
            match = re.fullmatch(re.escape(bkname) + "-" + ARCHIVE_RE, entry)
            if path == keep or not match:
                continue
            fields = [int(part) for part in match.groups()[:6]]
            listed.append((time.mktime((fields[0], fields[1], fields[2], fields[3], fields[4], fields[5],
                                        0, 0, -1)), path))
        listed.sort(reverse=True)
        while len(listed) >= maxfiles:
            _when, path = listed.pop()
            self.log.msg("info", "delete old backup '%s'" % path)
            os.unlink(path)
            logname = re.sub(r"\.(tgz|tar)$", ".log", path)
            if os.path.exists(logname):
                os.unlink(logname)


def _getlock(opts, log):
    handle = open(LOCKFILE, "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return handle
    except OSError:
        pass
    if not opts.get("lockwait"):
        log.msg("err", "can't aquire lock '%s' (wait = 0)" % LOCKFILE)
        raise SystemExit(RC_DIE)
    log.msg("info", "trying to get global lock - waiting...")

    def _timeout(_signum, _frame):
        raise OSError("got timeout")
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(int(opts["lockwait"]) * 60)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
    except OSError as exc:
        log.msg("err", "can't aquire lock '%s' - %s" % (LOCKFILE, exc))
        raise SystemExit(RC_DIE)
    finally:
        signal.alarm(0)
    log.msg("info", "got global lock")
    return handle


VZDUMP_USAGE = """usage: vzdump OPTIONS [--all | VMID]

\t--exclude VMID\t\texclude VMID (assumes --all)
\t--exclude-path REGEX\texclude certain files/directories
\t--stdexcludes\t\texclude temorary files and logs

\t--compress\t\tcompress dump file (gzip)
\t--dumpdir DIR\t\tstore resulting files in DIR
\t--maxfiles N\t\tmaximal number of backup files per VM
\t--script FILENAME\texecute hook script
\t--storage STORAGE_ID\tstore resulting files to STORAGE_ID (PVE only)
\t--tmpdir DIR\t\tstore temporary files in DIR

\t--mailto EMAIL\t\tsend notification mail to EMAIL.
\t--quiet\t\t\tbe quiet.
\t--stop\t\t\tstop/start VM if running
\t--suspend\t\tsuspend/resume VM when running
\t--snapshot\t\tuse LVM snapshot when running
\t--size MB\t\tLVM snapshot size

\t--node CID\t\tonly run on pve cluster node CID
\t--lockwait MINUTES\tmaximal time to wait for the global lock
\t--stopwait MINUTES\tmaximal time to wait until a VM is stopped
\t--bwlimit KBPS\t\tlimit I/O bandwidth; KBytes per second

"""


def vzdump_main(host, argv, out):
    if not host.legacy:
        out.stderr("vzdump: command not found")  # not a package of OpenVZ 7
        return 127
    cmdline = " ".join(["vzdump"] + list(argv))
    parsed = getoptions(argv, VZDUMP_OPTS, out)
    if parsed is None:
        out.stderr(VZDUMP_USAGE)
        return RC_DIE
    opts, operands = parsed
    for unsupported in ("node", "script", "mailto"):
        if opts.get(unsupported):
            out.stderr("vzdump: --%s: the emulator's stand-in does not support it" % unsupported)
            return RC_DIE
    if opts.get("exclude"):
        opts["all"] = 1
    if (opts.get("all") and operands) or (not opts.get("all") and not operands):
        out.stderr(VZDUMP_USAGE)
        return RC_DIE
    if opts.get("quiet"):
        devnull = open(os.devnull, "w")
        sys.stdout, sys.stderr = devnull, devnull
    try:
        vmids = None if opts.get("all") else check_vmids(operands)
        excluded = check_vmids(opts.get("exclude") or [])
        backup = Backup(cmdline, opts, out)
    except Die as exc:
        out.stderr(str(exc).rstrip("\n"))
        return RC_DIE
    lock = _getlock(opts, backup.log)
    try:
        backup.log.msg("info", "starting new backup job: %s" % cmdline)
        todo = sorted(backup.vmlist, key=str) if vmids is None else sorted(vmids, key=str)
        errors = 0
        for vmid in todo:
            if vmid in excluded:
                continue
            if not backup.task(vmid):
                errors += 1
        # exec_backup(): a failed VM is reported, the job still exits 0
        backup.log.msg("info", "Backup job finished with errors" if errors else "Backup job finished successfuly")
    finally:
        lock.close()
    return 0


def vzrestore_main(host, argv, out):
    if not host.legacy:
        out.stderr("vzrestore: command not found")
        return 127
    usage = "usage: vzrestore [OPTIONS] <ARCHIVE> <VMID>\n\n\t--force      overwrite existing conf file, private and root directory\n"
    parsed = getoptions(argv, {"force": ""}, out)
    if parsed is None or len(parsed[1]) != 2:
        out.stderr(usage)
        return RC_DIE
    opts, (archive, vmid_text) = parsed
    force = bool(opts.get("force"))
    log = Output(out)
    try:
        vmid = check_vmids([vmid_text])[0]
        if os.path.isfile(archive):
            listing = subprocess.run(["tar", "tf", archive], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, check=False)
            first = listing.stdout.split(b"\n", 1)[0]
            if not first:
                raise Die("ERROR: archive contaions no data\n")
            if first == b"qemu-server.conf":
                raise Die("ERROR: please use 'qmrestore' to restore QemuServer VMs\n")
    except Die as exc:
        out.stderr(str(exc).rstrip("\n"))
        return RC_DIE
    vz, _warnings = read_global_vz_config()
    lockpath = os.path.join(vz["lockdir"], "%d.lck" % vmid)
    try:
        fd = os.open(lockpath, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b"%d\n" % os.getpid())
        os.close(fd)
    except FileExistsError:
        log.msg("err", "restore openvz backup '%s' failed - can't lock VM %d" % (archive, vmid))
        return RC_DIE
    try:
        log.msg("info", "restore openvz backup '%s' using ID %d" % (archive, vmid))
        _restore(archive, vmid, vz, force, log, out)
        log.msg("info", "restore openvz backup '%s' successful" % archive)
        return 0
    except Die as exc:
        log.msg("err", "restore openvz backup '%s' failed - %s" % (archive, exc))
        return RC_DIE
    finally:
        os.unlink(lockpath)


def _restore(archive, vmid, vz, force, log, out):
    """vzrestore restore_openvz()."""
    conf = os.path.join(paths.CONF_DIR, "%d.conf" % vmid)
    private = vz["privatedir"].replace("$VEID", str(vmid), 1)
    root = vz["rootdir"].replace("$VEID", str(vmid), 1)
    if force:
        out.stdout("you choose to force overwriting VPS config file, private and root directories.")
    if not force and os.path.isfile(conf):
        raise Die("unable to restore VM '%d' - VM already exists\n" % vmid)
    if not force and os.path.isdir(private):
        raise Die("unable to restore VPS '%d' - directory '%s' already exists\n" % (vmid, private))
    if not force and os.path.isdir(root):
        raise Die("unable to restore VPS '%d' - directory '%s' already exists\n" % (vmid, root))
    try:
        os.makedirs(private, exist_ok=True)
        os.makedirs(root, exist_ok=True)
        if os.path.isdir(archive):
            if not os.path.isfile(os.path.join(archive, "etc/vzdump/vps.conf")):
                raise Die("%s/etc/vzdump/vps.conf is missing" % archive)
            log.msg("info", "extracting archive '%s'" % archive)
            _copy_tree(archive + "/", private)
        else:
            log.msg("info", "extracting archive '%s'" % archive)
            run_command(log, ["tar", "xpf", archive, "--totals", "--sparse", "-C", private],
                        what="tar xpf %s --totals --sparse -C %s" % (archive, private))
        log.msg("info", "extracting configuration to '%s'" % conf)
        saved = os.path.join(private, "etc/vzdump/vps.conf")
        try:
            with open(saved, "r", encoding="utf-8", errors="surrogateescape") as handle:
                lines = handle.read().split("\n")
        except OSError:
            raise Die("command 'sed -e ... <'%s' >'%s'' failed with exit code 2\n" % (saved, conf))
        # sed -e 's/VE_ROOT=.*/VE_ROOT="ROOT"/' -e 's/VE_PRIVATE=.*/VE_PRIVATE="PRIVATE"/'
        lines = [re.sub(r"VE_ROOT=.*", lambda _m: 'VE_ROOT="%s"' % vz["rootdir"], line) for line in lines]
        lines = [re.sub(r"VE_PRIVATE=.*", lambda _m: 'VE_PRIVATE="%s"' % vz["privatedir"], line) for line in lines]
        with open(conf, "w", encoding="utf-8", errors="surrogateescape") as handle:
            handle.write("\n".join(lines))
        for ext in SCRIPT_EXT:
            source = os.path.join(private, "etc/vzdump/vps.%s" % ext)
            if os.path.isfile(source):
                run_command(log, ["cp", source, os.path.join(paths.CONF_DIR, "%d.%s" % (vmid, ext))])
        shutil.rmtree(os.path.join(private, "etc/vzdump"), ignore_errors=True)
    except (Die, OSError) as exc:
        shutil.rmtree(private, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)
        if os.path.lexists(conf):
            os.unlink(conf)
        raise Die(str(exc) if isinstance(exc, Die) else "%s\n" % exc)
