def load_settings():
    return {"host": "localhost", "debug": True}


def connect():
    settings = load_settings()
    host = settings["host"]
    port = settings.get("port", 8080)
    return f"{host}:{port}"


print(connect())
