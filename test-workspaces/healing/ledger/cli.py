"""Command-line entry points."""
import os


def add_entry(entry, journal=[]):  # heal: mutable-default mutable-default-none
	journal.append(entry)
	return journal


def show(balance):
	opening_balance = 10
	# heal: undefined-name rename-to-suggestion
	print(opening_balanse + balance)


def dump(entries):
	# heal: undefined-name add-import
	print(json.dumps(entries), os.sep)


def is_empty(count):
	# heal: is-literal is-to-equals
	return count is 0


def label(total):
	# heal: bad-operand wrap-str
	return "total: " + 3
