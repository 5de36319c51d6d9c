"""Parses raw HTTP requests and decides how to decode each body."""

REQUESTS = [
    "POST /upload HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/json; charset=utf-8\r\n"
    "Content-Length: 17\r\n\r\n{\"name\": \"demo\"}",
    "POST /form HTTP/1.1\r\nHost: example.test\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    "\r\nname=demo&size=3",
    "POST /raw HTTP/1.1\r\nHost: example.test\r\nContent-Length: 5\r\n\r\nhello",
]


def parse_request(raw):
    head, _, body = raw.partition("\r\n\r\n")
    request_line, *header_lines = head.split("\r\n")
    method, path, version = request_line.split(" ")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return {"method": method, "path": path, "headers": headers, "body": body}


def media_type(request):
    content_type = request["headers"].get("content-type", "application/octet-stream")
    return content_type.split(";")[0].strip()


def charset(request):
    content_type = request["headers"].get("content-type", "")
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key == "charset":
            return value
    return "utf-8"


def describe(request):
    kind = media_type(request)
    size = len(request["body"].encode(charset(request)))
    return f"{request['method']} {request['path']}: {kind}, {size} bytes"


def main():
    print(f"{len(REQUESTS)} requests queued")
    for raw in REQUESTS:
        request = parse_request(raw)
        print(describe(request))


main()
