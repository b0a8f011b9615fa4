"""Whether this PC is enrolled with a provincial server, read without loading the sync client.

The background sync asks this every minute; most commune PCs are never enrolled, and
importing the runner loads requests, urllib3, ssl and PyNaCl (~16 MiB), so it is imported only
once there is a server to talk to.
"""

from __future__ import annotations

SERVER_STATE = "server"  # the sync_state key holding the server's address and this PC's token


def server_settings(store) -> dict | None:
    value = store.get_state(SERVER_STATE)
    return value if isinstance(value, dict) and value.get("token") else None


def enrolled(store) -> bool:
    return server_settings(store) is not None
