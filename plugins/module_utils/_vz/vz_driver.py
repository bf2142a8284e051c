# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reads a container's state, plans, and runs the plan: what modules call."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.openvz.vz.plugins.module_utils._vz import (
    vz_conf, vz_facts, vz_model, vz_params, vz_pending, vz_plan, vz_preflight, vz_settings, vz_validate, vz_xml)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzError, VzInputError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import ABSENT, STOPPED, parse_status
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import run_in_order


# What libvirt shows as <vcpu> for a container without CPUS.
HOST_CPUS = os.cpu_count()


def desired_from_params(params, warnings):
    """The container a module's parameters (or their ``xml``) declare; the document's
    warnings are appended to ``warnings``."""
    if params["xml"] is None:
        return vz_params.container_from_params(params)
    desired = vz_xml.from_xml(params["xml"], warnings)
    identity = vz_params.container_from_params({"ctid": params["ctid"], "name": params["name"]})
    desired.ctid = identity.ctid or desired.ctid
    desired.name = identity.name or desired.name
    return desired


class Prepared(object):
    """One container's checked plan: what ``Driver.execute`` runs.

    ``done`` is a finished result when there is nothing to plan (an absent
    container asked by name to be absent)."""

    def __init__(self, ctid, current, plan, final, sets_password, warnings, done=None):
        self.ctid = ctid
        self.current = current
        self.plan = plan
        self.final = final
        self.sets_password = sets_password
        self.warnings = warnings
        self.done = done


class Driver(object):
    def __init__(self, runner, check_mode=False, diff=True, statuses=None, globals_=None, vz7=None,
                 preflight_host=None):
        """``diff`` False: the result's diff has no before-document (nobody shows it), so
        none is built; the resulting ``xml`` is always returned.

        ``statuses`` maps CTIDs to their run state as one vzlist call gave them
        for the whole host, so reading a listed container spawns nothing;
        ``globals_`` (vz.conf), ``vz7`` and ``preflight_host`` (the other
        containers' areas and addresses, vz_preflight.Host) may likewise be
        known already: drivers planning a batch share them."""
        self.runner = runner
        self.check_mode = check_mode
        self.diff = diff
        self.statuses = statuses
        self._globals = globals_
        self._vz7 = vz7
        self._preflight_host = preflight_host

    @property
    def vz7(self):
        """An OpenVZ 7 host (whose vzctl is libvzctl's), looked up once."""
        if self._vz7 is None:
            self._vz7 = vz_facts.is_vz7_host()
        return self._vz7

    @property
    def preflight_host(self):
        if self._preflight_host is None:
            self._preflight_host = vz_preflight.Host(self.globals)
        return self._preflight_host

    @property
    def globals(self):
        if self._globals is None:
            self._globals = vz_conf.read_globals()
        return self._globals

    # ------------------------------------------------------------------ reading

    def resolve_ctid(self, ctid, name):
        if name is not None:
            named = vz_conf.ctid_for_name(name)
            if ctid is not None and named is not None and named != ctid:
                raise VzInputError("name", "%r already belongs to container %s, not %s" % (name, named, ctid))
            return ctid or named
        return ctid

    def read(self, ctid, with_status=True):
        """The container as the host has it, or None. One process at most (status)."""
        found = self._read_with_conf(ctid, with_status)
        return found[0] if found else None

    def _read_with_conf(self, ctid, with_status=True):
        path = vz_conf.ct_conf_path(ctid)
        if not os.path.exists(path):
            self._refuse_other_case(ctid)
            return None
        conf = vz_conf.read_conf(path)
        current = vz_model.container_from_conf(ctid, conf, self.globals)
        if with_status and self.statuses is not None and ctid in self.statuses:
            current.status = self.statuses[ctid]
        elif with_status:
            _rc, out, _err = self.runner.run(["vzctl", "status", ctid])
            current.status = parse_status(out)
            if current.status == ABSENT:
                return None
        return current, conf

    def _refuse_other_case(self, ctid):
        """vzctl 7 keeps a UUID's case (libvzctl get_normalized_uuid()); the collection uses lower
        case. A config of the same UUID in other case is that container: never make a second one."""
        if not (self.vz7 and vz_validate.is_uuid(ctid)):
            return
        try:
            entries = os.listdir(vz_conf.CONF_DIR)
        except OSError:
            return
        for entry in entries:
            if entry.lower() == ctid + ".conf" and entry != ctid + ".conf":
                raise VzInputError("ctid", "container %s is on this host as %s (upper-case UUID); the collection "
                                           "manages UUID containers only in lower case, as prlctl makes them"
                                   % (ctid, os.path.join(vz_conf.CONF_DIR, entry)))

    def _sample(self, desired):
        profile = desired.profile or self.globals.get("CONFIGFILE")
        sample = os.path.join(vz_conf.CONF_DIR, "ve-%s.conf-sample" % profile) if profile else None
        if sample and os.path.exists(sample):
            return profile, vz_conf.read_conf(sample)
        return profile, vz_conf.ConfFile(sample or "", {})

    def predict_created(self, ctid, desired):
        """The model ``vzctl create`` leaves: the profile sample plus the create options."""
        profile, conf = self._sample(desired)
        values = dict(conf.values)
        # Without --layout: vz.conf's, else ploop on vzctl 7 (which has nothing else), else
        # vzctl 4.x's simfs. A --layout is written by the create-option loop below.
        layout = self.globals.get("VE_LAYOUT") or ("ploop" if self.vz7 else None)
        # vz.conf's defaults, then what each create option writes (vz_settings' keys and encodings).
        values.update({
            "ORIGIN_SAMPLE": profile,
            "OSTEMPLATE": self.globals.get("DEF_OSTEMPLATE"),
            "VE_PRIVATE": self.globals.get("VE_PRIVATE"),
            "VE_ROOT": self.globals.get("VE_ROOT"),
        })
        if layout:
            values["VE_LAYOUT"] = layout
        if self.vz7 and vz_validate.is_uuid(ctid):
            # libvzctl get_cid_uuid_pair(): a UUID CTID is its own UUID (a number gets a random one)
            values["UUID"] = ctid
        for setting in vz_settings.SETTINGS:
            value = getattr(desired, setting.name)
            if setting.create_flag is not None and value is not None:
                values[setting.key.key] = setting.key.encode(value)
        predicted = vz_model.container_from_conf(
            ctid, vz_conf.ConfFile(conf.path, {k: v for k, v in values.items() if v is not None}),
            self.globals)
        predicted.status = STOPPED
        return predicted, set(conf.values)

    # ------------------------------------------------------------------ converging

    def check_host_support(self, desired, warnings):
        """Refuse what this host's vzctl lacks; put the rest in the form it stores."""
        flavour = vz_settings.VZ7 if self.vz7 else vz_settings.LEGACY
        for setting in vz_settings.SETTINGS:
            value = getattr(desired, setting.name)
            if flavour not in setting.flavours and value not in (None, {}, []):
                raise VzInputError(setting.param, setting.unsupported[flavour])
            if value is not None and flavour in setting.host_check:
                setting.host_check[flavour](value)
            if value is not None and flavour in setting.stored_as:
                store, why = setting.stored_as[flavour]
                stored = store(value)
                if stored != value:
                    warnings.append("%s: %s, so %r is managed as %r" % (setting.param, why, value, stored))
                    setattr(desired, setting.name, stored)

    def preflight(self, ctid, current, desired, base_keys):
        """Everything vzctl would refuse half-way, checked before the first call."""
        host = self.preflight_host
        if current is None:
            final_private = desired.private or self.globals.get("VE_PRIVATE")
            final_root = desired.root or self.globals.get("VE_ROOT")
            vz_preflight.check_areas(host, ctid, final_private, final_root, "create")
        if desired.ip_addresses:
            have = set(current.ip_addresses or []) if current is not None else set()
            vz_preflight.check_ips_free(host, ctid, [a for a in desired.ip_addresses if a not in have])
        if desired.devnodes:
            have = set(current.devnodes or []) if current is not None else set()
            vz_preflight.check_devnodes([node for node in desired.devnodes if node not in have])
        if not self.vz7 and desired.memory is not None and (current is None or current.memory != desired.memory):
            vz_preflight.check_swap_with_memory(base_keys, desired)

    def converge(self, desired, state, force=False, password=None, update_password="on_create",
                 vcpu_default=False):
        """``vcpu_default``: ``desired.cpus`` came from a document's ``<vcpu>``, which libvirt
        fills with the host's CPU count when CPUS is unset; that count then means "unset"."""
        return self.execute(self.prepare(desired, state, force, password, update_password, vcpu_default))

    def prepare(self, desired, state, force=False, password=None, update_password="on_create",
                vcpu_default=False):
        """The plan for one container, checked whole; nothing on the host changes."""
        try:
            return self._prepare(desired, state, force, password, update_password, vcpu_default)
        except VzError as exc:
            if getattr(exc, "executed", None) is None:
                exc.executed = []
            raise

    def execute(self, prepared):
        """Run a prepared plan (not in check mode) and return the module result."""
        try:
            return self._execute(prepared)
        except VzError as exc:
            if getattr(exc, "executed", None) is None:
                exc.executed = []
            raise

    def _prepare(self, desired, state, force, password, update_password, vcpu_default):
        if desired.ctid is not None:
            vz_validate.host_ctid(desired.ctid, self.vz7)
        host_warnings = []
        self.check_host_support(desired, host_warnings)
        ctid = self.resolve_ctid(desired.ctid, desired.name)
        if ctid is None:
            if state == "absent" and desired.name:
                # Nothing by that name: already absent.
                return Prepared(None, None, None, None, None, [], done={
                    "changed": False, "commands": [], "warnings": [], "xml": "",
                    "container": {"ctid": None, "name": desired.name, "status": ABSENT},
                    "diff": {"before": "", "after": ""}})
            raise VzInputError("ctid", "container %r does not exist; give ctid to create it"
                               % desired.name if desired.name else "ctid or name is required")
        desired.ctid = ctid
        found = self._read_with_conf(ctid)
        current, conf = found if found else (None, None)
        if vcpu_default and desired.cpus == HOST_CPUS and (current is None or current.cpus is None):
            desired.cpus = None
        if state == "absent":
            plan = vz_plan.plan_absent(current, force)
            if current is not None:
                vz_preflight.check_areas(self.preflight_host, ctid, current.private,
                                         current.root, "destroy")
            final = None
        else:
            if current is not None and update_password == "on_create" and not vz_pending.is_pending(ctid):
                password = None
            if current is None:
                predicted, base_keys = self.predict_created(ctid, desired)
            else:
                predicted, base_keys = None, set(conf.values)
            plan = vz_plan.plan_present(current, desired, predicted, state, force, password,
                                        vz_settings.VZ7 if self.vz7 else vz_settings.LEGACY)
            self.preflight(ctid, current, desired, base_keys)
            final = (current or predicted).merged(desired)
            final.status = plan.final_status
        return Prepared(ctid, current, plan, final, password is not None, host_warnings + plan.warnings)

    def _execute(self, prepared):
        if prepared.done is not None:
            return dict(prepared.done)
        ctid, current, plan, final = prepared.ctid, prepared.current, prepared.plan, prepared.final
        result = {
            "changed": plan.changed,
            "commands": [step.argv for step in plan.steps],
            "warnings": list(prepared.warnings),
        }
        before_xml = vz_xml.to_xml(current, HOST_CPUS) if self.diff and current is not None else ""
        if not self.check_mode:
            self._run(ctid, current, plan, prepared.sets_password)
            if final is not None and plan.changed:
                final = self.read(ctid, with_status=False)
                final.status = plan.final_status
        after_xml = vz_xml.to_xml(final, HOST_CPUS) if final is not None else ""
        result["xml"] = after_xml
        result["container"] = final.to_dict() if final is not None else {"ctid": ctid, "status": ABSENT}
        result["diff"] = {"before": before_xml, "after": after_xml,
                          "before_header": "container %s" % ctid, "after_header": "container %s" % ctid}
        return result

    def _run(self, ctid, current, plan, sets_password):
        """Run the plan; a failure part-way reports changed and what ran."""
        creates = current is None and bool(plan.steps)
        if creates and sets_password:
            vz_pending.mark(ctid)
        elif creates:
            vz_pending.clear(ctid)
        try:
            run_in_order(plan.steps, lambda step: self.runner.run(step.argv, stdin=step.stdin),
                         lambda step: step.argv)
        except VzError as exc:
            # Every plan step changes the host; the failed one may have too.
            exc.changed = True
            exc.commands = [step.argv for step in plan.steps]
            raise
        if sets_password or plan.final_status == ABSENT:
            vz_pending.clear(ctid)
