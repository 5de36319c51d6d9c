"""A small API client with a lazily opened session (the transport is simulated)."""


class FakeSession:
    def __init__(self, base_url):
        self.base_url = base_url
        self.calls = 0

    def get(self, path):
        self.calls += 1
        return {"url": self.base_url + path, "status": 200}

    def close(self):
        print(f"  session closed after {self.calls} calls")


class Client:
    def __init__(self, base_url):
        self.base_url = base_url
        self.session = None

    def connect(self):
        self.session = FakeSession(self.base_url)

    def fetch(self, path):
        response = self.session.get(path)
        return response["status"]

    def close(self):
        if self.session is not None:
            self.session.close()
            self.session = None


def main():
    client = Client("https://api.example.org")
    print("client for", client.base_url)
    for path in ("/status", "/users"):
        print(f"GET {path}: {client.fetch(path)}")
    client.close()


main()
