"""Keyword arguments: the hover on a keyword names the parameter it binds."""

# The imported name of an aliased import shows what the alias binds.
# hover[greet]: (function) def greet(name: str, greeting: str = "hello") -> str
from app.util import greet as hello


class Account:
    def __init__(self, owner, limit=100):
        self.owner = owner
        self.limit = limit


class Savings(Account):
    pass


def transfer(amount, fee=0, *, note=None):
    return amount + fee


# hover[fee]: (parameter) fee = 0
# hover[fee]: `app.keywords.transfer.fee`
# hover[fee]: **Passed here**: `2 (int)`
total = transfer(10, fee=2)
# hover[note]: (parameter) note = None
# hover[note]: **Passed here**: `'rent' (str)`
paid = transfer(5, note="rent")
# The constructor's keyword: the parameter of the first `__init__` of the MRO.
# hover[limit]: `app.keywords.Account.__init__.limit`
# hover[limit]: **Passed here**: `50 (int)`
account = Savings("ann", limit=50)
# A keyword of a builtin: no parameter to show, the value passed still is.
# hover[sep]: (keyword argument) sep
# hover[sep]: **Passed here**: `'-' (str)`
print(total, paid, sep="-")
print(hello("ann"))
