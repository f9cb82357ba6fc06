"""A TCP forwarder the tests can cut, to make a server unreachable without stopping it.

Cut: open connections are reset, and new ones are accepted but never answered (as when packets
to a host are dropped: the client waits out its connect timeout). Restore: forwarding resumes.
"""

import asyncio
import contextlib
import socket
import struct
import threading

from tests.support.stack import free_port


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._cut = False
        self._links: set[asyncio.StreamWriter] = set()
        self._held: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tcp-proxy", daemon=True)

    def start(self) -> "TcpProxy":
        self._thread.start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", self.port)
        )
        self._ready.set()
        self._loop.run_forever()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        if self._cut:
            self._held.add(writer)  # never answered until restored
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _reset(writer)
            return
        self._links.update((writer, up_writer))
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        self._links.difference_update((writer, up_writer))

    def cut(self) -> None:
        self._call(self._do_cut)

    def restore(self) -> None:
        self._call(self._do_restore)

    def _do_cut(self) -> None:
        self._cut = True
        for writer in list(self._links):
            _reset(writer)
        self._links.clear()

    def _do_restore(self) -> None:
        self._cut = False
        for writer in list(self._held):
            _reset(writer)
        self._held.clear()

    def _call(self, action) -> None:
        done = threading.Event()

        def run():
            action()
            done.set()

        self._loop.call_soon_threadsafe(run)
        done.wait(10)

    def stop(self) -> None:
        self._call(self._do_cut)
        self._call(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):  # the other side reset, or we cut the link
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    with contextlib.suppress(OSError):
        writer.close()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset, as a dead link looks to the other end."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
