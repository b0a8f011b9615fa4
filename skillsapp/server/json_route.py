"""API routes that parse request bodies with the fast JSON codec (``skillsapp.json_codec``).

FastAPI reads a JSON body through ``Request.json()`` (the standard library): for a
batch of 500 contest attempts that was a fifth of the server's time. The route class
swaps in a request whose ``json()`` uses orjson; a body that is not JSON still fails
with ``json.JSONDecodeError`` and the same 422 answer. Responses are unchanged
(FastAPI already serialises response models with pydantic's own encoder).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from skillsapp import json_codec


class FastJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = json_codec.loads(await self.body())
        return self._json


class FastJsonRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            return await handler(FastJsonRequest(request.scope, request.receive, request._send))

        return handle
