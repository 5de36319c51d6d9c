"""Summarises sensor readings: mean, spread and the readings above the mean."""


class Stats:
    def __init__(self, values):
        self.values = list(values)
        self.count = len(self.values)
        self.mean = sum(self.values) / self.count
        self.low = min(self.values)
        self.high = max(self.values)

    def spread(self):
        return self.high - self.low


READINGS = {
    "kitchen": [20.5, 21.0, 22.5, 21.5],
    "garage": [12.0, 11.5, 13.0],
}


def main():
    for room, values in READINGS.items():
        stats = Stats(values)
        print(f"{room}: {stats.count} readings, spread {stats.spread():.1f}")
        above = [v for v in stats.values if v > stats.mean()]
        print(f"  above mean: {above}")


main()
