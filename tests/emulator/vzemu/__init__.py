"""An emulated OpenVZ host: stand-ins for vzctl and vzlist for the test suite."""
