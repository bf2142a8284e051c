# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    """The O(timeout) option of every module that runs vzctl, vzlist or vztmpl-dl.

    C(openvz.vz.vzctl_timeout) documents the option; each module adds the
    sub-fragment holding its default (C(openvz.vz.vzctl_timeout.container), ...).
    """

    DOCUMENTATION = r"""
options:
  timeout:
    description:
      - The longest time, in seconds, each call of an OpenVZ tool (C(vzctl), C(vzlist),
        C(vztmpl-dl)) on the host may take. The limit applies to every call on its own, not to
        the whole task.
      - A tool that runs longer is stopped together with every process it started (its
        process group gets C(SIGTERM), then C(SIGKILL) at most two seconds later), so nothing
        of it keeps running or keeps the container locked. The task fails with a message that
        names the command and the timeout, the command in C(cmd) and, where the module runs
        several commands, those that completed before it in C(executed).
      - V(0) or V(null) means no limit. A negative value is refused before anything runs.
      - The module also stops a running tool this way when the module itself is told to stop
        (C(SIGTERM), C(SIGINT), C(SIGHUP)), and when nothing reads its output any more, which
        is what Ansible's own task C(timeout) does to it; on Linux a module killed outright
        takes its tool with it.
      - The default leaves room for the slowest normal call of the module, for example a
        C(vzctl create) that unpacks a template into a new ploop image.
    type: int
"""

    # Each module's default; its reason is in the comment.

    # vzctl create of a ploop container (template unpack, image create and
    # resize), vzctl destroy of a large private area, a stop that waits for
    # STOP_TIMEOUT: minutes on a slow disk.
    CONTAINER = r"""
options:
  timeout:
    default: 900
"""

    # One vzmigrate copies a whole private area over ssh (and dumps a live
    # CT's memory): tens of minutes for a large container on a slow link.
    MIGRATE = r"""
options:
  timeout:
    default: 7200
"""

    # Runs the user's own commands (package upgrades, builds, backups), which
    # may legitimately take long; an hour still ends a command waiting forever.
    CONTAINER_EXEC = r"""
options:
  timeout:
    default: 3600
"""

    # One vzlist that reads every container's config and the kernel's
    # counters: seconds, even on a host with hundreds of containers.
    CONTAINER_INFO = r"""
options:
  timeout:
    default: 300
"""

    # A snapshot of a running container dumps its memory, a delete merges
    # ploop deltas, a switch restores an image: gigabytes each.
    SNAPSHOT = r"""
options:
  timeout:
    default: 1800
"""

    # vzdump archives a whole private area (and may stop or suspend the
    # container meanwhile), vzrestore unpacks one, prlctl backup copies a
    # ploop image: gigabytes each.
    BACKUP = r"""
options:
  timeout:
    default: 3600
"""

    # One prlctl backup-list (the dispatcher reads its backup directory) or
    # none (legacy: the dump directory is read directly): seconds.
    BACKUP_INFO = r"""
options:
  timeout:
    default: 300
"""
