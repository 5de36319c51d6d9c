class User:
    def __init__(self, name, email):
        self.name = name
        self.email = email


USERS = [User("ada", "ada@example.com"), User("bob", "bob@example.com")]


def find_user(name):
    for user in USERS:
        if user.name == name:
            return user
    return None


def email_domain(name):
    user = find_user(name)
    return user.email.split("@")[1]


print(email_domain("ada"))
print(email_domain("eve"))
