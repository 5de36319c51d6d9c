"""A small bookkeeping tool whose crashes the healing patches repair."""
