"""A tiny line editor that replays a script of commands with undo support."""


class Editor:
    def __init__(self):
        self.lines = []
        self.history = []

    def insert(self, text):
        self.history.append(("insert", len(self.lines)))
        self.lines.append(text)

    def delete_last(self):
        if self.lines:
            removed = self.lines.pop()
            self.history.append(("delete", removed))

    def undo(self):
        action, payload = self.history.pop()
        if action == "insert":
            del self.lines[payload]
        else:
            self.lines.append(payload)

    def render(self):
        return " | ".join(self.lines) if self.lines else "<empty>"


SCRIPT = [
    "i first line",
    "i second line",
    "d",
    "u",
    "u",
    "i third line",
    "u",
    "u",
    "u",
]


def run(script):
    editor = Editor()
    for command in script:
        op, _, arg = command.partition(" ")
        if op == "i":
            editor.insert(arg)
        elif op == "d":
            editor.delete_last()
        elif op == "u":
            editor.undo()
        print(f"{command:<15} -> {editor.render()}")
    return editor


def main():
    editor = run(SCRIPT)
    print(f"final document has {len(editor.lines)} lines")


main()
