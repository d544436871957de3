"""asyncio's I/O helpers for scenario files that use streams (asyncio.open_connection, start_server).

Beside runner.py, which picks the loop: what every asyncio socket scenario
would otherwise write again. The same on uvloop's loop.
"""

import asyncio
from contextlib import asynccontextmanager

__all__ = ["close", "connection"]


async def close(writer):
    """Close a stream and wait until its transport has closed the socket. A
    connection that ended in an error (a reset) ends quietly: the caller has seen it."""
    writer.close()
    try:
        await writer.wait_closed()  # -> loop; back when the transport has closed the socket
    except ConnectionError:
        pass


@asynccontextmanager
async def connection(address):
    """A stream to `address`, (reader, writer), closed (close()) on every way out
    of the `async with` block, an error or a cancellation included."""
    reader, writer = await asyncio.open_connection(*address)  # -> loop; back when the handshake is done
    try:
        yield reader, writer
    finally:
        await close(writer)  # -> loop; back when the transport has closed the socket
