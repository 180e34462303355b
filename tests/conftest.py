"""Cross-addon scenarios run by pytest-odoo against the test database (see README.md)."""
