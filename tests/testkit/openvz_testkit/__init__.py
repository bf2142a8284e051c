"""openvz-vz-testkit: run Ansible playbooks against emulated OpenVZ hypervisors.

The command is ``openvz-testkit`` (``cli.py``); the guide is
docs/docsite/rst/guide_testkit.rst of the openvz.vz collection.
"""
