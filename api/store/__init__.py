"""The data-access layer: every SQL statement of the project lives under this package."""
