"""A ledger of money amounts in several currencies, converted to euros."""

RATES = {"EUR": 1.0, "USD": 0.92, "GBP": 1.17}


class Money:
    def __init__(self, amount, currency):
        self.amount = amount
        self.currency = currency

    def in_euros(self):
        return Money(round(self.amount * RATES[self.currency], 2), "EUR")

    def __add__(self, other):
        return Money(self.amount + other.in_euros().amount, "EUR")


def parse_entry(text):
    amount, currency = text.split()
    return Money(float(amount), currency)


def main():
    entries = ["12.50 EUR", "20 USD", "7.25 GBP"]
    balance = Money(0.0, "EUR")
    for text in entries:
        balance = balance + parse_entry(text)
        print(f"after {text:<10} balance {balance.amount:.2f} EUR")
    fee = Money(1.5, "EUR")
    print(f"with fee {(balance + fee).amount:.2f} EUR")


main()
