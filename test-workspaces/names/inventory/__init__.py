"""A small stock-keeping package: items, prices, reports and storage."""

__version__ = "0.3.1"
