# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Current model + desired model + wanted run state -> the ordered tool calls.

The plan is computed without touching the host, so check mode reports exactly
the calls a real run makes.  Nothing here ever destroys a container to apply a
change: create-only settings that differ are refused.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_conf import expand_veid
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzStateError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import (
    ABSENT, MOUNTED, PAUSED, RUNNING, STOPPED, SUSPENDED)

# A paused (OpenVZ 7) or suspended container runs again after ``vzctl resume``.
FROZEN = (PAUSED, SUSPENDED)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_settings import BY_NAME, LEGACY, SETTINGS


class Step(object):
    """One tool call; ``stdin`` carries secrets so they never reach an argv."""

    def __init__(self, argv, stdin=None, secret=False):
        self.argv = argv
        self.stdin = stdin
        self.secret = secret


class Plan(object):
    def __init__(self):
        self.steps = []
        self.warnings = []
        self.final_status = None

    def add(self, argv, **kwargs):
        self.steps.append(Step(argv, **kwargs))

    @property
    def changed(self):
        return bool(self.steps)


def settings_args(current, desired, flavour=LEGACY):
    """(args for one ``vzctl set`` call, restart-only settings, argv tails of the further calls)."""
    restart_fields = []
    own_calls = []
    changed = []
    for setting in SETTINGS:
        wanted = getattr(desired, setting.name)
        if setting.set_args is None or wanted is None:
            continue
        have = getattr(current, setting.name)
        if setting.same(have, wanted):
            continue
        if flavour in setting.own_calls:
            own_calls += setting.own_calls[flavour](have, wanted)
        else:
            changed.append(setting)
        if setting.restart:
            restart_fields.append(setting.param)
    # What this flavour's vzctl takes only beside another option: that one goes too,
    # with its wanted value, else the host's, else the declared fallback.
    values = dict((setting.name, getattr(desired, setting.name)) for setting in changed)
    for setting in list(changed):
        when, other, fallback = setting.companion.get(flavour, (None, None, None))
        if when is not None and when(values[setting.name]) and other not in values:
            have = getattr(current, other)
            values[other] = fallback if have is None else have
            changed.append(BY_NAME[other])
    args = []
    for setting in SETTINGS:
        if setting in changed:
            args += setting.set_args(getattr(current, setting.name), values[setting.name])
    return args, restart_fields, own_calls


def check_create_only(current, desired):
    for setting in SETTINGS:
        wanted = getattr(desired, setting.name)
        if not setting.create_only or wanted is None:
            continue
        have = getattr(current, setting.name)
        if setting.per_ct_path:
            same = expand_veid(have, current.ctid) == expand_veid(wanted, current.ctid)
        else:
            same = setting.same(have, wanted)
        if not same:
            raise VzStateError(
                "%s: container %s has %r, the task asks for %r. This setting is fixed when a "
                "container is created; changing it means destroying the container (state: absent) "
                "and creating it again, which this module never does implicitly."
                % (setting.param, current.ctid, have, wanted))


def create_argv(ctid, desired):
    argv = ["vzctl", "create", ctid]
    for setting in SETTINGS:
        value = getattr(desired, setting.name)
        if setting.create_flag is not None and value is not None:
            argv += setting.create_args(value)
    return argv


def _power_steps(plan, ctid, status, state, force):
    vz = ["vzctl"]
    if state == "started":
        if status in FROZEN:
            plan.add(vz + ["resume", ctid])
        elif status != RUNNING:
            plan.add(vz + ["start", ctid])
        plan.final_status = RUNNING
    elif state == "restarted":
        plan.add(vz + (["restart", ctid] if status == RUNNING else
                       ["resume", ctid] if status in FROZEN else ["start", ctid]))
        plan.final_status = RUNNING
    elif state == "stopped":
        if status in FROZEN:
            plan.add(vz + ["resume", ctid])
            status = RUNNING
        if status == RUNNING:
            plan.add(vz + ["stop", ctid] + (["--fast"] if force else []))
        elif status == MOUNTED:
            plan.add(vz + ["umount", ctid])
        plan.final_status = STOPPED
    elif state == "suspended":
        if status == PAUSED:
            plan.add(vz + ["resume", ctid])
            status = RUNNING
        if status in (STOPPED, MOUNTED):
            plan.add(vz + ["start", ctid])
            status = RUNNING
        if status == RUNNING:
            plan.add(vz + ["suspend", ctid])
        plan.final_status = SUSPENDED
    else:
        plan.final_status = status


def plan_absent(current, force):
    plan = Plan()
    if current is None:
        plan.final_status = ABSENT
        return plan
    ctid = current.ctid
    if current.status in FROZEN:
        plan.add(["vzctl", "resume", ctid])
        plan.add(["vzctl", "stop", ctid] + (["--fast"] if force else []))
    elif current.status == RUNNING:
        plan.add(["vzctl", "stop", ctid] + (["--fast"] if force else []))
    elif current.status == MOUNTED:
        plan.add(["vzctl", "umount", ctid])
    plan.add(["vzctl", "destroy", ctid])
    plan.final_status = ABSENT
    return plan


def plan_present(current, desired, predicted_after_create, state, force, password_step, flavour=LEGACY):
    """Plan for every state but absent.

    ``current`` is None when the container does not exist; then
    ``predicted_after_create`` is the model ``vzctl create`` will leave (the
    profile sample plus the create options), which the one ``set`` call is
    computed against.
    """
    plan = Plan()
    if current is None:
        ctid = desired.ctid
        plan.add(create_argv(ctid, desired))
        base = predicted_after_create
        status = STOPPED
    else:
        ctid = current.ctid
        check_create_only(current, desired)
        base = current
        status = current.status
    args, restart_fields, own_calls = settings_args(base, desired, flavour)
    if args:
        plan.add(["vzctl", "set", ctid] + args + ["--save"])
    for tail in own_calls:
        plan.add(["vzctl", "set", ctid] + tail + ["--save"])
    if restart_fields and status == RUNNING and state != "restarted":
        plan.warnings.append(
            "container %s is running: %s change(s) were saved but take effect at its next restart "
            "(use state: restarted to apply them now)" % (ctid, ", ".join(restart_fields)))
    _power_steps(plan, ctid, status, state, force)
    if password_step is not None:
        if plan.final_status != RUNNING:
            raise VzStateError("root_password: setting the password runs chpasswd inside the "
                               "container, so it needs state: started or restarted")
        plan.add(["vzctl", "exec2", ctid, "chpasswd"], stdin=password_step, secret=True)
    return plan
