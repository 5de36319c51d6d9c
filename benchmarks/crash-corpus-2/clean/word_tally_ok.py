"""Counts the most frequent words of a few paragraphs, skipping stop words."""

STOP_WORDS = {"the", "a", "an", "and", "of", "to", "in", "is", "it"}

TEXT = [
    "The quick brown fox jumps over the lazy dog.",
    "A dog is a loyal friend, and the fox is a clever one.",
    "In the end, the fox and the dog became friends.",
]


def words_of(line):
    for word in line.lower().split():
        word = word.strip(".,!?;:")
        if word and word not in STOP_WORDS:
            yield word


def tally(lines):
    counts = {}
    for line in lines:
        for word in words_of(line):
            counts[word] = counts.get(word, 0) + 1
    return counts


def top(counts, limit):
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return ranked[:limit]


def main():
    print(f"analysing {len(TEXT)} lines")
    counts = tally(TEXT)
    print(f"{len(counts)} distinct words")
    for word, count in top(counts, 3):
        print(f"{word:>8} {count}")


main()
