class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount):
        self.balance += amount
        return self.balance


account = Account("ada", 100)
account.deposit(50)
print(account.balance, account.owner.upper())
