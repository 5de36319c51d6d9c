from app.util import greet, Counter
from . import util


def label(exact: bool, a: float, b: int) -> str:
    if exact:
        ratio = a / b
    else:
        ratio = round(a / b)
    return str(ratio)


def run():
    counter = Counter()
    counter.bump()
    print(greet("world"), util, label(True, 1.0, 2))
