"""`super()` reads: the hover on the attribute names the base's method it reaches."""


class Base:
    def __init__(self, size):
        self.size = size


class Child(Base):
    def __init__(self, size):
        # hover[__init__]: **Value**: `method Base.__init__`
        super().__init__(size)
        self.double = size * 2


class Grandchild(Child):
    def __init__(self, size):
        # The class named explicitly: the lookup starts after it.
        # hover[__init__]: **Value**: `method Base.__init__`
        super(Child, self).__init__(size)
