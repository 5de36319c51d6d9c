"""Renders a plain-text sales report with a title, rows and a footer."""


class Report:
    def __init__(self, title, rows, width=40):
        self.rows = rows
        self.width = width
        self.title = title

    def title(self):
        return self.title.upper().center(self.width, "=")

    def body(self):
        lines = []
        for region, amount in self.rows:
            lines.append(f"{region:<20}{amount:>{self.width - 20}.2f}")
        return lines

    def footer(self):
        total = sum(amount for _, amount in self.rows)
        return f"{'TOTAL':<20}{total:>{self.width - 20}.2f}"

    def render(self):
        parts = [self.title()]
        parts.extend(self.body())
        parts.append("-" * self.width)
        parts.append(self.footer())
        return "\n".join(parts)


SALES = [("north", 1200.5), ("south", 830.0), ("east", 99.99), ("west", 1500.25)]


def main():
    print(f"building report for {len(SALES)} regions")
    report = Report("quarterly sales", SALES)
    print(f"width {report.width}, {len(report.body())} rows")
    print(report.render())


main()
