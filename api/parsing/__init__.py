"""The parser run in separate processes, each page within a time budget: one page for a
request (`pool.py`), a batch in order for the CLI (`workers.py`)."""
