import os


def home_dir():
    home = os.environ.get("HOME", "/tmp")
    return home.rstrip("/")


print(home_dir())
