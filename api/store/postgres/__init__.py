"""The PostgreSQL store: `PostgresStore` and its own SQL, migrations and search."""
