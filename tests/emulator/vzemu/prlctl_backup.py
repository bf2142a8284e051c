"""prlctl's backup actions for containers: ``backup``, ``backup-list``,
``restore`` and ``backup-delete`` (OpenVZ/prlctl branch vz7-u22
src/PrlBackup.cpp, src/CmdParam.cpp; Virtuozzo 7 Users Guide "Managing
Virtual Machine and Container Backups").

A real prlctl asks the dispatcher (prl-disp-service), which keeps the
backups under the default backup directory ``/vz/vmprivate/backups`` (Users
Guide), one directory per CT UUID (``/vz/vmprivate/backups/<VM_UUID>/``,
Users Guide "Restoring ... from Virtuozzo 6 Backups").  What the dispatcher
writes inside is not public; the stand-in keeps one directory per backup,
``<CT UUID>/<backup id>/``, holding ``private.tar`` (GNU tar of the CT's
private area, ve.conf and ploop image included, numeric owners) and
``meta.json`` (the fields prlctl's backup tree carries: Id, Host, DateTime
in UTC, Type f|i, Size, Description, ServerUuid, plus the CTID and name to
register the CT under).  Backup ids: ``{uuid}`` for a full backup,
``{uuid}.N`` for the N-th incremental one after it (get_backup_tree(): an id
with a dot is a chain member); an emulated incremental backup holds the
whole area too.  Facts and gaps: docs/openvz-tools.md "prlctl".
"""
import json
import os
import re
import shutil
import subprocess
import time
import uuid as uuid_mod

from . import paths

BACKUP_DIR = "/vz/vmprivate/backups"
RC_USAGE = 1
RC_FAILED = 255
# PrlBackup.cpp print_list()
LIST_STD_FMT = "%38s %-38s %-20s %-20s %4s %10s"
_UUID = re.compile(r"\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?")
_BACKUP_ID = re.compile(r"\{([0-9a-f-]{36})\}(?:\.([0-9]+))?")
NOT_FOUND = "Failed to get VM config: The virtual machine could not be found."


class Failed(Exception):
    def __init__(self, line, rc=RC_FAILED):
        super(Failed, self).__init__(line)
        self.line = line
        self.rc = rc


def normalize_uuid(text):
    """Utils.cpp normalize_uuid(): ``{lower-case}`` for a UUID (braces optional), else None."""
    match = _UUID.fullmatch(text)
    return "{%s}" % match.group(1).lower() if match else None


def normalize_backup_id(text):
    return normalize_uuid(text) or text


def _parse(args, table):
    """prlctl's GetOpt over ``table`` {option: (key, takes_value)}: (options, operands)."""
    opts, operands = {}, []
    while args:
        arg = args.pop(0)
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            continue
        name, sep, value = arg.partition("=")
        if name not in table:
            raise Failed("Unrecognized option: %s" % arg, RC_USAGE)
        key, takes = table[name]
        if takes:
            if not sep:
                if not args:
                    raise Failed("Option %s requires an argument" % name, RC_USAGE)
                value = args.pop(0)
            opts[key] = value
        else:
            opts[key] = True
    return opts, operands


def _ct(ident):
    """(ctid, uuid, name) of the registered CT ``ident`` (UUID, CTID or name), or None."""
    from .vzctl import envid_by_name_vz7
    from .vzctl import config as cfg
    norm = normalize_uuid(ident)
    candidates = [norm.strip("{}")] if norm else []
    candidates.append(ident)
    ctid = None
    for candidate in candidates:
        if "/" in candidate or not candidate:
            continue
        ctid = envid_by_name_vz7(candidate)
        if ctid is not None:
            break
    if ctid is None and norm:
        # a CT known by its UUID= while its CTID is a number
        for entry in _conf_entries():
            values = cfg.raw_values_vz7(paths.ct_conf_path(entry))
            if normalize_uuid(values.get("UUID") or "") == norm:
                ctid = entry
                break
    if ctid is None:
        return None
    values = cfg.raw_values_vz7(paths.ct_conf_path(ctid))
    uuid = normalize_uuid(values.get("UUID") or "") or normalize_uuid(ctid)
    return ctid, uuid, values.get("NAME") or ""


def _conf_entries():
    try:
        names = os.listdir(paths.CONF_DIR)
    except OSError:
        return []
    return [name[:-5] for name in names if name.endswith(".conf") and name != "0.conf"
            and not name.startswith("ve-")]


def _running(ctid):
    return os.path.exists(paths.state_path("running", ctid))


def _private(ctid):
    from .vzctl import config as cfg
    values = cfg.raw_values_vz7(paths.ct_conf_path(ctid))
    private = values.get("VE_PRIVATE") or "/vz/private/$VEID"
    return private.replace("$VEID", ctid)


def all_backups():
    """Every stored backup's meta.json (with ``dir``), oldest first within a CT."""
    found = []
    try:
        cts = sorted(os.listdir(BACKUP_DIR))
    except OSError:
        return found
    for ct_dir in cts:
        top = os.path.join(BACKUP_DIR, ct_dir)
        try:
            entries = os.listdir(top)
        except OSError:
            continue
        items = []
        for entry in entries:
            try:
                with open(os.path.join(top, entry, "meta.json")) as handle:
                    meta = json.load(handle)
            except (OSError, ValueError):
                continue
            meta["dir"] = os.path.join(top, entry)
            items.append(meta)
        items.sort(key=lambda meta: (meta["Created"], meta["Id"]))
        found += items
    return found


def _hostname():
    return os.uname()[1]


def backup(host, args, out):
    """PrlSrv::backup_vm() -> do_vm_backup()."""
    opts, operands = _parse(args, {"-f": ("full", False), "--full": ("full", False), "-F": ("full", False),
                                   "-i": ("inc", False), "--incremental": ("inc", False),
                                   "-s": ("storage", True), "--storage": ("storage", True),
                                   "--description": ("desc", True)})
    if len(operands) != 1:
        raise Failed("Incorrect backup usage.", RC_USAGE)
    if opts.get("storage"):
        raise Failed("Failed to backup the CT: the emulator's stand-in keeps backups on this host only")
    found = _ct(operands[0])
    if found is None:
        raise Failed(NOT_FOUND)
    ctid, ct_uuid, name = found
    out.stdout("Backing up the CT %s" % (name or ctid))
    mine = [meta for meta in all_backups() if meta["VmUuid"] == ct_uuid]
    fulls = [meta for meta in mine if meta["Type"] == "f"]
    if opts.get("full") or not fulls:
        kind, backup_id = "f", "{%s}" % uuid_mod.uuid4()
    else:
        base = fulls[-1]["Id"]
        chain = [meta for meta in mine if meta["Id"].split(".")[0] == base]
        kind, backup_id = "i", "%s.%d" % (base, len(chain) + 1)
    target = os.path.join(BACKUP_DIR, ct_uuid.strip("{}"), backup_id.strip("{}").replace("}", ""))
    os.makedirs(target)
    archive = os.path.join(target, "private.tar")
    tar = subprocess.run(["tar", "cf", archive, "--numeric-owner", "--sparse", "-C", _private(ctid), "."],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if tar.returncode:
        shutil.rmtree(target, ignore_errors=True)
        raise Failed("Failed to backup the CT: %s" % tar.stderr.decode("utf-8", "surrogateescape").strip())
    now = time.time()
    meta = {"Id": backup_id, "VmUuid": ct_uuid, "Ctid": ctid, "Name": name, "Host": _hostname(),
            "Creator": "root", "DateTime": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now)),
            "Created": now, "Type": kind, "Size": os.path.getsize(archive),
            "Description": opts.get("desc") or "", "ServerUuid": ""}
    with open(os.path.join(target, "meta.json"), "w") as handle:
        json.dump(meta, handle, indent=1, sort_keys=True)
    out.stdout("The CT has been successfully backed up with backup id %s." % backup_id)
    return 0


def _local_time(utc_text):
    """Utils.cpp convert_time(): the UTC ``YYYY-MM-DD HH:MM:SS`` as local ``MM/DD/YYYY HH:MM:SS``."""
    try:
        parsed = time.strptime(utc_text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return utc_text
    import calendar
    return time.strftime("%m/%d/%Y %H:%M:%S", time.localtime(calendar.timegm(parsed)))


def backup_list(host, args, out):
    """PrlSrv::backup_list(): the table (or ``-f`` blocks) of the backup tree."""
    opts, operands = _parse(args, {"-f": ("full", False), "--full": ("full", False),
                                   "-s": ("storage", True), "--storage": ("storage", True),
                                   "--vmtype": ("vmtype", True), "--localvms": ("local", False)})
    if len(operands) > 1:
        raise Failed("Incorrect backup usage.", RC_USAGE)
    if opts.get("storage"):
        raise Failed("Failed to get the backup tree: the emulator's stand-in keeps backups on this host only")
    backups = all_backups()
    if operands:
        found = _ct(operands[0])
        wanted = found[1] if found else normalize_uuid(operands[0])
        if wanted is None:
            raise Failed(NOT_FOUND)
        backups = [meta for meta in backups if meta["VmUuid"] == wanted]
    if not opts.get("full"):
        out.stdout((LIST_STD_FMT % ("ID", "Backup_ID", "Node", "Date", "Type", "Size")))
    for meta in backups:
        when = _local_time(meta["DateTime"])
        if opts.get("full"):
            out.raw_stdout("VM_UUID: %s\nName: %s\nHost: %s\nOwner: %s\nBackup_ID: %s\nDate: %s\nType: %s\n"
                           "Size: %s\nDescription: %s\nServerUuid: %s\nDiskList:\n\n"
                           % (meta["VmUuid"], meta["Name"], meta["Host"], meta["Creator"], meta["Id"], when,
                              meta["Type"], meta["Size"], meta["Description"], meta["ServerUuid"]))
        else:
            out.stdout(LIST_STD_FMT % (meta["VmUuid"], meta["Id"], meta["Host"], when, meta["Type"], meta["Size"]))
    return 0


def restore(host, args, out):
    """PrlSrv::restore_vm(): the latest backup of a CT, or the one ``-t`` names."""
    from .prlctl import _vzctl_quiet  # pylint: disable=import-outside-toplevel
    opts, operands = _parse(args, {"-t": ("tag", True), "--tag": ("tag", True), "--id": ("tag", True),
                                   "-s": ("storage", True), "--storage": ("storage", True),
                                   "-n": ("name", True), "--name": ("name", True)})
    if len(operands) > 1 or (not operands and not opts.get("tag")):
        raise Failed("Incorrect backup usage.", RC_USAGE)
    if opts.get("storage"):
        raise Failed("Failed to restore the CT: the emulator's stand-in keeps backups on this host only")
    if opts.get("name"):
        raise Failed("Failed to restore the CT: the emulator's stand-in does not restore to a copy (-n)")
    backups = all_backups()
    kind = "VM"
    if operands:
        found = _ct(operands[0])
        ct_uuid = found[1] if found else normalize_uuid(operands[0])
        if ct_uuid is None:
            raise Failed(NOT_FOUND)
        kind = "CT"
        out.stdout("Restore the %s %s" % (kind, ct_uuid))
        chosen = [meta for meta in backups if meta["VmUuid"] == ct_uuid]
        if opts.get("tag"):
            chosen = [meta for meta in chosen if meta["Id"] == normalize_backup_id(opts["tag"])]
    else:
        tag = normalize_backup_id(opts["tag"])
        chosen = [meta for meta in backups if meta["Id"] == tag]
        out.stdout("Restore the backup id=%s, virtual environment id=%s"
                   % (tag, chosen[0]["VmUuid"] if chosen else ""))
    if not chosen:
        raise Failed("Failed to restore the %s: the backup was not found" % kind)
    meta = chosen[-1]
    ctid = meta["Ctid"]
    if os.path.isfile(paths.ct_conf_path(ctid)):
        if _running(ctid):
            raise Failed("Failed to restore the %s: only a stopped container can be restored" % kind)
        private = _private(ctid)
    else:
        private = "/vz/private/%s" % ctid
    staging = private.rstrip("/") + ".restore"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(staging)
    tar = subprocess.run(["tar", "xpf", os.path.join(meta["dir"], "private.tar"), "--sparse", "-C", staging],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if tar.returncode:
        shutil.rmtree(staging, ignore_errors=True)
        raise Failed("Failed to restore the %s: %s" % (kind, tar.stderr.decode("utf-8", "surrogateescape").strip()))
    if os.path.lexists(private):
        shutil.rmtree(private)
    os.rename(staging, private)
    if not os.path.isfile(paths.ct_conf_path(ctid)):
        if _vzctl_quiet(host, ["register", private, ctid]):
            raise Failed("Failed to restore the %s: the container could not be registered" % kind)
    out.stdout("The %s has been restored." % kind)
    return 0


def backup_delete(host, args, out):
    """PrlSrv::backup_delete(): every backup of a CT, or the one ``-t`` names (a full
    backup with its incremental ones unless ``--keep-chain``)."""
    opts, operands = _parse(args, {"-t": ("tag", True), "--tag": ("tag", True), "--id": ("tag", True),
                                   "-s": ("storage", True), "--storage": ("storage", True),
                                   "-k": ("keep", False), "--keep-chain": ("keep", False)})
    if len(operands) > 1:
        raise Failed("Incorrect backup usage.", RC_USAGE)
    if opts.get("storage"):
        raise Failed("Failed to delete the backup: the emulator's stand-in keeps backups on this host only")
    backups = all_backups()
    if operands:
        found = _ct(operands[0])
        ct_uuid = found[1] if found else normalize_uuid(operands[0])
        if ct_uuid is None:
            raise Failed(NOT_FOUND)
        out.stdout("Delete the CT backup")
        label = "CT"
        gone = [meta for meta in backups if meta["VmUuid"] == ct_uuid]
    elif opts.get("tag"):
        tag = normalize_backup_id(opts["tag"])
        out.stdout("Delete the backup %s" % tag)
        label = tag
        gone = [meta for meta in backups if meta["Id"] == tag
                or (not opts.get("keep") and "." not in tag and meta["Id"].startswith(tag + "."))]
        if not gone:
            raise Failed("Failed to delete the backup: the backup %s was not found" % tag)
    else:
        raise Failed("VM ID is not specified.", 1)
    for meta in gone:
        shutil.rmtree(meta["dir"])
        parent = os.path.dirname(meta["dir"])
        if not os.listdir(parent):
            os.rmdir(parent)
    out.stdout("The %s backup have been successfully removed." % label)
    return 0


ACTIONS = {"backup": backup, "backup-list": backup_list, "restore": restore, "backup-delete": backup_delete}


def run(action, host, args, out):
    try:
        return ACTIONS[action](host, list(args), out)
    except Failed as exc:
        out.stderr(exc.line)
        return exc.rc
