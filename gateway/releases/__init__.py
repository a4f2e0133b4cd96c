"""Menu releases: a validated set of USSD menus and texts, named by its content hash, kept in the database.

| Module | Holds |
|---|---|
| `content.py` | `Release` (the files, the hash), reading one from a folder, the diff of two |
| `store.py` | the `menu_releases` and `menu_release_events` tables; `ReleaseStore` (put, get, current, history) |
| `operations.py` | publish, roll back, history and diff as `jembatan menus` runs them |
| `cli.py` | the `jembatan menus publish|history|diff|rollback` commands |

`gateway.menus.MenuBook` serves releases to the web process: cached by hash in memory, loaded from the
store when a session's release is not, and the current pointer polled every couple of seconds.
"""

from gateway.releases.content import Release, snapshot
from gateway.releases.store import ReleaseStore, StoreError

__all__ = ["Release", "ReleaseStore", "StoreError", "snapshot"]
