"""A toy request router: handlers register themselves with a decorator."""

ROUTES = {}
ITEMS = {1: "lamp", 2: "desk"}


def route(method, path):
    def register(handler):
        ROUTES[(method, path)] = handler
        return handler

    return register


@route("GET", "/items")
def list_items(request):
    return 200, ", ".join(ITEMS.values())


@route("POST", "/items")
def create_item(request):
    new_id = max(ITEMS) + 1
    ITEMS[new_id] = request["body"]
    return 201, f"created {new_id}"


def dispatch(request):
    handler = ROUTES[(request["method"], request["path"])]
    return handler(request)


REQUESTS = [
    {"method": "GET", "path": "/items"},
    {"method": "POST", "path": "/items", "body": "chair"},
    {"method": "DELETE", "path": "/items"},
    {"method": "GET", "path": "/items"},
]


def main():
    print(f"{len(ROUTES)} routes registered")
    for request in REQUESTS:
        status, body = dispatch(request)
        print(f"{request['method']} {request['path']} -> {status} {body}")


main()
