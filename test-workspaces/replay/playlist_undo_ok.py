"""A playlist editor driven by a script of edits; undo past the start does nothing."""


class Playlist:
    def __init__(self, songs):
        self.songs = list(songs)
        self.undo_stack = []

    def add(self, song):
        self.undo_stack.append(list(self.songs))
        self.songs.append(song)

    def drop(self, song):
        self.undo_stack.append(list(self.songs))
        self.songs.remove(song)

    def undo(self):
        if self.undo_stack:
            self.songs = self.undo_stack.pop()


EDITS = ["add:Blue", "add:Red", "drop:Intro", "undo", "undo", "undo", "undo"]


def run(playlist, edits):
    for edit in edits:
        verb, _, song = edit.partition(":")
        if song:
            getattr(playlist, verb)(song)
        else:
            getattr(playlist, verb)()
    return playlist.songs


print(run(Playlist(["Intro", "Outro"]), EDITS))
