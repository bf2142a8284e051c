#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r"""
---
module: template
short_description: Manage OS templates and their caches on an OpenVZ host
version_added: 0.1.0
description:
  - On legacy OpenVZ (vzctl 4.x), puts an OS template cache (a precreated container tarball) into the host's template
    cache directory, C($TEMPLATE/cache/NAME.tar[.gz|.bz2|.xz]) with C(TEMPLATE) from
    C(/etc/vz/vz.conf) (default C(/vz/template)), or removes it. C(vzctl create
    --ostemplate NAME) unpacks that file.
  - The source is a file on the controller (copied to the host), a file already on the
    host (O(remote_src=true)), a URL with a required O(checksum), or the host's own
    C(vztmpl-dl) (O(download=true)).
  - Idempotent by checksum; nothing is transferred or downloaded when the cache file already
    has the wanted checksum (for a controller file the module compares checksums before
    copying anything).
  - A new cache file is written under a hidden temporary name, its checksum and archive are
    checked (the archive is read to its end, so a short or corrupt download is refused),
    and only then renamed into place.
  - Every member must unpack inside the container, as the GNU tar of C(vzctl create) needs. An
    archive with an absolute member name, a C(..) component, a member below a symlink the archive
    itself makes earlier, or a hard link to an absolute path, through C(..) or to a file that is
    not an earlier member is refused, naming the parameter and the member, and the cache
    directory is left as it was. Symlink targets, device nodes and FIFOs are accepted (a
    container's C(/dev) is static). The file's suffix follows its content (gzip, bzip2,
    xz or plain tar), and other cache files of the same name are removed.
  - Returns every template cached on the host.
  - On OpenVZ 7 (a host with C(/etc/virtuozzo-release)), manages EZ OS templates with C(vzpkg) instead
    (C(vzctl create) of OpenVZ 7 unpacks only the caches vzpkg builds, and the host has no C(vztmpl-dl)).
    O(state) installs (C(vzpkg install template)), updates (C(vzpkg update template)) or removes
    (C(vzpkg remove template), which removes the cache too) the template, from the repositories the host
    is configured with; O(cache) creates, updates or removes its cache (C(vzpkg create|update|remove cache)).
    Everything is read first with read-only calls (C(vzpkg list), C(vzpkg list --available), and
    C(vzpkg status) for O(cache=latest)), so check mode and second runs call no vzpkg command that changes
    the host. O(src), O(remote_src), O(url), O(checksum) and O(download) are refused there, naming the
    option, before anything runs; O(cache), O(state=latest) and O(force) are refused on legacy OpenVZ.
author:
  - openvz.vz maintainers (@openvz-collections)
requirements:
  - vztmpl-dl on the hypervisor for O(download=true) (legacy OpenVZ)
  - vzpkg (vztt) on an OpenVZ 7 hypervisor
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - openvz.vz.vzctl_timeout
attributes:
  async:
    support: none
  bypass_host_loop:
    support: none
  action:
    support: full
    details: The action plugin finds O(src) on the controller, compares checksums and copies the file only when needed.
  check_mode:
    support: full
    details: >-
      Nothing is copied or downloaded; a URL source is judged by its O(checksum). On OpenVZ 7 only
      read-only vzpkg commands run, and RV(commands) lists the ones a real run would run.
  diff_mode:
    support: full
    details: >-
      Before and after are the cache file's path and checksum; on OpenVZ 7, whether the template is
      installed and its cache file.
  platform:
    support: full
    platforms: posix
options:
  name:
    description:
      - Template name, for example V(debian-12.0-x86_64-minimal) (on legacy OpenVZ the cache file name
        without C(.tar...); on OpenVZ 7 the EZ OS template, C(OSNAME-OSVER-ARCH[-SET])).
    type: str
    required: true
  state:
    description:
      - V(present) makes the cache file exist (with the O(checksum) or the checksum of O(src)).
        Without a source it only checks that the cache file exists (and matches O(checksum)), and
        fails otherwise.
      - V(absent) removes every cache file of O(name).
      - On OpenVZ 7, V(present) installs the EZ template when it is not installed (it must be in the
        host's repositories, C(vzpkg list --available)), V(latest) also updates an installed one when
        the repositories have a newer release, and V(absent) removes it together with its cache
        (vzpkg refuses while containers use it, see O(force)).
      - V(latest) is for OpenVZ 7 only.
    type: str
    choices: [present, absent, latest]
    default: present
  cache:
    description:
      - OpenVZ 7 only. The EZ template's cache, the tarball C(vzctl create) unpacks
        (C($TEMPLATE/cache/NAME.plain.ploopv2.tar.*)).
      - V(present) creates it when missing (C(vzpkg create cache)), V(latest) also rebuilds it when
        C(vzpkg status) says it is older than the repositories (C(vzpkg update cache)), V(absent)
        removes it (C(vzpkg remove cache)) and keeps the template.
      - Not set, the cache is left as it is (C(vzctl create) builds a missing one itself), except that
        O(state=absent) removes it with the template. V(present) and V(latest) need the template, so
        they cannot be combined with O(state=absent).
    type: str
    choices: [present, absent, latest]
  force:
    description:
      - OpenVZ 7 only. With O(state=absent), run C(vzpkg remove template -f), which removes the template
        even when containers are based on it (or, for a base template, other sets of it are installed).
        Without it such a removal fails and nothing is removed.
    type: bool
    default: false
  src:
    description:
      - A template cache file on the controller (looked up like M(ansible.builtin.copy)'s
        C(src), in C(files/) too), or on the host with O(remote_src=true).
    type: path
  remote_src:
    description: O(src) is a path on the host rather than on the controller.
    type: bool
    default: false
  url:
    description:
      - An C(http), C(https) or C(ftp) URL to download the cache file from, on the host.
      - Needs O(checksum).
    type: str
  checksum:
    description:
      - The cache file's checksum as C(ALGORITHM:HEX), ALGORITHM one of C(md5), C(sha1),
        C(sha224), C(sha256), C(sha384), C(sha512).
      - Required with O(url); with O(src) or O(download) the file must match it.
    type: str
  download:
    description:
      - Fetch the template with the host's C(vztmpl-dl NAME), from the mirror configured in
        C(/etc/vz/download.conf) (C(TMPL_REPO_PREFIX)).
      - Run only when the cache file is missing or does not match O(checksum). A file that
        fails the checks afterwards is removed and a replaced one is put back.
    type: bool
    default: false
  validate_certs:
    description: Verify the server's TLS certificate for an C(https) O(url).
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait, with a default for each use.
      - For O(url), at each step of the download (connecting, every read); V(30) when not set
        or V(0).
      - For O(download=true), the longest time each C(vztmpl-dl) run may take; V(1800) when
        not set, V(0) for no limit. A run that takes longer is stopped together with every
        process it started (C(SIGTERM), then C(SIGKILL) at most two seconds later), the task
        fails with a message naming the command and the timeout, and a cache file the run was
        to replace is put back. So is a run the module itself is told to stop (C(SIGTERM),
        C(SIGINT), C(SIGHUP)).
      - On OpenVZ 7, the longest time each vzpkg command may take; V(1800) when not set, V(0) for no
        limit.
      - A negative value is refused before anything runs.
    type: int
notes:
  - O(src), O(url) and O(download=true) are mutually exclusive.
  - On OpenVZ 7 the module relies on C(vzpkg list --available) listing a template that is not installed
    or has a newer release in the repositories (vztt's C(yum list available)).
  - C(vztmpl-dl) writes straight into the cache directory, as the real tool does; the module
    checks and, on failure, removes the file after it exits.
seealso:
  - module: openvz.vz.container
  - name: vzpkg(8)
    description: The EZ template tool of OpenVZ 7 (vztt).
    link: https://github.com/OpenVZ/vztt/blob/vz7/man/vzpkg.8.in
  - name: vztmpl-dl(8)
    description: The template download tool of vzctl 4.x.
    link: https://github.com/kolyshkin/vzctl/blob/master/man/vztmpl-dl.8.in
"""

EXAMPLES = r"""
- name: Copy a template cache from the controller
  openvz.vz.template:
    name: debian-12.0-x86_64-minimal
    src: templates/debian-12.0-x86_64-minimal.tar.gz

- name: Download one from a mirror, verified by checksum
  openvz.vz.template:
    name: centos-7-x86_64
    url: https://mirror.example.com/openvz/centos-7-x86_64.tar.xz
    checksum: sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae

- name: Let the host's vztmpl-dl fetch it
  openvz.vz.template:
    name: ubuntu-22.04-x86_64
    download: true

- name: Remove a template cache
  openvz.vz.template:
    name: centos-7-x86_64
    state: absent
  register: caches

- name: What is cached now
  ansible.builtin.debug:
    msg: "{{ caches.templates | map(attribute='name') | list }}"

- name: OpenVZ 7, an EZ template at its newest release, with an up-to-date cache
  openvz.vz.template:
    name: centos-7-x86_64
    state: latest
    cache: latest

- name: OpenVZ 7, drop a cache but keep the template
  openvz.vz.template:
    name: debian-12.0-x86_64-minimal
    cache: absent

- name: OpenVZ 7, remove a template even though containers are based on it
  openvz.vz.template:
    name: centos-7-x86_64
    state: absent
    force: true
"""

RETURN = r"""
path:
  description:
    - The cache file of O(name) after the task, or null when there is none.
    - In check mode on OpenVZ 7, the cache file before the task.
  returned: always
  type: str
  sample: /vz/template/cache/debian-12.0-x86_64-minimal.tar.gz
checksum:
  description:
    - Checksum of RV(path), C(ALGORITHM:HEX) with the algorithm of O(checksum) (default C(sha256)).
    - Null on OpenVZ 7.
  returned: always
  type: str
  sample: sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
templates:
  description:
    - Every template cache file on the host (legacy OpenVZ).
    - Every installed EZ OS template on OpenVZ 7 (C(vzpkg list)), with RV(templates[].cached) and
      RV(templates[].cache) instead of the file fields.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Template name (what C(vzctl create --ostemplate) takes).
      type: str
    file:
      description: File name in the cache directory (legacy OpenVZ).
      type: str
    path:
      description: Full path (legacy OpenVZ).
      type: str
    size:
      description: Size in bytes (legacy OpenVZ).
      type: int
    cached:
      description: Whether the EZ template has a cache (OpenVZ 7).
      type: bool
    cache:
      description: Its cache file, or null (OpenVZ 7).
      type: str
  sample:
    - name: debian-12.0-x86_64-minimal
      file: debian-12.0-x86_64-minimal.tar.gz
      path: /vz/template/cache/debian-12.0-x86_64-minimal.tar.gz
      size: 61234567
cache_dir:
  description: The template cache directory.
  returned: always
  type: str
  sample: /vz/template/cache
source:
  description: Which source was given (V(src), V(url), V(download)), or null.
  returned: always
  type: str
commands:
  description:
    - The C(vztmpl-dl) argv lists run (or, in check mode, that would run).
    - On OpenVZ 7 the C(vzpkg) commands that change the host, in order.
  returned: always
  type: list
  elements: list
  sample: [["vztmpl-dl", "ubuntu-22.04-x86_64"]]
source_needed:
  description: Set when O(state=present) was given no source and the cache file is missing or differs.
  returned: failure
  type: bool
rc:
  description: On a tool failure, its exit code.
  returned: failure
  type: int
legacy_only:
  description: On OpenVZ 7, the legacy-only option that was refused.
  returned: failure
  type: str
  sample: url
"""

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import fetch_url

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_eztemplate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import is_vz7_host
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_module import run_and_exit
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_runner import Runner
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_template import TemplateCache

# Defaults of timeout: a wait on a url's server at each step, a whole vztmpl-dl
# or vzpkg run (a download of a template of some hundred megabytes, or the
# packages a cache is built from).
URL_TIMEOUT = 30
TOOL_TIMEOUT = 1800


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent", "latest"]),
            cache=dict(type="str", choices=["present", "absent", "latest"]),
            force=dict(type="bool", default=False),
            src=dict(type="path"),
            remote_src=dict(type="bool", default=False),
            url=dict(type="str"),
            checksum=dict(type="str"),
            download=dict(type="bool", default=False),
            validate_certs=dict(type="bool", default=True),
            timeout=dict(type="int"),
        ),
        mutually_exclusive=[["src", "url"]],
        supports_check_mode=True,
    )
    params = module.params
    tool_timeout = TOOL_TIMEOUT if params["timeout"] is None else params["timeout"]
    vz7 = is_vz7_host()
    try:
        if vz7:
            vz_eztemplate.refuse_legacy_options(params)
        else:
            vz_eztemplate.refuse_vz7_options(params)
    except VzError as exc:
        module.fail_json(**exc.to_result())
    if vz7:
        templates = vz_eztemplate.EzTemplates(Runner(module, timeout=tool_timeout), check_mode=module.check_mode)
        run_and_exit(module, lambda: templates.converge(params["name"], params["state"], cache=params["cache"],
                                                        force=params["force"]))
        return
    if params["download"] and (params["src"] is not None or params["url"] is not None):
        module.fail_json(msg="download: cannot be combined with src or url")
    if params["src"] is not None and not params["remote_src"] and params["state"] == "present":
        # The action plugin turns a controller src into a host path.
        module.fail_json(msg="src: a controller file needs the openvz.vz.template action plugin; "
                             "set remote_src: true for a file on the host")

    def fetch(url):
        return fetch_url(module, url, timeout=params["timeout"] or URL_TIMEOUT)

    cache = TemplateCache(Runner(module, timeout=tool_timeout), check_mode=module.check_mode, fetch=fetch,
                          find_tool=lambda tool: module.get_bin_path(tool, opt_dirs=["/usr/sbin", "/sbin"]))
    run_and_exit(module, lambda: cache.converge(
        params["name"], params["state"], src=params["src"], url=params["url"],
        download=params["download"], checksum=params["checksum"]))


if __name__ == "__main__":
    main()
