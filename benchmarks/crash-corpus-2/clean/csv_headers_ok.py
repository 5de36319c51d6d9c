"""Reads several CSV documents and reports the column names of each."""

DOCUMENTS = {
    "users.csv": "id,name,email\n1,ada,ada@example.org\n",
    "orders.csv": "id,user_id,total\n7,1,19.90\n8,1,5.00\n",
    "refunds.csv": "",
}


def read_document(text):
    if not text:
        return [], []
    rows = iter(text.splitlines())
    header = next(rows).split(",")
    body = [line.split(",") for line in rows]
    return header, body


def looks_numeric(value):
    try:
        float(value)
    except ValueError:
        return False
    return True


def column_kinds(header, body):
    kinds = {}
    for index, column in enumerate(header):
        values = [row[index] for row in body if index < len(row)]
        numeric = values and all(looks_numeric(value) for value in values)
        kinds[column] = "number" if numeric else "text"
    return kinds


def main():
    for name, text in DOCUMENTS.items():
        header, body = read_document(text)
        print(f"{name}: {len(header)} columns ({', '.join(header)}), {len(body)} rows")
        for column, kind in column_kinds(header, body).items():
            print(f"  {column}: {kind}")


main()
