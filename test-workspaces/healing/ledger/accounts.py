"""Accounts with a currency and tags; a few calls forget an argument."""


class Account:
    def __init__(self, name, currency):
        self.name = name
        self.currency = currency
        self.tags = {}

    def tag(self, label, entries):
        self.tags[label] = list(entries)


def open_accounts():
    cash = Account("cash", "EUR")
    bank = Account("bank", "EUR")
    # heal: call-arity pass-missing-argument
    card = Account("card")
    cash.tag("daily", ["coffee", "bread"])
    bank.tag("monthly", ["rent"])
    # heal: call-arity pass-missing-argument
    card.tag("travel")
    return [cash, bank, card]


def label(name, currency, sign):
    return f"{sign}{name} ({currency})"


def labels():
    # The other calls disagree on the sign: nothing to copy, so no fix but suppression.
    # expect: call-arity
    return [label("cash", "EUR", "+"), label("bank", "EUR", "-"), label("card", "EUR")]


print([account.name for account in open_accounts()], labels())
