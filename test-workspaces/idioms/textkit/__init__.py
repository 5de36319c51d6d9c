"""A small text toolkit whose modules lean on idioms real libraries use."""
