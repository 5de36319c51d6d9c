"""Job records built as literals, read by field name."""


def nightly_job():
    job = {"name": "backup", "schedule": "0 3 * * *"}
    print(job["name"], job["schedule"])
    # expect: job-field-missing confidence=likely
    return job["owner"]


def describe(flag):
    job_spec = {"name": "report"}
    if flag:
        job_spec["owner"] = "ops"
    if "owner" in job_spec:
        # Narrowed by the membership test: no finding.
        return job_spec["owner"]
    return job_spec["name"]


def other_dicts():
    # The rule's query only matches names starting with `job`.
    settings = {"name": "x"}
    return settings.get("owner")
