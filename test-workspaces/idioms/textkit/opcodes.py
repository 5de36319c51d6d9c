"""A registry filled by helper functions at import time, then read by key."""

opmap = {}
opname = []


def def_op(name, code):
    opmap[name] = code
    opname.append(name)


def jump_op(name, code):
    def_op(name, code)


def_op("LOAD", 1)
def_op("STORE", 2)
jump_op("JUMP", 3)

LOAD = opmap["LOAD"]
JUMP = opmap["JUMP"]
FIRST = opname[0]

waiting = ["ada", "bob"]


def serve(name):
    waiting.remove(name)  # expect: list-value-missing
    return name


serve("ada")
serve("cy")
