def parse_quantity(text):
    return int(text)


orders = ["3", "5", "two"]
total = 0
for order in orders:
    total += parse_quantity(order)
print(total)
