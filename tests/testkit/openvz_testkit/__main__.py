"""`python -m openvz_testkit` is `openvz-testkit`."""

import sys

from openvz_testkit.cli import main

sys.exit(main())
