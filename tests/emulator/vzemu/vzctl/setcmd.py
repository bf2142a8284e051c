"""``vzctl set`` (vzctl 4.x src/vzctl-actions.c: set(), vps_set(),
check_set_opt(), check_set_mode(); src/lib/res.c vps_setup_res())."""
import os

from .. import paths
from . import apply as apply_mod
from . import config as cfg
from . import options


def parse_run(run):
    if not run.legacy:
        return options.parse_opt_vz7(run, options.VZ7_SET_OPTIONS)
    return options.parse_opt(run, options.SET_OPTIONS, short=True)


def run(run_):
    run = run_
    if not run.legacy:
        return _run_vz7(run)
    log = run.log
    cmd = run.cmd_p
    nopts = len(run.argv)
    warn_save = [True]
    if run.veid == 0 and run.legacy:
        ret = _set_ve0(run, warn_save)
    else:
        ret = _set(run, nopts, warn_save)
    if cmd.save:
        if ret:
            log.error("Error: failed to apply some parameters, not saving configuration file!")
            return ret
        if not os.path.exists(run.conf_path):
            log.error("WARNING: %s not found" % run.conf_path, cfg_errno())
        return cfg.save_config(run.conf_path, cmd, run.vps_p, log)
    if warn_save[0] and not ret:
        running = run.veid == 0 or apply_mod.is_running(run)
        log.info("WARNING: Settings were not saved to config %s(use --save flag)"
                 % ("and will be lost after CT restart " if running else ""))
    return ret


# ---------------------------------------------------------------- vz7

def _run_vz7(run):
    """OpenVZ 7 vzctl.c ACTION_SET: --applyconfig's sample, the --save
    checks, Set() (name, disk, password, vzctl_apply_param()), then the
    save, which runs whatever Set() returned (so "Saved parameters" comes
    with a failure too: transcripts 07-set-net --ifname eth9, 08-set-misc
    bad name and name conflict)."""
    from . import envconf
    log = run.log
    cmd = run.cmd_p
    if cmd.apply_cfg is not None:
        rc = _apply_cfg_vz7(run)
        if rc:
            return rc
    if not cmd.save:
        if cmd.setmode == "restart":
            log.error("It is not allowed to use restart mode without --save")
            return 20
        if cmd.name is not None:
            log.error("Unable to use the --name option without --save")
            return run.rc("name")
        if cmd.vz7_disk is not None:
            log.error("It is not allowed to use the --diskspace option without --save")
            return 20
    ret, applied = _set_vz7(run)
    if cmd.save:
        # what Set() did not get to merge (it failed before
        # vzctl_apply_param()) is not saved: the config is written as it was
        entries = envconf.store(run.vps_p, cmd) if applied else []
        try:
            envconf.conf_save(run.conf_path, entries)
        except OSError as exc:
            log.error("Unable to create configuration file %s.tmp"
                      % os.path.realpath(run.conf_path), exc.errno)
            return ret or 135
        log.info("Saved parameters for Container %s" % run.veid)
    elif not cmd.userpw and not cmd.reset_ub:
        log.raw_out("WARNING: Changes are not saved and will be dropped on the next start."
                    " Suspend or migrate operations may fail."
                    " Use --save to save the settings in the configuration file.\n")
    return ret


def _set_vz7(run):
    """vz.c Set(): (exit code, whether the parameters were merged)."""
    from . import envconf
    log = run.log
    cmd = run.cmd_p
    old = run.vps_p
    if cmd.name is not None:
        # vzctl2_set_name() saves NAME itself; it is no env parameter
        name, cmd.name = cmd.name, None
        rc = apply_mod.set_name(run, name, old.name)
        if rc:
            return rc, False
    if cmd.vz7_disk is not None:
        rc = _resize_vz7(run, cmd.vz7_disk)
        if rc:
            return rc, False
    is_run = apply_mod.is_running(run)
    if cmd.userpw:
        rc = apply_mod.set_userpasswd(run, is_run)
        if rc:
            return rc, False
    rc = envconf.merge_ifname(old.veth, cmd, log)
    if rc:
        return rc, False
    if is_run:
        updates = {}
        if cmd.ub:
            updates["ub"] = {k: list(v) for k, v in cmd.ub.items()}
        if cmd.hostname is not None:
            updates["hostname"] = cmd.hostname
        if updates:
            apply_mod._record(run, updates)
    return 0, True


def _resize_vz7(run, size):
    """libvzctl disk.c vzctl2_resize_disk() of the root image: the size (K)
    becomes DISKSPACE="size:size"."""
    log = run.log
    g = run.gparam
    private = g.private
    hdd = os.path.join(private or "", "root.hdd")
    if run.vps_p.yesno.get("ROOT_DISK") == "no" or not os.path.isdir(hdd):
        log.error("Unable to configure the disk with uuid "
                  "{00000000-0000-0000-0000-000000000000}: no such disk")
        return 21
    size = min(size, (1 << 44) >> 10) if size >= cfg.LONG_MAX else size
    log.info("Resize the image %s to %dK" % (hdd, size))
    run.cmd_p.diskspace = (size, size)
    return 0


def _apply_cfg_vz7(run):
    """wrap.c vzctl_env_open_apply_conf(): the sample's parameters under the
    command line's (a DISKSPACE there resizes the disk)."""
    from . import envconf
    log = run.log
    cmd = run.cmd_p
    path = paths.sample_path(cmd.apply_cfg)
    if not os.path.isfile(path):
        log.error("Unable to open %s" % path, 2)
        return 206
    sample = cfg.Params()
    ctx = cfg.Ctx(run.veid, run.host, log, False)
    ctx.old_veth = run.vps_p.veth
    for key, value in cfg.raw_values_vz7(path).items():
        if key in ("VE_ROOT", "VE_PRIVATE", "OSTEMPLATE", "TEMPLATE", "NETIF", "VEID",
                   "UUID", "NAME", "ORIGIN_SAMPLE", "IP_ADDRESS", "HOSTNAME", "DESCRIPTION"):
            continue
        if key in envconf.HANDLED:
            envconf.parse(sample, key, value, ctx, replace=True)
    for key, pair in sample.ub.items():
        cmd.ub.setdefault(key, pair)
    for attr in ("cpuunits", "cpulimit", "cpulimit_type", "cpus", "onboot", "netfilter",
                 "diskinodes", "quotaugidlimit", "ioprio", "iolimit", "iopslimit"):
        if getattr(cmd, attr) is None and getattr(sample, attr) is not None:
            setattr(cmd, attr, getattr(sample, attr))
    if cmd.vz7_disk is None and sample.diskspace is not None:
        cmd.vz7_disk = sample.diskspace[1]
    return 0


def cfg_errno():
    import errno
    return errno.ENOENT


def _set_ve0(run, warn_save):
    cmd = run.cmd_p
    log = run.log
    if cmd.reset_ub:
        ub = run.vps_p.ub
        warn_save[0] = False
        cpu = None
    else:
        ub = cmd.ub
        cpu = cmd
    if ub:
        log.info("UB limits were set successfully")
    apply_mod.apply_io(run, cmd, True)
    if cpu is not None and cpu.cpuunits is not None:
        log.info("Setting CPU units: %d" % cpu.cpuunits)
    return 0


def _check_veth(run):
    cmd = run.cmd_p
    log = run.log
    conf_dev = None
    for dev in cmd.veth:
        if dev["configure"]:
            conf_dev = dev
            break
    if conf_dev is None:
        return 0
    if not conf_dev["ifname"]:
        log.error("Invalid usage.  Option --ifname not specified")
        return 20
    merged = False
    for dev in list(cmd.veth):
        if dev is not conf_dev and dev["ifname"] == conf_dev["ifname"]:
            cfg._fill(conf_dev, dev)
            conf_dev["configure"] = False
            cmd.veth.remove(dev)
            merged = True
            break
    if not merged and cfg._find_veth(run.vps_p.veth, conf_dev["ifname"]) is None:
        log.error("Invalid usage: veth device %s is not configured, use --netif_add option first"
                  % conf_dev["ifname"])
        return 20
    return 0


def _is_vswap(ub):
    phys = ub.get("PHYSPAGES")
    return phys is not None and phys[1] not in (cfg.LONG_MAX, cfg.INT_MAX)


def check_set_opt(run, nopts):
    cmd = run.cmd_p
    g = run.gparam
    log = run.log
    if cmd.reset_ub and nopts > 1:
        log.error("Error: option --reset_ub is exclusive")
        return 20
    if (_is_vswap(cmd.ub) or _is_vswap(g.ub)) and "SWAPPAGES" not in cmd.ub \
            and "SWAPPAGES" not in g.ub:
        log.error("Error: required UB parameter (swap) not set")
        return 28
    if cmd.offline_resize:
        if cmd.diskspace is None:
            log.error("Error: option --offline-resize can only be used with --diskspace")
            return 20
        if apply_mod.layout_of(run) != "ploop":
            log.info("Warning: option --offline-resize only makes sense for a ploop CT")
    if cmd.nodemask is not None and cmd.cpumask is None:
        log.error("Error: option --nodemask requires --cpumask")
        return 20
    if cmd.cpumask == "auto" and cmd.nodemask is None:
        log.error("Error: --cpumask auto requires --nodemask")
        return 20
    if not cmd.save:
        if cmd.name is not None:
            log.error("Error: unable to use --name option without --save")
            return 131
        if cmd.ostmpl is not None:
            log.error("Error: unable to use --ostemplate option without --save")
            return 20
        if cmd.stop_timeout is not None:
            log.error("Error: unable to use --stop-timeout option without --save")
            return 20
        if cmd.save_force:
            log.error("Error: --force is useless without --save")
            return 20
        if cmd.diskspace is not None and apply_mod.layout_of(run) == "ploop":
            log.error("Error: can't use --diskspace without --save for a ploop-based container")
            return 20
        if cmd.setmode == "restart":
            log.error("Error: --setmode restart doesn't make sense without --save flag")
            return 20
    return 0


def check_set_mode(run):
    """0: apply; 1: restart; -1: refuse (32)."""
    cmd = run.cmd_p
    old = run.gparam
    log = run.log
    setmode = cmd.setmode
    loud = setmode != "restart"
    found = 0

    def say(msg):
        if loud:
            log.error(msg)
    if (cmd.cap_on and cmd.cap_on != old.cap_on) or (cmd.cap_off and cmd.cap_off != old.cap_off):
        say("Unable to set capability on a running container")
        found += 1
    if (cmd.iptables and cmd.iptables != old.iptables) or \
            (cmd.netfilter and cmd.netfilter != old.netfilter):
        say("Unable to set iptables/netfilter on a running container")
        found += 1
    if cmd.features_known and cmd.features_mask != old.features_mask:
        say("Unable to set features on a running container")
        found += 1
    if cmd.quotaugidlimit is not None:
        cur = cmd.quotaugidlimit
        prev = old.quotaugidlimit or 0
        if cur != 0 and prev == 0:
            say("Unable to turn on second-level disk quota on a running container")
            found += 1
        elif cur == 0 and prev != 0:
            say("Unable to turn off second-level disk quota on a running container")
            found += 1
    if cmd.disk_quota is not None and cmd.disk_quota != old.disk_quota:
        say("Unable to switch DISK_QUOTA on or off on a running container")
        found += 1
    if cmd.mount_opts is not None and (old.mount_opts is None or cmd.mount_opts != old.mount_opts):
        say("Unable to change mount options on a running container")
        found += 1
    if not found:
        return 0
    if setmode == "restart":
        return 1
    if setmode == "ignore":
        return -1
    log.error("WARNING: Some of the parameters could not be applied to a running container.\n"
              "\tPlease consider using --setmode option")
    return 0


def _apply_cfg(run):
    cmd = run.cmd_p
    name = cmd.apply_cfg
    path = paths.sample_path(name)
    if not os.path.exists(path):
        run.log.error("Sample config file not found: %s" % path)
        return 109
    sample = cfg.Params()
    cfg.load_conf(path, run.veid, sample, run.host, run.log)
    for attr in ("root", "root_orig", "private", "private_orig", "ostmpl", "hostname",
                 "description"):
        setattr(sample, attr, None)
    sample.ip = []
    if sample.origin_sample is None:
        sample.origin_sample = name
    cfg.merge(cmd, sample)
    return 0


def _set(run, nopts, warn_save):
    cmd = run.cmd_p
    log = run.log
    g = run.gparam
    if cmd.veth or cmd.veth_del:
        rc = _check_veth(run)
        if rc:
            warn_save[0] = False
            return rc
    rc = check_set_opt(run, nopts)
    if rc:
        return rc
    if cmd.apply_cfg_map and g.name is not None:
        rc = apply_mod.set_name(run, g.name, g.name)
        if rc:
            return rc
    is_run = apply_mod.is_running(run)
    if cmd.reset_ub:
        if not is_run:
            log.error("Container is not running")
            return 31
        if run.vps_p.ub:
            log.info("UB limits were set successfully")
        warn_save[0] = False
        return 0
    if cmd.name is not None:
        rc = apply_mod.set_name(run, cmd.name, run.vps_p.name)
        if rc:
            warn_save[0] = False
            return rc
    if is_run:
        if cmd.private_orig is not None:
            log.error("Unable to change VE_PRIVATE on a running container")
            return 32
        if cmd.root_orig is not None:
            log.error("Unable to change VE_ROOT on a running container")
            return 32
    if cmd.userpw:
        rc = apply_mod.set_userpasswd(run, is_run)
        if nopts == 2:
            warn_save[0] = False
        if rc:
            return rc
    if cmd.apply_cfg is not None:
        rc = _apply_cfg(run)
        if rc:
            return rc
    layout = apply_mod.layout_of(run)
    if cmd.diskspace is not None and layout == "ploop":
        if not run.host.ploop:
            if run.legacy:
                log.error("Warning: ploop support is not compiled in")
            return 99
        if cmd.offline_resize:
            mounted = apply_mod.is_mounted(run) == 1
            if is_run or mounted:
                log.error("Option --offline-resize can't be used on a %s container"
                          % ("running" if is_run else "mounted"))
                return 21
    if cmd.diskinodes is not None and layout == "ploop":
        log.info("Warning: --diskinodes is ignored for ploop-based container")
    if cmd.save and not is_run:
        return 0
    if is_run:
        mode = check_set_mode(run)
        if mode < 0:
            return 32
        if mode > 0:
            cfg.merge(g, cmd)
            from . import lifecycle
            return lifecycle.do_restart(run)
    return apply_mod.apply_running(run, cmd, is_run)
