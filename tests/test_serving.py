"""``backcheck run`` serves on uvicorn's fast parts when installed (they are dependencies)."""

import asyncio

import uvloop

from adapters import serving


def test_the_app_is_served_on_httptools_and_uvloop() -> None:
    async def which_loop() -> type:
        return type(asyncio.get_running_loop())

    assert serving.run(which_loop()) is uvloop.Loop
    assert serving.server(object(), port=0).config.http == "httptools"
    assert serving.describe() == "uvicorn, httptools, uvloop"
