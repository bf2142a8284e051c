"""Entry of the vzlist stand-in: ``bin/vzlist`` runs ``python3 -S`` on this file.

Run as a script, this file's directory (tests/emulator) is ``sys.path[0]``,
so ``vzemu`` imports without help; ``-S`` leaves site-packages out, which the
emulator (standard library only) does not need.  See DESIGN.md.
"""
import signal

import vzemu.cli
import vzemu.vzlist

if __name__ == "__main__":
    # Like the C tool: a closed pipe ends it quietly (SIGPIPE), no traceback.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    vzemu.cli.run("vzlist", vzemu.vzlist.main)
