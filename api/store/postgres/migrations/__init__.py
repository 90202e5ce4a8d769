"""PostgreSQL migrations, applied in order by `api.store.postgres.schema.migrate`."""
