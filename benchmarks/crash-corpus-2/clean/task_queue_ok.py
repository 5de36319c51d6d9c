"""A work queue that schedules tasks by priority and runs them in order."""


class Task:
    def __init__(self, name, priority):
        self.name = name
        self.priority = priority


class Scheduler:
    def __init__(self):
        self.pending = []
        self.done = []

    def submit(self, task):
        self.pending.append(task)
        self.pending.sort(key=lambda t: t.priority)

    def run_all(self):
        while self.pending:
            task = self.pending.pop(0)
            print(f"  running {task.name} (p{task.priority})")
            self.done.append(task.name)


def main():
    scheduler = Scheduler()
    print("scheduler ready")
    for name, priority in [("backup", 3), ("email", 1), ("report", 2)]:
        scheduler.submit(Task(name, priority))
    scheduler.run_all()
    print("finished:", ", ".join(scheduler.done))


main()
