def format_price(amount, currency="EUR"):
    return f"{amount:.2f} {currency}"


def invoice_line(item, amount):
    return item + ": " + format_price(amount)


print(invoice_line("book", 12.5))
