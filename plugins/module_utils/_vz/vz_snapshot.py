# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ploop snapshots of a container through ``vzctl snapshot*``.

The list comes from ``vzctl snapshot-list CTID -H -o FIELDS``.  vzctl prints
every field but the last as ``%-Ns `` (uuid and parent_uuid 38 wide, current
1, date 19, name and desc 32, never cut) and the last as ``%s\\n``, so free
text is only ever asked for as the last field: once after the fixed-width
ones (``name``) and once more after the uuid (``desc``).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_facts, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import (
    VzError, VzInputError, VzStateError, VzTimeoutError, VzToolError)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import ABSENT, parse_status
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import run_in_order

_GUID = r"\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}"
_ROW = re.compile(r"^(%s) (%s| {38}) ([* ]) (.{19}) (.*)$" % (_GUID, _GUID))
_DESC_ROW = re.compile(r"^(%s) (.*)$" % _GUID)
LIST_FIELDS = "uuid,parent_uuid,current,date,name"


def _lines(output):
    return [line for line in output.split("\n") if line != ""]


def parse_list(rows_out, desc_out=""):
    """Snapshot dicts, in vzctl's order, from the two ``snapshot-list -H`` outputs."""
    descriptions = {}
    for line in _lines(desc_out):
        match = _DESC_ROW.match(line)
        if not match:
            raise VzStateError("unexpected vzctl snapshot-list output line: %r" % line)
        descriptions[match.group(1).lower()] = match.group(2)
    snapshots = []
    for line in _lines(rows_out):
        match = _ROW.match(line)
        if not match:
            raise VzStateError("unexpected vzctl snapshot-list output line: %r" % line)
        uuid = match.group(1).lower()
        snapshots.append({
            "uuid": uuid,
            "parent_uuid": match.group(2).strip().lower() or None,
            "current": match.group(3) == "*",
            "date": match.group(4).strip() or None,
            "name": match.group(5),
            "description": descriptions.get(uuid, ""),
        })
    return snapshots


def render(snapshots):
    """One line a snapshot, for diff mode."""
    return "".join("%s%s %s\n" % (snap["uuid"], " *" if snap["current"] else "  ", snap["name"])
                   for snap in snapshots)


def container_is_ploop(ctid, conf, globals_):
    """vzctl's ve_private_is_ploop(): VE_LAYOUT if set, else a DiskDescriptor.xml in VE_PRIVATE."""
    layout = conf.get("VE_LAYOUT") or globals_.get("VE_LAYOUT")
    if layout:
        return layout.split(":")[0] == "ploop"
    private = vz_conf.expand_veid(conf.get("VE_PRIVATE") or globals_.get("VE_PRIVATE"), ctid)
    return bool(private) and os.path.isfile(os.path.join(private, "root.hdd", "DiskDescriptor.xml"))


def predict(snapshots, state, commands, uuid, name):
    """The list a check-mode run expects after ``commands`` (for the diff only)."""
    if not commands:
        return snapshots
    if state == "absent":
        gone = set(argv[-1] for argv in commands)
        return [snap for snap in snapshots if snap["uuid"] not in gone]
    if state == "switched":
        chosen = commands[0][4]
        return [dict(snap, current=snap["uuid"] == chosen) for snap in snapshots]
    parent = [snap["uuid"] for snap in snapshots if snap["current"]]
    new = {"uuid": uuid or "{(new)}", "parent_uuid": parent[0] if parent else None, "current": True,
           "date": None, "name": name or "", "description": ""}
    return [dict(snap, current=False) for snap in snapshots] + [new]


class Snapshots(object):
    def __init__(self, runner, check_mode=False):
        self.runner = runner
        self.check_mode = check_mode

    def _vzctl(self, argv):
        """Run a vzctl call; its exit code is explained by vzctl's meanings (vz_facts)."""
        try:
            return self.runner.run(argv)
        except VzTimeoutError:
            raise  # no exit code to explain: the message names the timeout
        except VzToolError as exc:
            text = (exc.stderr or "") + (exc.stdout or "")
            if exc.rc == 20 and "Bad command" in text:
                raise VzStateError("vzctl on this host has no snapshot support (it was built without "
                                   "ploop): %s" % text.strip())
            raise

    def check_container(self, ctid):
        _rc, out, _err = self.runner.run(["vzctl", "status", ctid])
        if parse_status(out) == ABSENT:
            raise VzStateError("container %s does not exist" % ctid)
        path = vz_conf.ct_conf_path(ctid)
        if not os.path.exists(path):
            raise VzStateError("container %s has no config file %s" % (ctid, path))
        if not container_is_ploop(ctid, vz_conf.read_conf(path), vz_conf.read_globals()):
            raise VzStateError("container %s is not ploop-based (simfs layout): vzctl snapshots need "
                               "a ploop container" % ctid)

    def list(self, ctid):
        _rc, rows, _err = self._vzctl(["vzctl", "snapshot-list", ctid, "-H", "-o", LIST_FIELDS])
        _rc, descs, _err = self._vzctl(["vzctl", "snapshot-list", ctid, "-H", "-o", "uuid,desc"])
        return parse_list(rows, descs)

    @staticmethod
    def _matches(snapshots, uuid, name):
        if uuid is not None:
            return [snap for snap in snapshots if snap["uuid"] == uuid]
        return [snap for snap in snapshots if snap["name"] == name]

    def plan(self, ctid, snapshots, state, uuid, name, description, skip_suspend, skip_resume, force):
        """(argv lists, the targeted snapshot or None, warnings)."""
        if uuid is None and name is None:
            if state == "present":
                return [], None, []  # only the list
            raise VzInputError("name", "name or uuid is required with state=%s" % state)
        matches = self._matches(snapshots, uuid, name)
        label = uuid if uuid is not None else repr(name)
        warnings = []
        if state == "present":
            if matches:
                target = matches[0]
                if name is not None and target["name"] != name:
                    warnings.append("snapshot %s exists with the name %r; vzctl cannot rename it"
                                    % (target["uuid"], target["name"]))
                return [], target, warnings
            argv = ["vzctl", "snapshot", ctid]
            if uuid is not None:
                argv += ["--id", uuid]
            if name is not None:
                argv += ["--name", name]
            if description is not None:
                argv += ["--description", description]
            if skip_suspend:
                argv.append("--skip-suspend")
            return [argv], None, warnings
        if state == "absent":
            return ([["vzctl", "snapshot-delete", ctid, "--id", snap["uuid"]] for snap in matches],
                    None, warnings)
        # switched
        if not matches:
            raise VzStateError("container %s has no snapshot %s to switch to" % (ctid, label))
        if len(matches) > 1:
            raise VzStateError("%d snapshots of container %s are named %s (%s); give uuid"
                               % (len(matches), ctid, label, ", ".join(s["uuid"] for s in matches)))
        target = matches[0]
        if target["current"] and not force:
            return [], target, warnings
        argv = ["vzctl", "snapshot-switch", ctid, "--id", target["uuid"]]
        if skip_resume:
            argv.append("--skip-resume")
        return [argv], target, warnings

    def converge(self, ctid, state, uuid=None, name=None, description=None, skip_suspend=False,
                 skip_resume=False, force=False):
        ctid = vz_validate.host_ctid(ctid, vz_facts.is_vz7_host())
        if uuid is not None:
            uuid = vz_validate.snapshot_uuid(uuid)
        if name is not None:
            name = vz_validate.snapshot_text(name, "name")
        if description is not None:
            description = vz_validate.snapshot_text(description, "description")
        self.check_container(ctid)
        before = self.list(ctid)
        commands, target, warnings = self.plan(ctid, before, state, uuid, name, description,
                                               skip_suspend, skip_resume, force)
        after = before
        predicted = predict(before, state, commands, uuid, name)
        if commands and not self.check_mode:
            try:
                run_in_order(commands, self._vzctl)
            except VzError as exc:
                # A snapshot call ran: the host may have changed.
                exc.changed = True
                exc.commands = commands
                raise
            after = predicted = self.list(ctid)
            if state in ("present", "switched"):
                found = self._matches(after, uuid, name)
                target = found[-1] if found else None
        return {
            "changed": bool(commands),
            "commands": commands,
            "snapshots": after,
            "snapshot": target,
            "warnings": warnings,
            "diff": {"before": render(before), "after": render(predicted),
                     "before_header": "snapshots of container %s" % ctid,
                     "after_header": "snapshots of container %s" % ctid},
        }
