"""Reads a small staff table and reports the start year of every employee."""

DATA = """name,dept,salary,start
alice,eng,120000,2019
bob,ops,95000
carol,eng,130000,2021"""


def parse_table(text):
    lines = text.splitlines()
    header = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        rows.append(line.split(","))
    return header, rows


def start_year(row):
    if len(row) < 4:
        return None
    return int(row[3])


def payroll(rows):
    return sum(int(row[2]) for row in rows)


def main():
    header, rows = parse_table(DATA)
    print("columns:", ", ".join(header))
    print(f"payroll: {payroll(rows)}")
    for row in rows:
        print(f"{row[0]:<6} since {start_year(row)}")


main()
