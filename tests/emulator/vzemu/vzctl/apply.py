"""Applying parameters to a CT the way vzctl reports it (src/lib/res.c
vps_setup_res() and the pieces it calls), names, passwords, CT state."""
import json
import os
import subprocess

from .. import paths
from . import config as cfg
from . import fsops

# Values come from argv: any bytes, kept as surrogate escapes (bin/* run
# Python with -X utf8), written back as the bytes they were.
TEXT = {"encoding": "utf-8", "errors": "surrogateescape"}


def is_running(run):
    if run.veid == 0:
        return True
    return fsops.is_running(run.veid)


def ct_root(run):
    return run.gparam.root


def ct_private(run):
    return run.gparam.private


def layout_of(run, params=None):
    p = params or run.gparam
    if p.layout:
        return p.layout
    private = p.private
    if private and os.path.isfile(os.path.join(private, "root.hdd", "DiskDescriptor.xml")):
        return "ploop"
    return "simfs"


def is_mounted(run, quiet=False):
    """vps_is_mounted(): 1, 0, or -1 (with the stat() error) when VE_ROOT is missing."""
    root = run.gparam.root
    private = run.gparam.private
    if not root or not private:
        return -1
    if not os.path.exists(root):
        if not quiet:
            run.log.error("stat(%s)" % root, 2)
        return -1
    return 1 if fsops.is_mountpoint(root) else 0


# ---------------------------------------------------------------- names

def set_name(run, new_name, old_name):
    """4.x config.c set_name(); vz7: ``_set_name_vz7``."""
    if not run.legacy:
        return _set_name_vz7(run, new_name, old_name)
    log = run.log
    veid = run.veid
    from . import veid_by_name
    if not cfg.check_name(new_name):
        log.error("Error: invalid name %s" % new_name)
        return run.rc("name")
    owner = veid_by_name(new_name)
    if owner >= 0 and str(owner) != str(veid):
        log.error(run.msg("name_conflict", new_name, owner))
        return run.rc("name")
    if old_name is not None and old_name == new_name and str(owner) == str(veid):
        return 0
    rc = _relink_name(run, new_name, old_name)
    if rc:
        return rc
    log.info("Name %s assigned" % new_name)
    return 0


def _relink_name(run, name, old_name):
    """/etc/vz/names/NAME -> the CT config, and the old name's link removed (both flavours)."""
    from . import veid_by_name
    if name:
        link = os.path.join(paths.NAMES_DIR, name)
        os.makedirs(paths.NAMES_DIR, exist_ok=True)
        try:
            # "." and ".." pass the name check and are directories here:
            # unlink() fails (ignored, as in C), then symlink() says EEXIST
            os.unlink(link)
        except OSError:
            pass
        try:
            os.symlink(paths.ct_conf_path(run.veid), link)
        except OSError as exc:
            run.log.error("Unable to create link %s" % link, exc.errno)
            return run.rc("name")
    if old_name is not None and old_name != name and str(veid_by_name(old_name)) == str(run.veid):
        try:
            os.unlink(os.path.join(paths.NAMES_DIR, old_name))
        except OSError:
            pass
    return 0


def conf_path_orig(run):
    """libvzctl vzctl2_get_env_conf_path_orig(): the file the CT config link
    points to (VE_PRIVATE/ve.conf)."""
    return os.path.realpath(run.conf_path)


def validate_name_vz7(run, name):
    """libvzctl name.c validate_env_name()."""
    from . import envid_by_name_vz7
    log = run.log
    veid = str(run.veid)
    owner = envid_by_name_vz7(veid)
    if owner is not None and owner != veid:
        log.error("Conflict: CTID %s already used by Container %s" % (veid, owner))
        return run.rc("name")
    if name is None:
        return 0
    if not cfg.check_name_vz7(name):
        log.error("Error: invalid name %s" % name)
        return 21
    if name == veid:
        return 0
    if os.path.isfile(paths.ct_conf_path(name)):
        log.error("Conflict: name %s used as ctid" % name)
        return 21
    owner = envid_by_name_vz7(name)
    if owner is not None and owner != veid:
        log.error(run.msg("name_conflict", name, owner))
        return run.rc("name")
    return 0


def _set_name_vz7(run, name, old_name, save=True):
    """libvzctl name.c vzctl2_set_name(): the link /etc/vz/names/NAME ->
    VE_PRIVATE/ve.conf, the old name's link dropped, NAME saved at once
    (``save``); an empty name detaches the old one."""
    from . import envid_by_name_vz7
    from . import envconf
    log = run.log
    veid = str(run.veid)
    if name is None:
        return 0
    if name:
        rc = validate_name_vz7(run, name)
        if rc:
            return rc
        if old_name is not None and old_name == name and envid_by_name_vz7(name) == veid:
            return 0
        link = os.path.join(paths.NAMES_DIR, name)
        try:
            os.unlink(link)
        except OSError:
            pass
        try:
            os.symlink(conf_path_orig(run), link)
        except OSError as exc:
            log.error("Unable to create link %s" % link, exc.errno)
            return run.rc("name")
    if old_name is not None and old_name != name and envid_by_name_vz7(old_name) == veid:
        try:
            os.unlink(os.path.join(paths.NAMES_DIR, old_name))
        except OSError:
            pass
    if save:
        envconf.conf_save(run.conf_path, [("NAME", name or None)])
    if name:
        log.info("Name %s assigned" % name)
    else:
        log.info("Name %s detached" % (old_name or ""))
    return 0


def remove_names(veid):
    try:
        entries = os.listdir(paths.NAMES_DIR)
    except OSError:
        return
    for entry in entries:
        link = os.path.join(paths.NAMES_DIR, entry)
        if not os.path.islink(link):
            continue
        target = os.path.basename(os.readlink(link))
        if target == "%s.conf" % veid:
            os.unlink(link)


# ---------------------------------------------------------------- live apply

def _fill_vswap(cfg_ub, cmd_ub, cfg_p, cmd_p):
    """fill_vswap_ub(): the secondary limits vzctl derives on vswap configs."""
    def vswap(ub):
        phys = ub.get("PHYSPAGES")
        return phys is not None and phys[1] not in (cfg.LONG_MAX, cfg.INT_MAX)
    if not vswap(cfg_ub) and not vswap(cmd_ub):
        return 0
    ram = (cmd_ub.get("PHYSPAGES") or cfg_ub.get("PHYSPAGES"))[1]
    swap = (cmd_ub.get("SWAPPAGES") or cfg_ub.get("SWAPPAGES") or (None, None))[1]
    if swap is None:
        return 28
    ovc = cmd_p.vm_overcommit or cfg_p.vm_overcommit or 0
    for key, pair in (("LOCKEDPAGES", (ram, ram)), ("OOMGUARPAGES", (ram, cfg.LONG_MAX)),
                      ("VMGUARPAGES", (ram + swap, cfg.LONG_MAX)),
                      ("PRIVVMPAGES", (int((ram + swap) * ovc),) * 2 if ovc
                       else (cfg.LONG_MAX, cfg.LONG_MAX))):
        if key not in cmd_ub and key not in cfg_ub:
            cmd_ub[key] = pair
    return 0


def _record(run, updates):
    """Remember what was applied to a running CT (emulator state only)."""
    path = paths.state_path("applied", "%s.json" % run.veid)
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        data = {}
    data.update(updates)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        json.dump(data, handle, sort_keys=True)


def apply_io(run, p, is_run):
    log = run.log
    if p.iolimit is not None:
        log.info("Setting iolimit: %d %s" % (p.iolimit, "bytes/sec" if p.iolimit else "(unlimited)"))
        if not is_run:
            log.error("Container is not running")
            return 31
    if p.iopslimit is not None:
        log.info("Setting iopslimit: %d %s" % (p.iopslimit, "iops" if p.iopslimit else "(unlimited)"))
        if not is_run:
            log.error("Container is not running")
            return 31
    return 0


def apply_running(run, cmd, is_run):
    """vps_setup_res(STATE_RUNNING) for ``vzctl set`` without --save or on a
    running CT: prints what vzctl prints and fails the same way on a
    stopped CT."""
    log = run.log
    g = run.gparam
    calc = dict(cmd.ub)
    rc = _fill_vswap(g.ub, calc, g, cmd)
    if rc:
        log.error("Error: required UB parameter (swap) not set")
        return rc
    applied = {}
    if calc:
        if not is_run:
            log.error("Unable to apply UBC parameters: container is not running")
            return 31
        log.info("UB limits were set successfully")
        applied["ub"] = {k: list(v) for k, v in cmd.ub.items()}
    current_ips = list(g.ip)
    dels = []
    for ip in cmd.ip:
        found = cfg.find_ip(g.ip, ip)
        if found and not cfg.find_ip(cmd.ip_del, ip):
            dels.append(found)
    dels = cmd.ip_del + [d for d in dels if d not in cmd.ip_del]
    if dels or cmd.ip_delall:
        if not is_run:
            log.error("Unable to apply network parameters: container is not running")
            return 31
        if cmd.ip_delall:
            log.info("Deleting all IP address(es): %s" % " ".join(current_ips))
        else:
            log.info("Deleting IP address(es): %s" % " ".join(dels))
    if cmd.ip:
        if not is_run:
            log.error("Unable to apply network parameters: container is not running")
            return 31
        log.info("Adding IP address(es): %s" % " ".join(cmd.ip))
    if cmd.netdev or cmd.netdev_del:
        if not is_run:
            log.error("Unable to setup network devices: container is not running")
            return 31
    rc = apply_cpu(run, cmd, is_run)
    if rc:
        return rc
    if cmd.devs:
        if not is_run:
            log.error("Unable to apply devperm: container is not running")
            return 31
        log.info("Setting devices")
    rc = apply_io(run, cmd, is_run)
    if rc:
        return rc
    if cmd.hostname is not None or cmd.nameserver or cmd.searchdomain or cmd.ip \
            or cmd.ip_del or cmd.ip_delall or cmd.quotaugidlimit is not None:
        if not is_run:
            log.info("Unable to configure container: not running")
        else:
            configure_inside(run, cmd)
            if cmd.hostname is not None:
                applied["hostname"] = cmd.hostname
    if cmd.veth or cmd.veth_del or cmd.veth_delall:
        if not is_run:
            log.error("Unable to %s veth: container is not running"
                      % ("create" if cmd.veth else "remove"))
            return 31
        if cmd.veth_delall and g.veth:
            log.info("Deleting veth devices: %s" % "".join("%s " % d["host_ifname"] for d in g.veth))
        elif cmd.veth_del:
            names = []
            for dev in cmd.veth_del:
                old = cfg._find_veth(g.veth, dev["ifname"])
                if old is None:
                    log.error("Container does not have configured veth: %s, skipped" % dev["ifname"])
                    names.append(dev["host_ifname"])
                else:
                    names.append(old["host_ifname"])
            log.info("Deleting veth devices: %s" % "".join("%s " % n for n in names))
        if cmd.veth:
            names = []
            for dev in cmd.veth:
                old = cfg._find_veth(g.veth, dev["ifname"])
                names.append(dev["host_ifname"] or (old["host_ifname"] if old else ""))
            log.info("Configure veth devices: %s" % "".join("%s " % n for n in names))
    if is_run and applied and run.veid != 0:
        _record(run, applied)
    return 0


def apply_cpu(run, p, is_run):
    log = run.log
    if p.cpulimit is None and p.cpuunits is None and p.cpuweight is None and p.cpus is None \
            and p.cpumask is None and p.nodemask is None:
        return 0
    if not is_run:
        log.error("Unable to apply CPU parameters: container is not running")
        return 31
    if p.cpulimit is not None:
        log.info("Setting CPU limit: %d" % p.cpulimit)
    if p.cpuunits is not None:
        log.info("Setting CPU units: %d" % p.cpuunits)
    if p.cpus is not None:
        log.info("Setting CPUs: %d" % p.cpus)
    if p.cpumask is not None and p.cpumask != "auto":
        log.info("Setting CPU mask: %s" % cfg.format_bitmap(p.cpumask, 1 << 30))
    if p.nodemask is not None:
        log.info("Setting NUMA node mask: %s" % cfg.format_bitmap(p.nodemask, 1 << 30))
    return 0


def configure_inside(run, p):
    """The effect of the distribution's set_hostname/set_dns scripts."""
    root = run.gparam.root
    if not root or not os.path.isdir(root):
        return
    etc = os.path.join(root, "etc")
    try:
        os.makedirs(etc, exist_ok=True)
        if p.hostname is not None:
            with open(os.path.join(etc, "hostname"), "w", **TEXT) as handle:
                handle.write(p.hostname + "\n")
        if p.nameserver or p.searchdomain:
            lines = []
            if p.searchdomain:
                lines.append("search %s" % " ".join(p.searchdomain))
            for ns in p.nameserver:
                if ns != "inherit":
                    lines.append("nameserver %s" % ns)
            with open(os.path.join(etc, "resolv.conf"), "w", **TEXT) as handle:
                handle.write("\n".join(lines) + "\n")
    except OSError:
        pass


# ---------------------------------------------------------------- passwords

def set_userpasswd(run, is_run):
    """--userpasswd: a stopped CT is started for it and killed afterwards."""
    from . import lifecycle
    log = run.log
    if not is_run:
        rc = lifecycle.do_start(run, skip_setup=True)
        if rc:
            return rc
    failed = False
    root = run.gparam.root
    for entry in run.cmd_p.userpw:
        if not chpasswd(root, entry):
            failed = True
            break
    if failed:
        log.info("Password change failed")
    if not is_run:
        lifecycle.do_stop(run, fast=True)
    return 74 if failed else 0


def chpasswd(root, entry):
    shell = None
    for candidate in ("/bin/bash", "/bin/sh"):
        if os.path.exists(os.path.join(root, candidate.lstrip("/"))):
            shell = candidate
            break
    if shell is None:
        return False
    try:
        proc = subprocess.run(["chroot", root, shell, "-c", "chpasswd"],
                              input=(entry + "\n").encode("utf-8", "surrogateescape"),
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=_ct_env(), check=False)
    except OSError:
        return False
    return proc.returncode == 0


def _ct_env():
    return {"PATH": "/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin:/usr/local/sbin",
            "HOME": "/root", "TERM": "linux"}
