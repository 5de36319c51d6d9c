"""Splits a product catalog into pages and renders the pages a user asks for."""

PRODUCTS = [
    "anvil", "bucket", "chisel", "drill", "easel",
    "file", "gauge", "hammer", "irons", "jack",
]


def paginate(items, size):
    pages = []
    for start in range(0, len(items), size):
        pages.append(items[start:start + size])
    return pages


def render(pages, number):
    page = pages[number - 1]
    lines = [f"page {number}/{len(pages)}"]
    for index, item in enumerate(page, start=1):
        lines.append(f"  {index}. {item}")
    return "\n".join(lines)


def main():
    pages = paginate(PRODUCTS, 4)
    print(f"{len(PRODUCTS)} products on {len(pages)} pages")
    for number in (1, 3, 4):
        print(render(pages, number))


main()
