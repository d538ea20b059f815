"""``python -m emulator``. The garbage collector is off while the modules load and the app is
built (everything made then lives for the whole run, so full collections during start-up only
cost time: ~10% of start-to-ready); ``serve`` freezes those objects and turns it back on."""

import gc

gc.disable()

from emulator.cli import main  # noqa: E402

raise SystemExit(main())
