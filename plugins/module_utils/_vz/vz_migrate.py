# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Moving a container to another hypervisor with the host's own ``vzmigrate``.

The task runs on the source hypervisor; the destination is reached from it
over ssh (root's key, as vzmigrate itself needs). What is where is read
without changing anything: locally from the CT config, on the destination
with ``ssh DEST vzctl --quiet status`` and ``cat`` of its config. A
container on the destination (same UUID on OpenVZ 7) and gone (or kept as
``.migrated``) here is converged: nothing runs. Before vzmigrate moves
anything the preflight checks, with clear errors, what vzmigrate would
trip over midway: the destination answering over ssh, the CTID free there,
the CT's OS template, disk space and the bridges of its veth devices;
then ``vzmigrate --dry-run`` runs the tool's own checks.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import os
import re

from ansible.module_utils.six.moves import shlex_quote

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_model, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzError, VzInputError, VzStateError, VzToolError

# ssh never asks for a password or a host key in a module; the connect
# timeout bounds an unreachable destination.
SSH_OPTIONS = ("-o", "BatchMode=yes", "-o", "ConnectTimeout=15")
MIGRATED_SUFFIX = ".migrated"
_USER_RE = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST_RE = re.compile(r"%s(?:\.%s)*" % (_LABEL, _LABEL))
_BRIDGE_RE = re.compile(r"[A-Za-z0-9_.:-]{1,15}")
_TEMPLATE_CACHE_RE = r"%s\.tar(\.gz|\.bz2|\.xz)?"


def destination(value, legacy, param="dest"):
    """``host`` or ``user@host`` (a DNS name or an IP address) as ssh takes it, nothing else."""
    text = vz_validate.safe_text(value, param, max_len=300)
    user, at, host = text.rpartition("@")
    if at and not _USER_RE.fullmatch(user):
        raise VzInputError(param, "user must be a login name ([a-z_][a-z0-9_-]*), got %r" % (user,))
    if legacy and at and user != "root":
        raise VzInputError(param, "vzctl 4.x vzmigrate always logs in as root@DEST; give the host alone "
                                  "or root@host, got %r" % (text,))
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not _HOST_RE.fullmatch(host) or len(host) > 253:
            raise VzInputError(param, "must be a host name or an IP address, optionally user@, got %r" % (text,))
    return (user or None), host


def bridges(netif):
    """The bridge names of the veth devices in a NETIF value."""
    found = []
    for device in (netif or "").split(";"):
        for item in device.split(","):
            key, _eq, value = item.partition("=")
            if key == "bridge" and value and value not in found:
                found.append(value)
    return found


class Migration(object):
    """One ``openvz.vz.migrate`` task."""

    def __init__(self, runner, check_mode, vz7):
        self.runner = runner
        self.check_mode = check_mode
        self.vz7 = vz7
        self.calls = []

    # ---------------------------------------------------------------- input

    def validate(self, params):
        vz7 = self.vz7
        if params.get("ctid") is None and params.get("name") is None:
            raise VzInputError("ctid", "one of ctid or name is required")
        ctid = None
        if params.get("ctid") is not None:
            ctid = vz_validate.host_ctid(params["ctid"], vz7)
        name = vz_validate.name(params["name"]) if params.get("name") is not None else None
        user, host = destination(params["dest"], not vz7)
        new_ctid = vz_validate.host_ctid(params["new_ctid"], vz7, "new_ctid") if params.get("new_ctid") is not None else None
        if new_ctid is not None and not vz7:
            raise VzInputError("new_ctid", "vzctl 4.x vzmigrate keeps the CTID (it has no --new-id)")
        if not params["start"] and not vz7:
            raise VzInputError("start", "vzctl 4.x vzmigrate always restores the run state on the destination "
                                        "(it has no --nostart); start=false needs OpenVZ 7")
        return {"ctid": ctid, "name": name, "user": user, "host": host, "new_ctid": new_ctid,
                "online": bool(params["online"]), "keep_source": bool(params["keep_source"]),
                "start": bool(params["start"])}

    # ---------------------------------------------------------------- probes

    def _ssh_argv(self, wanted, command):
        target = ("%s@%s" % (wanted["user"], wanted["host"])) if wanted["user"] else wanted["host"]
        return ["ssh"] + list(SSH_OPTIONS) + [target, command]

    def remote(self, wanted, command):
        rc, out, err = self.runner.run(self._ssh_argv(wanted, command), check_rc=False)
        if rc == 255:
            raise VzStateError("dest: %s cannot be reached over ssh from this hypervisor (root's key must be "
                               "authorized there and its host key known): %s" % (wanted["host"], err.strip()))
        return rc, out

    def dest_state(self, wanted, ctid):
        """(exists, config text or None) of ``ctid`` on the destination."""
        _rc, out = self.remote(wanted, "vzctl --quiet status %s" % shlex_quote(ctid))
        words = out.split()
        exists = len(words) > 2 and words[2] == "exist"
        rc, text = self.remote(wanted, "cat %s" % shlex_quote(vz_conf.ct_conf_path(ctid)))
        return exists, (text if rc == 0 else None)

    @staticmethod
    def _conf_values(text, path):
        return vz_conf.parse_conf_text(text, path) if text is not None else None

    def local_state(self, ctid):
        """(config or None, private path, .migrated trace config or None) of ``ctid`` here."""
        globals_ = vz_conf.read_globals()
        path = vz_conf.ct_conf_path(ctid)
        conf = vz_conf.read_conf(path) if os.path.isfile(path) else None
        template = (conf.get("VE_PRIVATE") if conf else None) or globals_.get("VE_PRIVATE") or "/vz/private/$VEID"
        private = vz_conf.expand_veid(template, ctid)
        if conf is not None and not os.path.isdir(private):
            conf = None
        trace = None
        for candidate in (path + MIGRATED_SUFFIX, os.path.join(private + MIGRATED_SUFFIX, "ve.conf")):
            if os.path.isfile(candidate):
                trace = vz_conf.read_conf(candidate)
                break
        return conf, private, trace

    def preflight(self, wanted, conf, private, dst_ctid):
        template = conf.get("OSTEMPLATE")
        if template:
            template = template.lstrip(".")
            if self.vz7:
                _rc, out = self.remote(wanted, "vzpkg list -O")
                present = template in [line.split()[0] for line in out.splitlines() if line.split()]
            else:
                _rc, out = self.remote(wanted, "ls /vz/template/cache")
                pattern = re.compile(_TEMPLATE_CACHE_RE % re.escape(template))
                present = any(pattern.fullmatch(line.strip()) for line in out.splitlines())
            if not present:
                raise VzStateError("dest: the OS template %s of container %s is not on %s (install it there first)"
                                   % (template, dst_ctid, wanted["host"]))
        for bridge in bridges(conf.get("NETIF")):
            if not _BRIDGE_RE.fullmatch(bridge):
                raise VzStateError("container config: NETIF names a bridge %r that is no interface name" % (bridge,))
            rc, _out = self.remote(wanted, "test -d /sys/class/net/%s/bridge" % shlex_quote(bridge))
            if rc != 0:
                raise VzStateError("dest: bridge %s (NETIF of container %s) does not exist on %s"
                                   % (bridge, dst_ctid, wanted["host"]))
        need = _tree_kib(private)
        _rc, out = self.remote(wanted, "df -Pk %s" % shlex_quote(os.path.dirname(private.rstrip("/")) or "/"))
        lines = out.splitlines()
        try:
            free = int(lines[-1].split()[3])
        except (IndexError, ValueError):
            raise VzStateError("dest: cannot read the free space on %s: %r" % (wanted["host"], out[:200]))
        if free < need:
            raise VzStateError("dest: %s has %d KiB free below %s, container %s needs %d KiB"
                               % (wanted["host"], free, os.path.dirname(private), dst_ctid, need))

    # ---------------------------------------------------------------- the command

    def command(self, wanted, ctid, dry_run=False):
        argv = ["vzmigrate", "-r", "no" if wanted["keep_source"] else "yes"]
        if wanted["online"]:
            argv.append("--online")
        if dry_run:
            argv.append("--dry-run")
        if self.vz7:
            if not wanted["start"]:
                argv.append("--nostart")
            if wanted["new_ctid"] is not None:
                argv.append("--new-id=%s" % wanted["new_ctid"])
            target = ("%s@%s" % (wanted["user"], wanted["host"])) if wanted["user"] else wanted["host"]
        else:
            target = wanted["host"]
        return argv + [target, ctid]

    def converge(self, params):
        wanted = self.validate(params)
        ctid = wanted["ctid"]
        if ctid is None:
            ctid = vz_conf.ctid_for_name(wanted["name"])
            if ctid is None:
                raise VzStateError("name: no container is named %s on this hypervisor" % wanted["name"])
        dst_ctid = wanted["new_ctid"] or ctid
        conf, private, trace = self.local_state(ctid)
        dst_exists, dst_text = self.dest_state(wanted, dst_ctid)
        result = {"changed": False, "ctid": ctid, "dest_ctid": dst_ctid, "dest": wanted["host"]}
        if conf is None:
            if not dst_exists:
                raise VzStateError("container %s is neither on this hypervisor nor (as %s) on %s"
                                   % (ctid, dst_ctid, wanted["host"]))
            dst = self._conf_values(dst_text, vz_conf.ct_conf_path(dst_ctid))
            if self.vz7 and trace is not None and dst is not None and trace.get("UUID") and \
                    trace.get("UUID") != dst.get("UUID"):
                raise VzStateError("container %s on %s has UUID %s, not %s (this hypervisor's migrated copy)"
                                   % (dst_ctid, wanted["host"], dst.get("UUID"), trace.get("UUID")))
            result.update(self._result_xml(dst_ctid, dst_text))
            result["commands"] = []
            return result
        if dst_exists:
            raise VzStateError("dest: container %s already exists on %s; refusing to migrate container %s there"
                               % (dst_ctid, wanted["host"], ctid))
        self.preflight(wanted, conf, private, dst_ctid)
        argv = self.command(wanted, ctid)
        result["changed"] = True
        result["commands"] = [argv]
        self._run(self.command(wanted, ctid, dry_run=True), wanted, ctid, dst_ctid, dry_run=True)
        if self.check_mode:
            return result
        self._run(argv, wanted, ctid, dst_ctid)
        _exists, dst_text = self.dest_state(wanted, dst_ctid)
        result.update(self._result_xml(dst_ctid, dst_text))
        return result

    def _run(self, argv, wanted, ctid, dst_ctid, dry_run=False):
        try:
            self.runner.run(argv)
        except VzToolError as exc:
            exc.executed = list(self.calls)
            exc.changed = not dry_run
            exc.commands = [argv]
            if not dry_run:
                exc.args = ("%s; afterwards %s" % (exc, self._where(wanted, ctid, dst_ctid)),)
            raise
        self.calls.append(argv)

    def _where(self, wanted, ctid, dst_ctid):
        """Where the container is after a failed run (vzmigrate undoes what it did)."""
        try:
            conf, _private, _trace = self.local_state(ctid)
            dst_exists, _text = self.dest_state(wanted, dst_ctid)
        except VzError as exc:
            return "its place is unknown (%s)" % exc
        places = (["container %s is on this hypervisor" % ctid] if conf is not None else []) + \
            (["container %s is on %s" % (dst_ctid, wanted["host"])] if dst_exists else [])
        return " and ".join(places) if places else "container %s is on neither host" % ctid

    def _result_xml(self, dst_ctid, text):
        """The destination's config as this hypervisor's model and XML (read over ssh)."""
        if text is None:
            return {}
        container = vz_model.container_from_conf(
            dst_ctid, vz_conf.parse_conf_text(text, vz_conf.ct_conf_path(dst_ctid)), vz_conf.read_globals())
        result = {"container": container.to_dict()}
        try:
            from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_xml  # pylint: disable=import-outside-toplevel
        except ImportError:
            return result
        result["xml"] = vz_xml.to_xml(container, os.cpu_count())
        return result


def _tree_kib(path):
    """Disk use of a tree in KiB (du -sk), without following symlinks."""
    total = 0
    for root, dirs, files in os.walk(path):
        for entry in dirs + files:
            try:
                total += os.lstat(os.path.join(root, entry)).st_blocks * 512
            except OSError:
                pass
    return total // 1024
