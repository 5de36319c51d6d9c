"""A base parser that reads what its subclasses in other modules set."""


class ParserBase:
    def error_position(self):
        return len(self.rawdata)

    @classmethod
    def width(cls):
        return cls.max_width * 2


class Token:
    __slots__ = ("kind", "text")

    def __init__(self, kind, text):
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "text", text)

    def show(self):
        return f"{self.kind}:{self.text}"


class Clock:
    """Subclasses (`WallClock`, imported under another name) provide `tick`."""

    def now(self):
        return self.tick


Clock.epoch = 0
first_epoch = Clock.epoch
missing = Clock.never_set  # expect: unknown-attribute


class Meter:
    def read(self):
        return self.level  # expect: unknown-attribute
