# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of openvz.vz.template: a ``src`` on the controller.

The module is first asked, without a source, whether the host's cache file
already has the local file's checksum; only when it has not is the file
transferred (into the task's remote temporary directory, as
ansible.builtin.copy and unarchive do) and the module run on that copy.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

# The module decides cache suffixes and checksums; the controller side must agree.
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_template import file_digest, suffix_of

MODULE = "openvz.vz.template"
_ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")


class ActionModule(ActionBase):

    TRANSFERS_FILES = True

    def _predicted(self, answer, args, local, local_sum, source):
        """A check-mode result from the module's "no source" answer."""
        predicted = dict((key, answer.get(key)) for key in ("path", "checksum", "cache_dir", "templates"))
        predicted.update(changed=True, source="src", commands=[],
                         msg="%s would be copied into the template cache" % source)
        if self._task.diff:
            after = "%s/%s%s" % (answer.get("cache_dir"), args.get("name"), suffix_of(local))
            before = "%s %s\n" % (answer["path"], answer["checksum"]) if answer.get("path") else ""
            predicted["diff"] = {"before": before, "after": "%s %s\n" % (after, local_sum),
                                 "before_header": answer.get("cache_dir"),
                                 "after_header": answer.get("cache_dir")}
        return predicted

    def run(self, tmp=None, task_vars=None):
        if task_vars is None:
            task_vars = {}
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # no effect since Ansible 2.5
        args = dict(self._task.args)
        source = args.get("src")
        remote = boolean(args.get("remote_src", False), strict=False)
        if source is None or remote or args.get("state", "present") == "absent" or args.get("url") \
                or boolean(args.get("download", False), strict=False):
            # Nothing to copy from the controller (or a conflict the module reports).
            result.update(self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars))
            return result

        try:
            local = self._loader.get_real_file(self._find_needle("files", source), decrypt=True)
        except AnsibleError as exc:
            result.update(failed=True, msg="src: %s" % to_text(exc))
            return result

        wanted = args.get("checksum")
        algorithm = "sha256"
        if wanted:
            algorithm = to_text(wanted).partition(":")[0].lower()
            if algorithm not in _ALGORITHMS:
                # The module explains what a valid checksum looks like.
                probe = dict((key, value) for key, value in args.items() if key not in ("src", "remote_src"))
                result.update(self._execute_module(module_name=MODULE, module_args=probe, task_vars=task_vars))
                return result
        local_sum = "%s:%s" % (algorithm, file_digest(local, algorithm))
        if wanted and to_text(wanted).lower() != local_sum:
            result.update(failed=True, msg="checksum mismatch for %s: expected %s, got %s"
                          % (source, wanted, local_sum))
            return result

        try:
            # Does the host already hold this exact file? (No source: nothing is copied.)
            probe = dict(args, checksum=local_sum)
            probe.pop("src", None)
            probe.pop("remote_src", None)
            answer = self._execute_module(module_name=MODULE, module_args=probe, task_vars=task_vars)
            if answer.get("legacy_only") == "checksum" and not wanted:
                # OpenVZ 7 refused the checksum this plugin added: it is src the user gave.
                answer.update(legacy_only="src", msg="src" + answer.get("msg", "")[len("checksum"):])
            if not answer.get("source_needed"):
                answer["source"] = "src"
                result.update(answer)
                return result
            if self._task.check_mode:
                result.update(self._predicted(answer, args, local, local_sum, source))
                return result
            if self._connection._shell.tmpdir is None:
                self._make_tmp_path()
            remote_src = self._connection._shell.join_path(self._connection._shell.tmpdir, "source")
            self._transfer_file(local, remote_src)
            self._fixup_perms2((self._connection._shell.tmpdir, remote_src))
            final = dict(args, src=remote_src, remote_src=True, checksum=local_sum)
            result.update(self._execute_module(module_name=MODULE, module_args=final, task_vars=task_vars))
            return result
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
