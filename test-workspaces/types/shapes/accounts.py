"""Accounts: instances keep what their constructor call gave them."""
from dataclasses import dataclass
from typing import NamedTuple


class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance
        self.history = []

    def describe(self):
        return self.owner


class Savings(Account):
    def __init__(self, owner, rate):
        super().__init__(owner, 100)
        self.rate = rate


class Legacy(Account):
    def __init__(self, owner):
        Account.__init__(self, owner)
        self.legacy = True


@dataclass
class Transfer:
    source: str
    amount: int = 0


class Limit(NamedTuple):
    daily: int
    currency: str


alice = Account("alice", 50)
owner = alice.owner  # hover[owner]: 'alice' (str)
balance = alice.balance  # hover[balance]: 50 (int)
named = alice.describe()  # hover[named]: 'alice' (str)
bob = Savings("bob", 0.5)  # hover[bob]: Savings(balance=100, history=[], owner='bob', rate=0.5)
rate = bob.rate  # hover[rate]: 0.5 (float)
inherited = bob.balance  # hover[inherited]: 100 (int)
carol = Legacy("carol")
carol_owner = carol.owner  # hover[carol_owner]: 'carol' (str)
transfer = Transfer("savings")
amount = transfer.amount  # hover[amount]: 0 (int)
big = Transfer("cheque", amount=500)
big_amount = big.amount  # hover[big_amount]: 500 (int)
limit = Limit(1000, "EUR")
currency = limit.currency  # hover[currency]: 'EUR' (str)
# hover[rate]: **Value**: `0.5 (float)`
print(bob.rate)  # hover[rate]: (attribute) bob.rate
print(alice.describe())  # hover[describe]: **Call** → `'alice' (str)`

alice.owner = None
renamed = alice.owner  # hover[renamed]: None


class Stack:
    def __init__(self):
        self.items = []

    def push(self, item):
        self.items.append(item)
        return self

    def top(self):
        return self.items[-1]  # expect: index-error


built = Stack().push(1).push("two")  # hover[built]: Stack(items=[1, 'two'])
top = built.top()  # hover[top]: Value**: `'two' (str)`
Stack().top()


class Journal:
    def __init__(self):
        self.lines = []
        self.lines.append("opened")

    def first(self):
        return self.lines[0]  # expect-not: index-error


print(Journal().first())
