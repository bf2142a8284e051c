"""The vzlist stand-in: ``main(host, argv, out) -> rc``.

Two flavours, chosen by the emulated host (host.json): ``legacy`` is the
vzlist of vzctl 4.11 (kolyshkin/vzctl), ``vz7`` the one of OpenVZ 7
(OpenVZ/vzctl over libvzctl).  Sources and deliberate omissions are listed in
docs/openvz-tools-vzlist.md.
"""
from .common import Console


def main(host, argv, out=None):
    """Run vzlist on ``host`` with ``argv`` (without the program name).

    Output is written as bytes straight to the process's stdout/stderr (the
    real tool prints config values undecoded); ``out`` is accepted for the
    common entry point's signature and not used.
    """
    console = Console()
    try:
        if host.legacy:
            from . import legacy as impl
        else:
            from . import vz7 as impl
        return impl.run(host, list(argv), console)
    finally:
        console.flush()
