"""The pytest plugin's parts (``emulator.pytest_plugin`` is the entry point with the hooks and
fixtures): the control-plane helper a test gets as ``ringout``, the webhook helper, the account a
worker gets on a shared server, and the sleeps that move the emulator's clock. Standard library
and pytest only at import time: httpx and the app are imported when a fixture needs them."""
