"""The subclass that provides what `ParserBase` reads."""

from .markup import Clock as BaseClock
from .markup import ParserBase


class HTMLParser(ParserBase):
    max_width = 80

    def __init__(self):
        self.rawdata = ""

    def feed(self, data):
        self.rawdata += data
        return self.error_position()


class WallClock(BaseClock):
    tick = 0
