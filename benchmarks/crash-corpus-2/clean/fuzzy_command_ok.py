"""Suggests the closest known command for what a user typed."""

COMMANDS = ["build", "bundle", "clean", "deploy", "status"]


def common_prefix(a, b):
    length = 0
    for left, right in zip(a, b):
        if left != right:
            break
        length += 1
    return length


def suggest(typed, commands):
    best_score = 0
    best = None
    for command in commands:
        score = common_prefix(typed, command)
        if score > best_score:
            best_score = score
            best = command
    return best


def main():
    for typed in ["buld", "cln", "dep", "xyz"]:
        print(f"{typed!r}: did you mean {suggest(typed, COMMANDS)!r}?")


main()
