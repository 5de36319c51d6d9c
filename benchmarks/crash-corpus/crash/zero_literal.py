def ratio(done, total):
    return done / total


def progress(tasks_done):
    total_tasks = 0
    return ratio(tasks_done, total_tasks)


print(progress(3))
