"""Reports day-over-day price changes for a few tickers."""

PRICES = {
    "ACME": [101.5, 102.0, 99.75, 100.25, 104.0],
    "GLOBEX": [55.0, 54.5, 56.25],
    "INITECH": [12.0, 12.5, 12.25, 13.0],
}


def daily_changes(series):
    changes = []
    for i in range(len(series) - 1):
        change = series[i + 1] - series[i]
        changes.append(round(change, 2))
    return changes


def describe(ticker, series):
    print(f"{ticker}: {len(series)} closes, first {series[0]}, last {series[-1]}")
    changes = daily_changes(series)
    ups = sum(1 for c in changes if c > 0)
    downs = sum(1 for c in changes if c < 0)
    print(f"  {ups} up days, {downs} down days, biggest move {max(changes, key=abs)}")


def main():
    print("price change report")
    print("=" * 19)
    for ticker in sorted(PRICES):
        describe(ticker, PRICES[ticker])


if __name__ == "__main__":
    main()
