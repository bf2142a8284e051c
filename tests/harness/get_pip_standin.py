"""Offline stand-in for ansible-test's pip bootstrap script (get-pip.py).

ansible-test downloads get-pip.py from a host this machine cannot reach and
looks for a cached copy at ~/.ansible/test/cache/get_pip_<version>.py first;
`make sanity` copies this file there. ansible-test runs it through runpy as
`__main__` with pip's install arguments in sys.argv[1:].
"""

import subprocess
import sys

# get-pip.py understands these; pip itself does not.
GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main():
    # In a subprocess: run in-process, ensurepip blanks pip's configuration
    # for the rest of the process and the later PyPI install fails on TLS.
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
