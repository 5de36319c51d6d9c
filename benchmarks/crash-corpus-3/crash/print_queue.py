"""Simulates a printer that takes jobs from a queue in fixed rounds."""

JOBS = ["invoice.pdf", "poster.png", "letter.docx"]


def run(jobs, rounds):
    queue = list(jobs)
    printed = []
    for round_number in range(1, rounds + 1):
        job = queue.pop(0)
        print(f"round {round_number}: printing {job}")
        printed.append(job)
    return printed


def main():
    print(f"{len(JOBS)} jobs queued")
    done = run(JOBS, 4)
    print(f"printed {len(done)} jobs")


main()
