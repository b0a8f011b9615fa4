"""Phones in the hall: a live quiz the leader's PC hosts on the hall's Wi-Fi.

``game`` holds the rules and state (plain Python, thread-safe); ``web`` is the small
Starlette app the phones talk to and ``host`` runs it with uvicorn in a thread. Only
``game`` may be imported at start: ``web`` and ``host`` pull in Starlette and uvicorn
and are imported when the leader starts a phone game.
"""
