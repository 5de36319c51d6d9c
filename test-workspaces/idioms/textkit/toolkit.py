"""A base widget, extended by mixins elsewhere."""


class Widget:
    def __init__(self, name):
        self.name = name
        self.handle = f".{name}"
