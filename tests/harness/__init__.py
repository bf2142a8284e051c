"""Test harness for openvz.vz: emulated OpenVZ hosts and Ansible runners.

See README.md in this directory for the fixtures it provides.
"""
