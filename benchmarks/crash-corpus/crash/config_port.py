def load_settings():
    settings = {"host": "localhost", "debug": True}
    return settings


def connect():
    settings = load_settings()
    host = settings["host"]
    port = settings["port"]
    return f"{host}:{port}"


print(connect())
