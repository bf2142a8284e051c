# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container backups with each flavour's own tools.

Legacy hosts (vzctl 4.x): ``vzdump`` writes
``DUMPDIR/vzdump-openvz-CTID-YYYY_MM_DD-HH_MM_SS.tar`` (``.tgz`` with
``--compress``; the time is the host's local time) and a ``.log`` beside it;
``vzrestore ARCHIVE CTID`` unpacks one.  The list is the dump directory read
by name: vzdump keeps no index.  vzdump exits 0 when a container's backup
failed (it reports ``ERROR: Backup of VM N failed - ...`` and goes on), so
its output is read for that line.  No tool deletes an archive: ``rm`` does.

OpenVZ 7: ``prlctl backup``, ``prlctl backup-list -f`` (one ``Key: value``
block a backup, dates in local ``MM/DD/YYYY HH:MM:SS``), ``prlctl restore -t
ID`` and ``prlctl backup-delete -t ID``.  Sources: docs/openvz-tools.md
"vzdump and vzrestore" and "prlctl".
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import time

from ansible_collections.openvz.vz.plugins.module_utils._vz import (
    vz_conf, vz_facts, vz_model, vz_restored, vz_validate, vz_xml)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import (
    VzError, VzInputError, VzStateError, VzToolError)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import run_in_order

ARCHIVE_RE = re.compile(r"vzdump-openvz-([0-9]+)-([0-9]{4})_([0-9]{2})_([0-9]{2})-([0-9]{2})_([0-9]{2})_([0-9]{2})"
                        r"\.(tar|tgz)")
_UUID_HEX = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
BACKUP_ID_RE = re.compile(r"\{?(%s)\}?(\.[0-9]{1,9})?" % _UUID_HEX, re.I)
_FAILED_RE = re.compile(r"^ERROR: Backup of VM ([0-9]+) failed - (.*)$", re.M)
_BACKED_UP_RE = re.compile(r"backed up with backup id (\{%s\}(?:\.[0-9]+)?)" % _UUID_HEX)
MAX_AGE_RE = re.compile(r"([0-9]{1,9})([smhdw])")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MODES = ("suspend", "snapshot", "stop")
DEFAULT_DUMPDIR = "/var/lib/vz/dump"   # vzdump's own, when vz.conf has no DUMPDIR
MAXFILES_MAX = 100000


def max_age_seconds(value, param="max_age"):
    """``30s``, ``15m``, ``12h``, ``1d``, ``2w``: whole, ASCII digits, one unit."""
    text = value if isinstance(value, str) else str(value)
    match = MAX_AGE_RE.fullmatch(text)
    if not match or int(match.group(1)) == 0:
        raise VzInputError(param, "%r must be a positive number of ASCII digits followed by one unit, "
                                  "s, m, h, d or w (for example 12h or 1d)" % (value,))
    return int(match.group(1)) * UNIT_SECONDS[match.group(2)]


def dumpdir_path(value, param="dumpdir"):
    text = vz_validate.path(value, param)
    if "$" in text:
        raise VzInputError(param, "%r must not contain $VEID: it is the directory of every container's "
                                  "archives" % (text,))
    return text


def backup_ref(value, vz7, param="backup"):
    """OpenVZ 7: a backup id (``{uuid}`` or ``{uuid}.N``, braces optional).  Legacy: an
    archive name vzdump writes, alone or as an absolute path."""
    text = value if isinstance(value, str) else str(value)
    if vz7:
        match = BACKUP_ID_RE.fullmatch(text)
        if not match:
            raise VzInputError(param, "%r is not a prlctl backup id ({uuid} or {uuid}.N)" % (value,))
        return "{%s}%s" % (match.group(1).lower(), match.group(2) or "")
    directory, base = os.path.split(text)
    if not ARCHIVE_RE.fullmatch(base):
        raise VzInputError(param, "%r is not a vzdump archive name (vzdump-openvz-CTID-YYYY_MM_DD-HH_MM_SS.tar "
                                  "or .tgz), alone or as an absolute path" % (value,))
    if directory:
        dumpdir_path(directory, param)
    return text


def _entry_legacy(dumpdir, name):
    match = ARCHIVE_RE.fullmatch(name)
    if not match:
        return None
    path = os.path.join(dumpdir, name)
    try:
        info = os.stat(path)
    except OSError:
        return None
    fields = [int(part) for part in match.groups()[1:7]]
    stamp = time.mktime((fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], 0, 0, -1))
    log = path[:-4] + ".log"
    return {"id": name, "path": path, "ctid": str(int(match.group(1))), "uuid": None, "name": None,
            "date": "%04d-%02d-%02d %02d:%02d:%02d" % tuple(fields), "timestamp": int(stamp),
            "size": info.st_size, "type": "full", "compressed": match.group(8) == "tgz",
            "log": log if os.path.isfile(log) else None}


def parse_backup_list(text):
    """The blocks of ``prlctl backup-list -f``, one dict a backup."""
    backups, current = [], None
    for line in text.split("\n"):
        if line.startswith("VM_UUID: "):
            current = {"VM_UUID": line[len("VM_UUID: "):]}
            backups.append(current)
        elif current is not None and not line.startswith("\t") and ": " in line:
            key, _sep, value = line.partition(": ")
            current.setdefault(key, value)
    result = []
    for raw in backups:
        try:
            stamp = int(time.mktime(time.strptime(raw.get("Date", ""), "%m/%d/%Y %H:%M:%S")))
            date = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))
        except ValueError:
            stamp, date = None, raw.get("Date")
        size = raw.get("Size", "")
        result.append({"id": raw.get("Backup_ID"), "path": None, "ctid": None,
                       "uuid": raw["VM_UUID"].strip("{}").lower() or None, "name": raw.get("Name") or None,
                       "date": date, "timestamp": stamp, "size": int(size) if size.isdigit() else None,
                       "type": {"f": "full", "i": "incremental"}.get(raw.get("Type"), raw.get("Type")),
                       "compressed": None, "log": None})
    return result


def render(backups):
    return "".join("%s %s %s %s\n" % (b["id"], b["ctid"] or b["uuid"], b["date"], b["size"]) for b in backups)


class Backups(object):
    def __init__(self, runner, check_mode=False, vz7=None, driver=None):
        self.runner = runner
        self.check_mode = check_mode
        self.vz7 = vz_facts.is_vz7_host() if vz7 is None else vz7
        self._driver = driver
        self.globals = vz_conf.read_globals()

    @property
    def driver(self):
        if self._driver is None:
            from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_driver import Driver
            self._driver = Driver(self.runner, check_mode=self.check_mode, vz7=self.vz7, globals_=self.globals)
        return self._driver

    # ------------------------------------------------------------ reading
    def default_dumpdir(self):
        value = self.globals.get("DUMPDIR")
        return re.sub(r"/\$VEID$", "", value) if value else DEFAULT_DUMPDIR

    def _uuids(self):
        """{uuid: ctid} of the host's containers (their configs' UUID=)."""
        found = {}
        try:
            entries = os.listdir(vz_conf.CONF_DIR)
        except OSError:
            return found
        for entry in entries:
            if not entry.endswith(".conf") or entry.startswith("ve-") or entry == "0.conf":
                continue
            ctid = entry[:-5]
            uuid = vz_model.conf_uuid(vz_conf.read_conf(vz_conf.ct_conf_path(ctid)))
            if uuid:
                found[uuid.strip("{}")] = ctid
        return found

    def list(self, dumpdir):
        if self.vz7:
            _rc, out, _err = self.runner.run(["prlctl", "backup-list", "-f"])
            backups = parse_backup_list(out)
            uuids = self._uuids()
            for entry in backups:
                entry["ctid"] = uuids.get(entry["uuid"])
            return backups
        try:
            names = sorted(os.listdir(dumpdir))
        except OSError:
            raise VzStateError("dumpdir %s cannot be read: it does not exist or is not a directory" % dumpdir)
        entries = [_entry_legacy(dumpdir, name) for name in names]
        entries = [entry for entry in entries if entry is not None]
        entries.sort(key=lambda entry: (int(entry["ctid"]), entry["timestamp"]))
        return entries

    def container(self, ctid, name, param="ctid"):
        """(ctid, current container model) of an existing container, or a VzStateError."""
        if ctid is not None:
            ctid = vz_validate.host_ctid(ctid, self.vz7, param)
        if name is not None:
            name = vz_validate.name(name)
        found = self.driver.resolve_ctid(ctid, name)
        if found is None:
            raise VzStateError("container %s does not exist" % (name if name is not None else ctid))
        current = self.driver.read(found)
        if current is None:
            raise VzStateError("container %s does not exist" % found)
        return found, current

    @staticmethod
    def _of(backups, ctid, uuid):
        return [b for b in backups if (ctid is not None and b["ctid"] == ctid)
                or (uuid is not None and b["uuid"] == uuid)]

    # ------------------------------------------------------------ states
    def converge(self, state, ctid=None, name=None, backup=None, dumpdir=None, mode=None, compress=False,
                 max_age=None, target_ctid=None, force=False, maxfiles=None, full=True):
        # Every parameter is checked before the first call of any tool.
        if ctid is not None:
            ctid = vz_validate.host_ctid(ctid, self.vz7)
        if name is not None:
            name = vz_validate.name(name)
        if target_ctid is not None:
            target_ctid = vz_validate.host_ctid(target_ctid, self.vz7, "target_ctid")
        if backup is not None:
            backup = backup_ref(backup, self.vz7)
        age = max_age_seconds(max_age) if max_age is not None else None
        if maxfiles is not None:
            maxfiles = vz_validate.ascii_int(maxfiles, "maxfiles", 0, MAXFILES_MAX)
        if dumpdir is not None:
            dumpdir = dumpdir_path(dumpdir)
        if self.vz7:
            for param, value in (("dumpdir", dumpdir), ("mode", mode), ("maxfiles", maxfiles)):
                if value is not None:
                    raise VzInputError(param, "is for vzdump (legacy OpenVZ); OpenVZ 7's prlctl backup has no such "
                                              "option")
            if compress:
                raise VzInputError("compress", "is for vzdump (legacy OpenVZ); prlctl backups are compressed by the "
                                               "dispatcher's own settings")
        elif not full:
            raise VzInputError("full", "is for prlctl (OpenVZ 7); vzdump always writes a full archive")
        if mode is not None and mode not in MODES:
            raise VzInputError("mode", "must be one of %s, got %r" % (", ".join(MODES), mode))
        if backup is not None and not self.vz7 and os.path.isabs(backup) and dumpdir is not None \
                and os.path.dirname(backup) != dumpdir:
            raise VzInputError("backup", "%r is not in dumpdir %s" % (backup, dumpdir))
        if backup is not None and not self.vz7 and os.path.isabs(backup) and dumpdir is None:
            dumpdir = os.path.dirname(backup)
        directory = dumpdir or self.default_dumpdir()
        if state == "present":
            return self.present(ctid, name, dumpdir, directory, mode, compress, age, maxfiles, full)
        if state == "restored":
            return self.restored(ctid, name, backup, directory, target_ctid, force)
        return self.absent(ctid, name, backup, directory, age)

    def info(self, ctid=None, name=None, dumpdir=None):
        """The backups on the host (of one container with ``ctid`` or ``name``): backup_info."""
        if ctid is not None:
            ctid = vz_validate.host_ctid(ctid, self.vz7)
        if name is not None:
            name = vz_validate.name(name)
        if dumpdir is not None:
            dumpdir = dumpdir_path(dumpdir)
            if self.vz7:
                raise VzInputError("dumpdir", "is for vzdump (legacy OpenVZ); OpenVZ 7's prlctl keeps backups in "
                                              "the dispatcher's backup directory")
        result = self.listing(ctid, name, dumpdir or self.default_dumpdir())
        return {"changed": False, "backups": result["backups"]}

    def _result(self, changed, commands, before, after, backup=None, extra=None):
        result = {"changed": changed, "commands": commands, "backups": after, "backup": backup,
                  "diff": {"before": render(before), "after": render(after),
                           "before_header": "backups", "after_header": "backups"}}
        result.update(extra or {})
        return result

    def listing(self, ctid, name, directory):
        backups = self.list(directory)
        if ctid is not None or name is not None:
            found, current = self.container(ctid, name)
            backups = self._of(backups, found, (current.uuid or "").strip("{}") or None)
        return self._result(False, [], backups, backups)

    def present(self, ctid, name, dumpdir, directory, mode, compress, age, maxfiles, full):
        if ctid is None and name is None:
            raise VzInputError("ctid", "ctid or name is required with state=present")
        found, current = self.container(ctid, name)
        uuid = (current.uuid or "").strip("{}") or None
        before = self.list(directory)
        mine = self._of(before, found, uuid)
        now = time.time()
        fresh = [b for b in mine if age is None or (b["timestamp"] is not None and now - b["timestamp"] <= age)]
        if fresh:
            return self._result(False, [], mine, mine, fresh[-1])
        if self.vz7:
            argv = ["prlctl", "backup", found] + (["-f"] if full else [])
        else:
            argv = ["vzdump"]
            if compress:
                argv.append("--compress")
            if dumpdir is not None:
                argv += ["--dumpdir", dumpdir]
            if mode is not None:
                argv.append("--" + mode)
            if maxfiles is not None:
                argv += ["--maxfiles", str(maxfiles)]
            argv.append(found)
        if self.check_mode:
            return self._result(True, [argv], mine, mine)
        try:
            _rc, out, err = self.runner.run(argv)
        except VzError as exc:
            exc.changed, exc.commands, exc.executed = True, [argv], []
            raise
        if not self.vz7:
            failed = _FAILED_RE.search(out)
            if failed:
                exc = VzToolError(argv, 0, out, err, "vzdump reported the container's backup as failed "
                                  "(it exits 0 even then): " + failed.group(2))
                exc.changed, exc.commands, exc.executed = True, [argv], []
                raise exc
        after = self._of(self.list(directory), found, uuid)
        ids = set(b["id"] for b in mine)
        made = [b for b in after if b["id"] not in ids]
        if self.vz7:
            match = _BACKED_UP_RE.search(out)
            made = [b for b in after if match and b["id"] == match.group(1)] or made
        if not made:
            raise VzStateError("%s reported success but no new backup of container %s is listed"
                               % (argv[0], found))
        return self._result(True, [argv], mine, after, made[-1])

    def _choose(self, backups, backup, ctid, name):
        if backup is not None:
            ident = backup if self.vz7 else os.path.basename(backup)
            chosen = [b for b in backups if b["id"] == ident]
            if not chosen:
                raise VzStateError("backup %s does not exist" % backup)
            return chosen[0]
        if ctid is None and name is None:
            raise VzInputError("backup", "backup, or ctid or name (to restore the newest backup of that container), "
                                         "is required with state=restored")
        found = vz_conf.ctid_for_name(name) if name is not None and ctid is None else ctid
        if found is None:
            raise VzStateError("container %s is not on this host: give backup to restore one of its backups" % name)
        uuid = None
        if self.vz7 and os.path.exists(vz_conf.ct_conf_path(found)):
            uuid = (vz_model.conf_uuid(vz_conf.read_conf(vz_conf.ct_conf_path(found))) or "").strip("{}") or None
        mine = [b for b in self._of(backups, found, uuid) if b["timestamp"] is not None]
        if not mine:
            raise VzStateError("container %s has no backup to restore" % found)
        return max(mine, key=lambda b: b["timestamp"])

    def restored(self, ctid, name, backup, directory, target_ctid, force):
        backups = self.list(directory)
        chosen = self._choose(backups, backup, ctid, name)
        if self.vz7:
            if chosen["ctid"] is None and target_ctid is None:
                raise VzInputError("target_ctid", "backup %s is of a container this host has no config of: give "
                                                  "target_ctid, the CTID it had" % chosen["id"])
            target = chosen["ctid"] or target_ctid
            if target_ctid is not None and target_ctid != target:
                raise VzInputError("target_ctid", "prlctl restores a backup to its own container (%s); it cannot "
                                                  "restore to %s" % (target, target_ctid))
            restore = ["prlctl", "restore", "-t", chosen["id"]]
        else:
            target = target_ctid or chosen["ctid"]
            restore = ["vzrestore", chosen["path"], target]
        current = self.driver.read(target)
        steps = []
        if current is not None and vz_restored.restored_from(
                target, vz_conf.expand_veid(current.private, target)) == chosen["id"]:
            xml = vz_xml.to_xml(current, os.cpu_count())
            extra = {"xml": xml, "container": current.to_dict(), "target_ctid": target}
            return dict(self._result(False, [], backups, backups, chosen), **extra)
        if current is not None:
            if not force:
                raise VzStateError("container %s exists: restoring would overwrite it; set force=true to destroy it "
                                   "first (as state=absent of openvz.vz.container does)" % target)
            prepared = self.driver.prepare(vz_model.Container(ctid=target), "absent")
            steps = [step.argv for step in prepared.plan.steps]
        commands = steps + [restore]
        before_xml = vz_xml.to_xml(current, os.cpu_count()) if current is not None else ""
        extra = {"xml": None, "container": None, "target_ctid": target}
        if self.check_mode:
            extra["diff"] = {"before": before_xml, "after": "", "before_header": "container %s" % target,
                             "after_header": "container %s (restored from %s)" % (target, chosen["id"])}
            return dict(self._result(True, commands, backups, backups, chosen), **extra)
        try:
            run_in_order(commands, self.runner.run)
        except VzError as exc:
            exc.changed, exc.commands = True, commands
            raise
        restored = self.driver.read(target)
        if restored is None:
            raise VzStateError("%s reported success but container %s is not on the host" % (restore[0], target))
        vz_restored.record(target, chosen["id"], vz_conf.expand_veid(restored.private, target))
        xml = vz_xml.to_xml(restored, os.cpu_count())
        extra.update({"xml": xml, "container": restored.to_dict(),
                      "diff": {"before": before_xml, "after": xml, "before_header": "container %s" % target,
                               "after_header": "container %s" % target}})
        return dict(self._result(True, commands, backups, self.list(directory), chosen), **extra)

    def absent(self, ctid, name, backup, directory, age):
        before = self.list(directory)
        if backup is not None:
            ident = backup if self.vz7 else os.path.basename(backup)
            gone = [b for b in before if b["id"] == ident]
        elif ctid is not None or name is not None:
            found = self.driver.resolve_ctid(ctid, name) if name is not None else ctid
            if found is None:
                return self._result(False, [], before, before)
            uuid = None
            if self.vz7 and os.path.exists(vz_conf.ct_conf_path(found)):
                uuid = (vz_model.conf_uuid(vz_conf.read_conf(vz_conf.ct_conf_path(found))) or "").strip("{}") or None
            now = time.time()
            gone = [b for b in self._of(before, found, uuid)
                    if age is None or (b["timestamp"] is not None and now - b["timestamp"] > age)]
        else:
            raise VzInputError("backup", "backup, or ctid or name (with max_age: its backups older than that), is "
                                         "required with state=absent")
        if self.vz7:
            # the newest first: an incremental backup goes before the full one it builds on
            commands = [["prlctl", "backup-delete", "-t", b["id"]]
                        for b in sorted(gone, key=lambda b: (b["timestamp"] or 0, b["id"]), reverse=True)]
        else:
            commands = [["rm", "-f", "--", b["path"]] + ([b["log"]] if b["log"] else []) for b in gone]
        ids = set(b["id"] for b in gone)
        after = [b for b in before if b["id"] not in ids]
        if commands and not self.check_mode:
            try:
                run_in_order(commands, self.runner.run)
            except VzError as exc:
                exc.changed, exc.commands = True, commands
                raise
            after = self.list(directory)
        return self._result(bool(commands), commands, before, after)
