"""asyncio's I/O helpers for scenario files that use streams (asyncio.open_connection, start_server).

Beside runner.py, which picks the loop: what every asyncio socket scenario
would otherwise write again. The same on uvloop's loop.
"""

__all__ = ["close"]


async def close(writer):
    """Close a stream and wait until its transport has closed the socket. A
    connection that ended in an error (a reset) ends quietly: the caller has seen it."""
    writer.close()
    try:
        await writer.wait_closed()  # -> loop; back when the transport has closed the socket
    except ConnectionError:
        pass
