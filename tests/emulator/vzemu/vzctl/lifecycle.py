"""start / stop / restart / mount / umount / status / destroy / quota*
(vzctl 4.x src/vzctl-actions.c start(), stop(), restart(), show_status();
src/lib/env.c vps_start_custom(), env_stop(), vps_stop(); src/lib/fs.c
vps_mount(), vps_umount(); src/lib/destroy.c vps_destroy(); and
libvzctl's env.c/fs.c/destroy.c for the vz7 wording)."""
import json
import os
import tempfile
import time

from .. import paths
from . import apply as apply_mod
from . import config as cfg
from . import fsops
from ..getopt import GetoptError, Getopt, LongOpt, NO_ARG, REQ_ARG

START_STOP = ["force", "skip_ve_setup", "wait", "fast", "skip-umount", "skip-fsck",
              "skip-remount"]
START_ONLY = {"force", "skip_ve_setup", "wait", "skip-fsck", "skip-remount"}
STOP_ONLY = {"fast", "skip-umount"}
VZ7_START = ["force", "skip_ve_setup", "wait", "skip-fsck", "repair"]
VZ7_STOP = ["fast", "force", "skip-umount"]


def _startstop(run, start, stop):
    names = START_STOP if run.legacy else (VZ7_START if start and not stop else VZ7_STOP)
    if not run.legacy and start and stop:
        names = VZ7_START
    getter = Getopt(run.argv, [LongOpt(n, NO_ARG, n) for n in names], run.log.raw_err)
    flags = set()
    ret = 0
    try:
        for opt, _value, _given in getter:
            name = opt.name
            if run.legacy and ((name in START_ONLY and not start) or (name in STOP_ONLY and not stop)):
                run.log.raw_err("Option --%s is not applicable to %s command"
                                % (name, "start" if start else "stop"))
                return 20
            flags.add(name)
    except GetoptError:
        if run.legacy:
            ret = 20
        else:
            return 21
    if getter.rest:
        if run.legacy:
            run.log.raw_err("Invalid extra arguments: " + "".join("%s " % a for a in getter.rest))
        else:
            run.log.raw_out("non-option ARGV-elements: " + "".join("%s " % a for a in getter.rest)
                            + "\n")
        return 20
    run.flags = flags
    return ret


def parse_start(run):
    return _startstop(run, True, False)


def parse_stop(run):
    return _startstop(run, False, True)


def parse_restart(run):
    return _startstop(run, True, True)


def _no_options(run):
    if run.argv:
        if run.legacy:
            run.log.raw_err("Invalid options: " + "".join("%s " % a for a in run.argv))
        return 20
    run.flags = set()
    return 0


def parse_mount(run):
    if not run.legacy:
        run.flags = set()
        return 0
    return _no_options(run)


parse_umount = _no_options
parse_status = _no_options
parse_destroy = _no_options
parse_quota = _no_options


# ---------------------------------------------------------------- helpers

def _dumpfile(run):
    dumpdir = run.gparam.dumpdir or run.host.dumpdir
    return os.path.join(dumpdir, "Dump.%s" % run.veid)


def _quota_path(run):
    return paths.state_path("quota", str(run.veid))


def _quota_enabled(run):
    return run.gparam.disk_quota != "no" and apply_mod.layout_of(run) == "simfs"


def do_mount(run, quiet_already=False):
    """vps_mount(): 0 or an exit code."""
    log = run.log
    g = run.gparam
    if not g.root:
        log.error("VE_ROOT is not set")
        return 22
    if not g.private:
        log.error("VE_PRIVATE is not set")
        return 23
    if os.path.isdir(g.root) and fsops.is_mountpoint(g.root):
        log.error("Container is already mounted") if run.legacy else log.info("Container is already mounted")
        return 0
    if not os.path.exists(g.private):
        log.error("Container private area %s does not exist" % g.private)
        return 43
    layout = apply_mod.layout_of(run)
    try:
        os.makedirs(g.root, exist_ok=True)
    except OSError:
        log.error("Can't create mount point %s" % g.root)
        return 49
    if layout == "ploop" and not run.host.ploop:
        log.error("Warning: ploop support is not compiled in")
        return 99
    if _quota_enabled(run) and run.legacy and not os.path.exists(_quota_path(run)):
        log.info("Initializing quota ...")
        _quota_init(run)
    source = fsops.fs_source(g.private, layout)
    if not os.path.isdir(source):
        log.error("Can't mount %s" % source)
        return 50
    try:
        fsops.bind_mount(source, g.root)
    except OSError as exc:
        log.error("Can't mount: %s" % g.root, exc.errno)
        return 50
    log.info("Container is mounted")
    return 0


def _quota_init(run):
    path = _quota_path(run)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write("%s\n" % run.veid)


def do_umount(run):
    log = run.log
    g = run.gparam
    mounted = apply_mod.is_mounted(run, quiet=True)
    if mounted == 0 or (mounted < 0 and not run.legacy):
        log.error(run.msg("not_mounted"))
        return 40
    if fsops.is_running(run.veid):
        log.error(run.msg("umount_running"))
        return 32
    try:
        fsops.umount_tree(g.root)
    except OSError as exc:
        log.error("Can't umount %s" % g.root, exc.errno)
        return 51
    log.info("Container is unmounted")
    return 0


def _setup_messages(run):
    """What vps_setup_res(STATE_STARTING) prints on an OpenVZ kernel."""
    log = run.log
    g = run.gparam
    ips = list(g.ip)
    if g.ipv6_net == "no":
        kept = [ip for ip in ips if ":" not in ip]
        if len(kept) != len(ips):
            log.info("WARNING: IPv6 support is disabled")
        ips = kept
    if ips:
        log.info("Adding IP address(es): %s" % " ".join(ips))
    if g.cpulimit is not None:
        log.info("Setting CPU limit: %d" % g.cpulimit)
    if g.cpuunits is not None:
        log.info("Setting CPU units: %d" % g.cpuunits)
    elif g.cpuweight is None:
        log.info("Setting CPU units: 1000")
    if g.cpus is not None:
        log.info("Setting CPUs: %d" % g.cpus)
    if g.cpumask is not None and g.cpumask != "auto":
        log.info("Setting CPU mask: %s" % cfg.format_bitmap(g.cpumask, 1 << 30))
    if g.devs:
        log.info("Setting devices")
    if g.iolimit is not None:
        log.info("Setting iolimit: %d %s" % (g.iolimit, "bytes/sec" if g.iolimit else "(unlimited)"))
    if g.iopslimit is not None:
        log.info("Setting iopslimit: %d %s" % (g.iopslimit, "iops" if g.iopslimit else "(unlimited)"))
    apply_mod.configure_inside(run, g)
    if g.veth:
        log.info("Configure veth devices: %s" % "".join("%s " % d["host_ifname"] for d in g.veth))


def do_start(run, skip_setup=False, wait=False):
    """vps_start(): 'Starting container...' through 'start in progress'."""
    log = run.log
    g = run.gparam
    log.info(run.msg("starting"))
    if not g.root:
        log.error("VE_ROOT is not set")
        return 22
    if fsops.is_running(run.veid):
        log.error("Container is already running")
        return 32
    layout = apply_mod.layout_of(run)
    if layout == "ploop" and not run.host.ploop:
        log.error("Warning: ploop support is not compiled in")
        return 99
    if not os.path.isdir(g.root) or not fsops.is_mountpoint(g.root):
        rc = do_mount(run)
        if rc:
            return rc
    if not skip_setup and run.legacy:
        _setup_messages(run)
    elif not skip_setup:
        if g.ip:
            # libvzctl net.c env_ip_ctl(): the addresses without masks, each with a space
            from .envconf import ip_addr
            log.info("Adding ip address(es): %s" % "".join("%s " % ip_addr(ip) for ip in g.ip))
        apply_mod.configure_inside(run, g)
    fsops.set_running(run.veid, True, json.dumps({"start": time.time(), "ip": g.ip}))
    if wait:
        log.info("Container start in progress, waiting ...")
        log.info(run.msg("started"))
    else:
        log.info("Container start in progress...")
    try:
        os.unlink(_dumpfile(run))
    except OSError:
        pass
    return 0


def do_stop(run, fast=False, skip_umount=False):
    log = run.log
    g = run.gparam
    if not g.root:
        log.error("VE_ROOT is not set")
        return 22
    if not fsops.is_running(run.veid):
        log.error(run.msg("stop_not_running"))
        return 0
    log.info(run.msg("killing" if fast else "stopping"))
    fsops.set_running(run.veid, False)
    try:
        os.unlink(paths.state_path("applied", "%s.json" % run.veid))
    except OSError:
        pass
    log.info("Container was stopped")
    if not skip_umount:
        return do_umount(run)
    return 0


def do_restart(run):
    log = run.log
    log.info(run.msg("restarting"))
    if fsops.is_running(run.veid):
        rc = do_stop(run)
        if rc:
            return rc
    return start(run, restarting=True)


# ---------------------------------------------------------------- commands

def start(run, restarting=False):
    log = run.log
    g = run.gparam
    flags = getattr(run, "flags", set())
    if g.start_disabled == "yes" and "force" not in flags:
        log.error("Container start disabled")
        return 105
    if not g.private:
        log.error("VE_PRIVATE is not set")
        return 23
    if not os.path.exists(g.private):
        log.error("Container private area %s does not exist" % g.private)
        return 43
    if fsops.is_running(run.veid):
        log.error("Container is already running")
        return 32
    dump = _dumpfile(run)
    if os.path.exists(dump):
        log.info("Dump file %s exists, trying to restore from it" % dump)
        from . import cpt
        rc = cpt.do_restore(run, dump)
        if rc == 0:
            return 0
    if not run.legacy and g.ostmpl and not run.vps_p.raw.get("OSRELEASE"):
        # env.c get_virt_osrelease(): vztmpl_get_osrelease()
        from . import vztmpl
        vztmpl.field(run, g.ostmpl, "osrelease")
    rc = do_start(run, skip_setup="skip_ve_setup" in flags, wait="wait" in flags)
    if run.legacy and run.vps_p.layout is None and run.conf_exists:
        layout = apply_mod.layout_of(run)
        log.info("Saving VE layout '%s' to the VE config file" % layout)
        new = cfg.Params()
        new.layout = layout
        cfg.save_config(run.conf_path, new, run.vps_p, log)
    return rc


def stop(run):
    flags = getattr(run, "flags", set())
    return do_stop(run, fast="fast" in flags, skip_umount="skip-umount" in flags)


def restart(run):
    return do_restart(run)


def mount(run):
    return do_mount(run)


def umount(run):
    return do_umount(run)


def status(run):
    g = run.gparam
    if run.legacy:
        exist = bool(g.private) and os.path.exists(g.private) and os.path.exists(run.conf_path)
    else:
        # vzctl2_get_env_status(): a config file (the link followed) and its private area
        exist = os.path.isfile(run.conf_path) and bool(g.private) and os.path.isdir(g.private)
    mounted = apply_mod.is_mounted(run, quiet=not run.legacy) == 1
    running = fsops.is_running(run.veid)
    suspended = exist and not running and os.path.exists(_dumpfile(run))
    if run.legacy:
        run.log.raw_out("CTID %s %s %s %s%s\n" % (
            run.veid, "exist" if exist else "deleted", "mounted" if mounted else "unmounted",
            "running" if running else "down", " suspended" if suspended else ""))
    else:
        run.log.raw_out("VEID %s %s %s %s\n" % (
            run.veid, "exist" if exist else "deleted", "mounted" if mounted else "unmounted",
            "running" if running else ("suspended" if suspended else "down")))
    return 0


def destroy(run):
    if not run.legacy:
        return _destroy_vz7(run)
    log = run.log
    g = run.gparam
    if not g.private:
        log.error("VE_PRIVATE is not set")
        return 23
    if not g.root:
        log.error("VE_ROOT is not set")
        return 22
    if fsops.is_running(run.veid):
        if run.legacy:
            log.info("Container is currently running. Stop it first.")
        else:
            log.error("Container is currently running. Stop it before proceeding.")
        return 32
    if apply_mod.is_mounted(run, quiet=True) == 1:
        if run.legacy:
            log.info("Container is currently mounted (umount first)")
            return 41
        rc = do_umount(run)
        if rc:
            return rc
    layout = apply_mod.layout_of(run)
    if layout == "ploop" and not run.host.ploop:
        log.error("Warning: ploop support is not compiled in")
        return 99
    log.info(run.msg("destroying", g.private))
    rc = destroy_dir(run, g.private)
    try:
        os.unlink(_quota_path(run))
    except OSError:
        pass
    move_config(run.veid, backup=True)
    try:
        os.unlink(_dumpfile(run))
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        fsops.rm_rf(_dumpfile(run))
    try:
        os.rmdir(g.root)
    except OSError as exc:
        log.error("Warning: failed to remove %s" % g.root, exc.errno)
    if rc:
        return rc
    log.info("Container private area was destroyed")
    apply_mod.remove_names(run.veid)
    return 0


def _destroy_vz7(run):
    """libvzctl destroy.c vzctl_env_destroy(): the names and the
    registration go first (vzctl2_env_unreg(): "Container unregistered
    succesfully", sic), then the private area, the config link, the dump
    and VE_ROOT."""
    from . import register
    log = run.log
    g = run.gparam
    if not g.private:
        log.error("VE_PRIVATE is not set")
        return 23
    if fsops.is_running(run.veid):
        log.error("Container is currently running. Stop it before proceeding.")
        return 32
    if apply_mod.is_mounted(run, quiet=True) == 1:
        rc = do_umount(run)
        if rc:
            return rc
    real = os.path.realpath(g.private)
    if os.path.exists(g.private) and os.path.basename(real) != str(run.veid):
        log.error("Container's private area (%s) does not resemble a valid container directory."
                  " Container removal is aborted to avoid accidential data loss." % g.private)
        return 52
    log.info(run.msg("destroying", g.private))
    _remove_names_vz7(run)
    rc = register.unregister(run)
    if rc:
        return rc
    rc = destroy_dir(run, g.private)
    if rc:
        return rc
    move_config(run.veid, backup=True, vz7=True)
    try:
        os.unlink(_dumpfile(run))
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        fsops.rm_rf(_dumpfile(run))
    if g.root:
        try:
            os.rmdir(g.root)
        except OSError:
            pass
    log.info("Container private area was destroyed")
    return 0


def _remove_names_vz7(run):
    """name.c remove_names(): every /etc/vz/names entry that is the CT's ve.conf."""
    veconf = os.path.realpath(run.conf_path)
    try:
        entries = os.listdir(paths.NAMES_DIR)
    except OSError:
        return
    for entry in entries:
        link = os.path.join(paths.NAMES_DIR, entry)
        try:
            if os.path.samefile(link, veconf):
                os.unlink(link)
        except OSError:
            pass


def parse_register(run):
    """ParseRegisterOptions()."""
    names = [("skip_cluster", NO_ARG), ("force", NO_ARG), ("renew", NO_ARG), ("start", NO_ARG),
             ("id", REQ_ARG), ("uuid", REQ_ARG), ("name", REQ_ARG)]
    getter = Getopt(run.argv, [LongOpt(n, a, n) for n, a in names], run.log.raw_err,
                    prog=run.ident or "vzctl")
    run.flags = set()
    run.reg_uuid = None
    run.reg_name = None
    try:
        for opt, value, _given in getter:
            if opt.name in ("id", "uuid"):
                run.reg_uuid = cfg.parse_ctid_vz7(value)
                if run.reg_uuid is None:
                    run.log.raw_err("Invalid guid is specified: %s" % value)
                    return 20
            elif opt.name == "name":
                run.reg_name = value
            else:
                run.flags.add(opt.name)
    except GetoptError:
        return 21
    if getter.rest:
        run.log.raw_out("non-option ARGV-elements: " + "".join("%s " % a for a in getter.rest)
                        + "\n")
        return 20
    return 0


def register(run):
    """vzctl register <path> [<ctid>] [--force]: vzctl2_env_register()."""
    from . import register as reg
    path = run.register_path
    ctid = str(run.veid) if run.veid is not None else None
    if ctid is None:
        values = cfg.raw_values_vz7(os.path.join(path, "ve.conf"))
        ctid = cfg.parse_ctid_vz7(values.get("VEID") or "") or \
            reg.new_uuid(values.get("UUID") or "")
    rc = reg.register(run, path, ctid, uuid=run.reg_uuid, name=run.reg_name,
                      force="force" in run.flags)
    return 255 if rc else 0


def unregister(run):
    """vzctl unregister <ctid>: vzctl2_env_unregister()."""
    from . import register as reg
    return reg.unregister(run)


def destroy_dir(run, directory):
    """destroydir(): move into <fs root>/vztmp/vzctl-rm-me.XXXXXX, then delete."""
    log = run.log
    if not os.path.lexists(directory):
        return 0
    if os.path.islink(directory):
        log.error("Warning: container private area %s is a symlink to %s.\n"
                  "Not removing link destination, you have to do it manually."
                  % (directory, os.readlink(directory)))
        os.unlink(directory)
        return 0
    if not os.path.isdir(directory):
        log.error("Warning: container private area %s is not a directory" % directory)
        os.unlink(directory)
        return 0
    root = fsops.fs_root_of(directory)
    tmp = os.path.join(root, "vztmp")
    try:
        os.makedirs(tmp, mode=0o755, exist_ok=True)
        target = tempfile.mkdtemp(prefix="vzctl-rm-me.", dir=tmp)
        os.rename(directory, target)
    except OSError as exc:
        log.error("Can't move %s -> %s" % (directory, tmp), exc.errno)
        return 52
    fsops.rm_rf(target)
    return 0


def move_config(veid, backup, vz7=False):
    """move_config(): rename CT config and action scripts to *.destroyed
    (backup) or remove earlier *.destroyed copies.  On vz7 (libvzctl
    destroy_conf()) a config that is no regular file any more (the symlink
    to the destroyed VE_PRIVATE/ve.conf) is removed instead."""
    for suffix in ("conf", "mount", "umount", "premount", "postumount", "start", "stop"):
        path = os.path.join(paths.CONF_DIR, "%s.%s" % (veid, suffix))
        gone = path + ".destroyed"
        if vz7 and suffix == "conf" and not os.path.isfile(path):
            try:
                os.unlink(path)
            except OSError:
                pass
            continue
        if backup:
            try:
                os.rename(path, gone)
            except OSError:
                pass
        else:
            try:
                os.unlink(gone)
            except OSError:
                pass


def quota(run):
    log = run.log
    codes = {"quotaon": 60, "quotaoff": 66, "quotainit": 61}
    if run.gparam.disk_quota != "yes":
        log.info("Disk quota is not enabled, skipping operation")
        return codes[run.action]
    if apply_mod.layout_of(run) == "ploop":
        log.info("CT is on ploop, disk quota is obsoleted, skipping operation")
        return 0
    if run.action == "quotainit":
        _quota_init(run)
    elif run.action == "quotaon" and not os.path.exists(_quota_path(run)):
        log.info("Initializing quota ...")
        _quota_init(run)
    return 0


def parse_convert(run):
    run.flags = set()
    return 0


def convert(run):
    run.log.error("Conversion is not supported by the emulator")
    return 3


parse_compact = parse_convert


def compact(run):
    if apply_mod.layout_of(run) != "ploop":
        run.log.info("Compact only makes sense for ploop containers")
    return 0
