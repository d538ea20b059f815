"""Benchmarks for ringout-emulator: ``python -m benchmarks`` (``--quick`` for a ~1 minute run).

Not part of the installed package; see ``benchmarks/README`` section in the project README."""
