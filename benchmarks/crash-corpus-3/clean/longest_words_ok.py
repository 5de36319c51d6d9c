"""Prints the longest word of every paragraph of a short text."""

TEXT = """The quick brown fox jumps over the lazy dog.

Pack my box with five dozen liquor jugs.



Sphinx of black quartz, judge my vow."""


def paragraphs(text):
    return text.split("\n\n")


def longest_word(paragraph):
    words = [word.strip(".,") for word in paragraph.split()]
    return max(words, key=len, default="-")


def main():
    parts = paragraphs(TEXT)
    print(f"{len(parts)} paragraphs")
    for index, paragraph in enumerate(parts, 1):
        print(f"{index}: {longest_word(paragraph)}")


main()
