"""Aggregates JSON survey responses into per-question answer counts."""

import json

PAYLOAD = """
[
  {"respondent": "r1", "answers": {"q1": "yes", "q2": "often", "q3": "blue"}},
  {"respondent": "r2", "answers": {"q1": "no", "q2": "never"}},
  {"respondent": "r3", "answers": [["q1", "yes"], ["q3", "green"]]},
  {"respondent": "r4", "answers": {"q1": "yes", "q3": "blue"}}
]
"""


def load_responses(text):
    responses = json.loads(text)
    print(f"loaded {len(responses)} responses")
    return responses


def tally(responses):
    counts = {}
    for response in responses:
        answers = response["answers"]
        for question, answer in answers.items():
            per_question = counts.setdefault(question, {})
            per_question[answer] = per_question.get(answer, 0) + 1
        print(f"counted {response['respondent']}")
    return counts


def report(counts):
    for question in sorted(counts):
        answers = counts[question]
        best = max(answers, key=answers.get)
        print(f"{question}: {sum(answers.values())} answers, most common '{best}'")


def main():
    responses = load_responses(PAYLOAD)
    report(tally(responses))


main()
