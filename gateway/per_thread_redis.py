"""One Redis connection per thread, kept for the thread's life, for the two round trips of every USSD hop.

redis-py's `execute_command` takes a connection from the pool and gives it back for every command (a lock, a
poll of the socket, bookkeeping and metrics on each side): about 50 us of CPU per command on our machines,
a sixth of a hop's own work. A thread that holds its connection skips all of it. The client's settings
still apply (timeouts, health checks, the one retry on a dropped connection) and the pool still knows the
connection (it is checked out, not made aside), so `pool.disconnect()` reaches it.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import hiredis
import redis
from redis.connection import AbstractConnection


class PerThreadRedis:
    def __init__(self, client: redis.Redis) -> None:
        self.pool = client.connection_pool
        self._local = threading.local()

    def _connection(self) -> AbstractConnection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # first use in this thread, or a forked child
            local.connection = self.pool.get_connection()
            local.pid = os.getpid()
        connection: AbstractConnection = local.connection
        return connection

    def execute(self, *args: Any) -> Any:
        """The command's raw reply, as `execute_command` gives it without response callbacks (EVALSHA has
        none). A dropped connection is reconnected and the command sent once more, as `connect_redis`'s
        retry does; after a timeout or any other failure mid-reply the connection is closed, so a late
        answer can never be read as the next command's."""
        connection = self._connection()
        packed = [hiredis.pack_command(args)]  # what `send_command` ends in, without its per-argument checks
        for attempt in (1, 2):
            try:
                connection.send_packed_command(packed)
                return connection.read_response()
            except redis.ResponseError:  # the whole reply was read: the connection is in step
                raise
            except redis.ConnectionError:
                connection.disconnect()
                if attempt == 2:
                    raise
            except BaseException:
                connection.disconnect()
                raise
        raise AssertionError("unreachable")
