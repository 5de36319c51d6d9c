"""A small application used by Remedy's tests."""
