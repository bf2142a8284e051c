# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many containers in one task: read the host once, plan every container, run what differs.

The host is read with one ``vzlist`` call (vz_listing) plus the config files;
every container's plan is then made by the single-container driver and
checked whole, and only then does anything run.  vzctl locks each container
on its own, so plans of different containers run side by side in threads
(``parallel``); the steps of one container stay in order.  A container whose
plan fails does not stop the others unless ``stop_on_error`` says so.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_listing, vz_params, vz_settings
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzError, VzInputError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import STOPPED

# What an item of the single module's parameters leaves unset takes these,
# after the task's ``defaults`` are merged under it.
ITEM_DEFAULTS = dict((key, spec["default"]) for key, spec in vz_params.ARGUMENT_SPEC.items() if "default" in spec)
# Parameters that say which container an item is, never shared through ``defaults``.
IDENTITY = ("ctid", "name", "xml")


def _without_defaults(spec):
    spec = dict(spec)
    spec.pop("default", None)
    return spec


# An item: the single module's parameters, defaults left to the merge.
ITEM_SPEC = dict((key, _without_defaults(spec)) for key, spec in vz_params.ARGUMENT_SPEC.items())
DEFAULTS_SPEC = dict((key, spec) for key, spec in ITEM_SPEC.items() if key not in IDENTITY)


def merged_items(items, defaults):
    """Each item with ``defaults`` under it (the item wins, key by key), then the
    single module's own defaults.  An item with ``xml`` takes no setting from the
    defaults: its document declares the container."""
    defaults = dict((k, v) for k, v in (defaults or {}).items() if v is not None)
    merged = []
    for item in items:
        base = dict(defaults)
        if item.get("xml") is not None:
            base = dict((k, v) for k, v in base.items() if k not in vz_settings.BY_PARAM)
        base.update((k, v) for k, v in item.items() if v is not None)
        for key, value in ITEM_DEFAULTS.items():
            base.setdefault(key, value)
        for key in ITEM_SPEC:
            base.setdefault(key, None)
        merged.append(base)
    return merged


def label(index, params):
    """How messages name an item: its position and what identifies it."""
    who = ", ".join("%s %s" % (key, params[key]) for key in ("ctid", "name") if params.get(key) is not None)
    return "containers[%d]%s" % (index, " (%s)" % who if who else "")


class Batch(object):
    """Converges ``items`` (merged parameters) with drivers made by ``driver_for(params)``.

    ``listing()`` returns vzlist's [(ctid, status)] for the whole host, and
    ``desired_of(params, warnings)`` the desired container of an item.
    """

    def __init__(self, items, driver_for, listing, desired_of, parallel=1, stop_on_error=False,
                 exclusive=False, keep=(), remove_running=False):
        self.items = items
        self.driver_for = driver_for
        self.listing = listing
        self.desired_of = desired_of
        self.parallel = max(1, parallel)
        self.stop_on_error = stop_on_error
        self.exclusive = exclusive
        self.keep = set(str(k) for k in keep or ())
        self.remove_running = remove_running
        self._stopped = threading.Event()

    # ------------------------------------------------------------ planning

    def _check_identities(self):
        seen = {}
        for index, params in enumerate(self.items):
            for key in ("ctid", "name"):
                value = params.get(key)
                if value is None:
                    continue
                other = seen.get((key, str(value)))
                if other is not None:
                    raise VzInputError("containers[%d].%s" % (index, key), "%r is declared by containers[%d] too"
                                       % (value, other))
                seen[(key, str(value))] = index
            if self.exclusive and params.get("ctid") is None and params.get("name") is None:
                raise VzInputError("containers[%d]" % index, "with exclusive, an item with xml needs ctid "
                                   "or name next to it, so it is known before its document is read")

    def _prepare(self, entries):
        """Every item's plan, or the first error (naming the item) before anything runs."""
        statuses = dict(entries)
        prepared = []
        claimed = {}  # venet address -> the item that declares it
        for index, params in enumerate(self.items):
            driver = self.driver_for(params, statuses)
            warnings = []
            try:
                desired = self.desired_of(params, warnings)
                plan = driver.prepare(desired, params["state"], force=params["force"],
                                      password=vz_params.password_stdin(params),
                                      update_password=params["update_password"],
                                      vcpu_default=params["xml"] is not None)
            except VzError as exc:
                exc.args = ("%s: %s" % (label(index, params), exc),)
                raise
            if params["state"] != "absent":
                # Plans are checked against the host as it is; two items must not claim one address.
                for address in desired.ip_addresses or []:
                    plain = address.partition("/")[0]
                    if plain in claimed:
                        raise VzInputError("%s: ip_addresses" % label(index, params), "%s is declared by %s too"
                                           % (address, label(claimed[plain], self.items[claimed[plain]])))
                    claimed[plain] = index
            plan.warnings = warnings + plan.warnings
            prepared.append((index, params, driver, plan))
        return prepared

    def _undeclared(self, entries, prepared):
        declared = set(plan.ctid for _i, _p, _d, plan in prepared if plan.ctid is not None)
        found, warnings = vz_listing.containers(
            [(ctid, status) for ctid, status in entries if ctid not in declared and ctid not in self.keep],
            vz_listing.read_local_conf_text, vz_conf.read_globals())
        doomed = [ct for ct in found if ct.name is None or ct.name not in self.keep]
        busy = [ct for ct in doomed if ct.status != STOPPED]
        if busy and not self.remove_running:
            raise VzInputError("exclusive", "not removing anything, because exclusive mode would stop and remove "
                               "%s, which %s not stopped; declare %s, list %s in exclusive_keep, or set "
                               "exclusive_remove_running" % (
                                   ", ".join("%s%s (%s)" % (ct.ctid, " " + ct.name if ct.name else "", ct.status)
                                             for ct in busy),
                                   "is" if len(busy) == 1 else "are", "it" if len(busy) == 1 else "them",
                                   "it" if len(busy) == 1 else "them"))
        return doomed, warnings

    # ------------------------------------------------------------ running

    def _run_one(self, index, params, driver, plan):
        entry = {"ctid": plan.ctid, "name": params.get("name"), "changed": False, "failed": False}
        if self._stopped.is_set():
            entry.update(skipped=True, msg="not run: an earlier container failed and stop_on_error is set")
            return entry, None
        try:
            result = driver.execute(plan)
        except VzError as exc:
            if self.stop_on_error:
                self._stopped.set()
            failure = exc.to_result()
            entry.update(failure)
            entry.update(failed=True, changed=bool(failure.get("changed")), msg="%s: %s" % (label(index, params), exc))
            return entry, None
        diff = result.pop("diff", None)
        entry.update(result)
        entry["name"] = (result.get("container") or {}).get("name", entry["name"])
        return entry, diff if result["changed"] else None

    def _run_all(self, work):
        if self.parallel == 1 or len(work) < 2:
            return [self._run_one(*job) for job in work]
        with ThreadPoolExecutor(max_workers=min(self.parallel, len(work))) as pool:
            return list(pool.map(lambda job: self._run_one(*job), work))

    def converge(self):
        self._check_identities()
        entries = self.listing()
        prepared = self._prepare(entries)
        removals, warnings, doomed = [], [], []
        if self.exclusive:
            doomed, warnings = self._undeclared(entries, prepared)
            statuses = dict(entries)
            for ct in doomed:
                params = dict((key, None) for key in ITEM_SPEC)
                params.update(ITEM_DEFAULTS, ctid=ct.ctid, state="absent")
                driver = self.driver_for(params, statuses)
                plan = driver.prepare(vz_params.container_from_params(params), "absent")
                removals.append((-1, params, driver, plan))
        # Undeclared containers go first: they may hold the IPs or names the list gives others.
        removed = self._run_all(removals)
        for (entry, _diff), ct in zip(removed, doomed):
            entry["status_before"] = ct.status
            entry["name"] = ct.name
        if not any(entry["failed"] for entry, _diff in removed) or not self.stop_on_error:
            results = self._run_all(prepared)
        else:
            results = [({"ctid": plan.ctid, "name": params.get("name"), "changed": False, "failed": False,
                         "skipped": True, "msg": "not run: removing an undeclared container failed"}, None)
                       for _i, params, _d, plan in prepared]
        every = removed + results
        return {
            "changed": any(entry["changed"] for entry, _diff in every),
            "containers": [entry for entry, _diff in results],
            "removed": [entry for entry, _diff in removed],
            "diff": [diff for _entry, diff in every if diff is not None],
            "warnings": warnings + ["%s: %s" % (entry["ctid"], warning) for entry, _diff in every
                                    for warning in entry.pop("warnings", [])],
        }


def default_parallel():
    return os.cpu_count() or 1
