def pending_tasks(tasks):
    return [task for task in tasks if not task["done"]]


def next_task(tasks):
    pending = pending_tasks(tasks)
    return pending[0]


tasks = [
    {"title": "write", "done": True},
    {"title": "review", "done": True},
]
print(next_task(tasks)["title"])
