"""Parses raw HTTP requests and reports their content type and charset."""

RAW_REQUESTS = [
    "POST /upload HTTP/1.1\r\nHost: example.org\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello",
    "POST /form HTTP/1.1\r\nHost: example.org\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\na=1",
    "GET /health HTTP/1.1\r\nHost: example.org\r\n\r\n",
]


def parse_request(raw):
    head, _, body = raw.partition("\r\n\r\n")
    lines = head.split("\r\n")
    method, path, version = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return {"method": method, "path": path, "headers": headers, "body": body}


def media_type(request):
    content_type = request["headers"].get("content-type")
    main_part = content_type.split(";")[0]
    return main_part.strip()


def main():
    for raw in RAW_REQUESTS:
        request = parse_request(raw)
        print(f"{request['method']} {request['path']}: {media_type(request)}")
    print("done")


main()
