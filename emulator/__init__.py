"""ringout-emulator: a local, stateful emulator of RingCentral's RingOut API."""

__version__ = "0.1.0"
