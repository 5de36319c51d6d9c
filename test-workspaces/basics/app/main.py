# hover[greet]: (function) def greet(name: str, greeting: str = "hello") -> str
# hover[greet]: `app.util.greet`
# hover[greet]: Return a greeting for `name`.
# hover[greet]: Imported here: - L6 `from app.util import greet, Counter`
# hover[Counter]: (class) class Counter
from app.util import greet, Counter
# hover[util]: Helpers shared by the application.
from . import util  # hover[util]: (module) app.util


# hover[label]: (function) def label(exact: bool, a: float, b: int) -> str
# hover[label]: `app.main.label`
def label(exact: bool, a: float, b: int) -> str:
#         ^^^^^ hover: (parameter) exact: bool
#                      ^ hover: (parameter) a: float
#                                ^ hover[b]: `app.main.label.b`
    if exact:
        ratio = a / b
    else:
        ratio = round(a / b)
    # hover[ratio]: (variable) ratio
    # hover[ratio]: `app.main.label.ratio`
    # hover[ratio]: - L18 `ratio = a / b` — L17, `if exact:` true branch
    # hover[ratio]: - L20 `ratio = round(a / b)` — L19, `else` branch
    return str(ratio)  # hover[str]: (builtin class) str


def run():
    # hover[Counter]: `app.util.Counter`
    # hover[Counter]: --- Counts things.
    counter = Counter()  # hover[counter]: (variable) counter
    counter.bump()  # hover: `app.main.run.counter`
    print(greet("world"), util, label(True, 1.0, 2))
#   ^^^^^ hover: (builtin function) print
#         ^^^^^ hover: (function) def greet(
#                         ^^^^ hover: (module) app.util
#                               ^^^^^ hover: (function) def label(exact: bool, a: float, b: int) -> str
