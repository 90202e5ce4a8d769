"""The SQLite store: connections and migrations, the one writer, reads and writes, re-crawls,
keys, backups. `store.py` answers the protocol of `api/store/protocol.py` over them."""
