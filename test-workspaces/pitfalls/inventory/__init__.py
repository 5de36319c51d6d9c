"""A small stock-keeping tool: catalog, reports and import/export."""
