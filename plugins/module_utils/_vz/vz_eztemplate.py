# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EZ OS templates on OpenVZ 7: the template (an RPM ``NAME-ez`` vzpkg installs
from the host's repositories) and its cache (the tarball ``vzctl create``
unpacks), both through ``vzpkg`` (vztt).

Everything is read first, with read-only vzpkg calls only: ``vzpkg list``
(installed OS templates; a cached one shows its cache's time), ``vzpkg list
--available`` (templates in the repositories that are not installed or newer
than the installed one) and, for ``cache: latest``, ``vzpkg status NAME``
(exit 22: the cache is older than the repositories). ``vzpkg status`` of a
template that is not installed would install it (vztt loads the template
with vzup2date allowed), so it is only asked about installed ones. Then the
whole plan is known (check mode reports it) and run in order.

Sources and the stand-in the tests use: docs/openvz-tools.md "vzpkg".
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import (
    VzInputError, VzStateError, VzToolError)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import (
    VZPKG_NOT_CACHED, VZPKG_NOT_UP2DATE, exit_meaning)

VZPKG = "vzpkg"
DEFAULT_TEMPLATE_DIR = "/vz/template"
# vztt util.c tmpl_get_cache_tar_name() for ext4 on ploop (v2 first, then the
# old ploop format), each archive type in tmpl_get_cache_tar_by_type()'s order.
CACHE_SUFFIXES = tuple(kind + archive for kind in (".plain.ploopv2", ".plain.ploop")
                       for archive in (".tar.lz4", ".tar.lzrw", ".tar.gz"))
# Options of the tarball flow (vz_template.py) that OpenVZ 7 has no use for:
# vzctl 7 unpacks only the caches vzpkg builds.
LEGACY_ONLY = ("src", "url", "checksum", "download")
STATES = ("present", "absent", "latest")
CACHE_STATES = ("present", "absent", "latest")


def template_dir(globals_=None):
    globals_ = vz_conf.read_globals() if globals_ is None else globals_
    return globals_.get("TEMPLATE") or DEFAULT_TEMPLATE_DIR


def cache_file(tmpldir, name):
    """The cache file vzctl create would unpack for ``name``, or None."""
    for suffix in CACHE_SUFFIXES:
        path = os.path.join(tmpldir, "cache", name + suffix)
        if os.path.isfile(path):
            return path
    return None


def parse_list(stdout):
    """``vzpkg list``: name -> cached (the line has the cache's time after the name)."""
    found = {}
    for line in stdout.splitlines():
        words = line.split()
        if words:
            found[words[0]] = len(words) > 1
    return found


def parse_available(stdout):
    """``vzpkg list --available``: the names, each the first word of its line."""
    return set(line.split()[0] for line in stdout.splitlines() if line.split())


class LegacyOnlyOption(VzInputError):
    """An option of the tarball flow given on OpenVZ 7; ``legacy_only`` names
    it in the result (the action plugin renames ``checksum`` to ``src`` when
    it was the controller file's checksum it added)."""

    def to_result(self):
        result = super(LegacyOnlyOption, self).to_result()
        result["legacy_only"] = self.param
        return result


LEGACY_ONLY_MESSAGE = ("is for template cache files of legacy OpenVZ; on OpenVZ 7 vzpkg installs EZ "
                       "templates from the host's repositories and builds their caches (use state and cache)")


def refuse_legacy_options(params):
    """OpenVZ 7 has EZ templates only: the tarball options are refused by name."""
    for option in LEGACY_ONLY + ("remote_src",):
        if params.get(option) not in (None, False):
            raise LegacyOnlyOption(option, LEGACY_ONLY_MESSAGE)


def refuse_vz7_options(params):
    """On legacy OpenVZ there is no vzpkg: its options are refused by name."""
    if params.get("cache") is not None:
        raise VzInputError("cache", "manages an EZ template cache with vzpkg, which only OpenVZ 7 "
                                    "has; on legacy OpenVZ the template is its cache file")
    if params.get("state") == "latest":
        raise VzInputError("state", "latest needs vzpkg (OpenVZ 7); legacy OpenVZ takes present or absent")
    if params.get("force"):
        raise VzInputError("force", "is for vzpkg remove template (OpenVZ 7)")


class EzTemplates(object):
    """What the template module does on an OpenVZ 7 host."""

    def __init__(self, runner, check_mode=False, globals_=None):
        self.runner = runner
        self.check_mode = check_mode
        self.tmpldir = template_dir(globals_)
        self.commands = []

    def _read(self, argv, ok=(0,)):
        rc, out, err = self.runner.run(argv, check_rc=False)
        if rc not in ok:
            raise VzToolError(argv, rc, out, err, exit_meaning(VZPKG, rc))
        return rc, out

    def _installed(self):
        return parse_list(self._read([VZPKG, "list"])[1])

    def _plan(self, name, state, cache, force, installed):
        present = name in installed
        cached = bool(installed.get(name))
        wanted = state != "absent"
        available = None
        if wanted and (not present or state == "latest"):
            available = parse_available(self._read([VZPKG, "list", "--available"])[1])
            if not present and name not in available:
                raise VzStateError("template %s is neither installed nor available in the host's "
                                   "repositories (vzpkg list --available)" % name)
        plan = []
        if not wanted:
            if present:
                plan.append([VZPKG, "remove", "template"] + (["-f"] if force else []) + [name])
            return plan
        if not present:
            plan.append([VZPKG, "install", "template", name])
        elif state == "latest" and name in available:
            plan.append([VZPKG, "update", "template", name])
        if cache == "absent" and cached:
            plan.append([VZPKG, "remove", "cache", name])
        elif cache in ("present", "latest") and not cached:
            plan.append([VZPKG, "create", "cache", name])
        elif cache == "latest":
            rc, _out = self._read([VZPKG, "status", name], ok=(0, VZPKG_NOT_UP2DATE, VZPKG_NOT_CACHED))
            if rc == VZPKG_NOT_UP2DATE:
                plan.append([VZPKG, "update", "cache", name])
            elif rc == VZPKG_NOT_CACHED:
                plan.append([VZPKG, "create", "cache", name])
        return plan

    def _run(self, plan):
        done = []
        for argv in plan:
            self.commands.append(argv)
            rc, out, err = self.runner.run(argv, check_rc=False)
            if rc != 0:
                error = VzToolError(argv, rc, out, err, exit_meaning(VZPKG, rc))
                error.executed = list(done)
                error.changed = bool(done)
                error.commands = list(plan)
                raise error
            done.append(argv)

    def _templates(self, installed):
        return [{"name": each, "cached": bool(cached),
                 "cache": cache_file(self.tmpldir, each) if cached else None}
                for each, cached in sorted(installed.items())]

    @staticmethod
    def _describe(name, present, cache_path):
        return "template %s: %s\ncache: %s\n" % (name, "installed" if present else "absent", cache_path or "absent")

    def converge(self, name, state="present", cache=None, force=False):
        name = vz_validate.ostemplate(name, "name")
        if state not in STATES:
            raise VzInputError("state", "must be one of %s, got %r" % (", ".join(STATES), state))
        if cache is not None and cache not in CACHE_STATES:
            raise VzInputError("cache", "must be one of %s, got %r" % (", ".join(CACHE_STATES), cache))
        if state == "absent" and cache in ("present", "latest"):
            raise VzInputError("cache", "%s needs the template, which state=absent removes" % cache)
        installed = self._installed()
        templates = self._templates(installed)
        current = dict((t["name"], t) for t in templates).get(name)
        before_path = current["cache"] if current else None
        plan = self._plan(name, state, cache, force, installed)
        result = {"changed": bool(plan), "commands": plan, "cache_dir": os.path.join(self.tmpldir, "cache"),
                  "source": None, "checksum": None}
        before = self._describe(name, current is not None, before_path)
        if not plan:
            result.update(path=before_path, templates=templates)
            after = before
        elif self.check_mode:
            # What the plan leaves: a new cache's archive suffix is vztt's
            # choice (ARCHIVE in its config), so it is not predicted.
            after_path = before_path
            if state == "absent" or cache == "absent":
                after_path = None
            elif cache in ("present", "latest") and not after_path:
                after_path = os.path.join(self.tmpldir, "cache", name + ".plain.ploopv2.tar.*")
            after = self._describe(name, state != "absent", after_path)
            result.update(path=before_path, templates=templates)
        else:
            self._run(plan)
            templates = self._templates(self._installed())
            current = dict((t["name"], t) for t in templates).get(name)
            result.update(path=current["cache"] if current else None, templates=templates)
            after = self._describe(name, current is not None, result["path"])
        result["diff"] = {"before": before, "after": after,
                          "before_header": name, "after_header": name}
        return result
