"""An address book that stores contacts with tags and prints them grouped."""


class AddressBook:
    def __init__(self):
        self.contacts = {}
        self.tags = {}

    def add(self, name, email, tags):
        self.contacts[name] = email
        for tag in tags:
            self.tags.setdefault(tag, []).append(name)

    def import_rows(self, rows):
        for row in rows:
            name, email = row.split(";")
            self.add(name.strip(), email.strip())

    def by_tag(self):
        return sorted(self.tags.items())


def main():
    book = AddressBook()
    book.add("ada", "ada@example.org", ["work", "math"])
    book.add("bob", "bob@example.org", ["home"])
    print(f"{len(book.contacts)} contacts")
    for tag, names in book.by_tag():
        print(f"  {tag}: {', '.join(names)}")
    book.import_rows(["cy; cy@example.org", "di; di@example.org"])
    print(f"{len(book.contacts)} contacts after import")


main()
