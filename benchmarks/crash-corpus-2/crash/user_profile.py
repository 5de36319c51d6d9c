"""A user profile class whose display name falls back to the login."""


class Profile:
    def __init__(self, login, full_name=None):
        self.login = login
        self.full_name = full_name

    @property
    def display_name(self):
        if self.full_name:
            return self.full_name
        return self.display_name or self.login

    @property
    def email(self):
        return f"{self.login}@example.org"

    def initials(self):
        if not self.full_name:
            return self.login[:1].upper()
        return "".join(part[0] for part in self.full_name.split())

    def __repr__(self):
        return f"Profile({self.login!r})"

    def greeting(self):
        return f"Hello, {self.display_name}!"


def main():
    profiles = [Profile("ada", "Ada Lovelace"), Profile("grace", "Grace Hopper"), Profile("linus")]
    print(f"{len(profiles)} profiles")
    for profile in profiles:
        print(f"{profile!r} <{profile.email}> [{profile.initials()}]")
        print(profile.greeting())


main()
