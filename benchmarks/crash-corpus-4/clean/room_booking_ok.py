"""Books meetings into the first meeting room that is free for the requested hour."""


class Room:
    def __init__(self, name, capacity):
        self.name = name
        self.capacity = capacity
        self.booked_hours = set()

    def is_free(self, hour):
        return hour not in self.booked_hours

    def book(self, hour):
        self.booked_hours.add(hour)


class Scheduler:
    def __init__(self, rooms):
        self.rooms = rooms

    def find_room(self, hour, people):
        for room in self.rooms:
            if room.capacity >= people and room.is_free(hour):
                return room
        return None

    def schedule(self, title, hour, people):
        room = self.find_room(hour, people)
        if room is None:
            return f"{title} at {hour}:00: no room for {people}"
        room.book(hour)
        return f"{title} at {hour}:00 in {room.name} ({people}/{room.capacity})"


MEETINGS = [
    ("standup", 9, 6),
    ("design review", 10, 4),
    ("1:1", 10, 2),
    ("planning", 10, 8),
    ("all hands", 11, 12),
]


def main():
    scheduler = Scheduler([Room("Oak", 4), Room("Pine", 8), Room("Cedar", 2)])
    print(f"{len(MEETINGS)} meetings to place")
    for title, hour, people in MEETINGS:
        print(scheduler.schedule(title, hour, people))
    print("all meetings placed")


if __name__ == "__main__":
    main()
