"""Constants exported to star importers."""

__all__ = ["MAX_ITEMS", "Mode"]

MAX_ITEMS = 50
HIDDEN = 1


class Mode:
    READ = "r"
