"""Data processing tool: the host calls every function listed in `get_tool_info()`."""

import csv
import io

EXPORT_FORMATS = ("csv", "json")


def process_data(data: dict) -> dict:
    cleaned = {key.strip(): value for key, value in data.items() if value is not None}
    return {"status": "success", "processed": cleaned}


def to_csv(rows: list) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=sorted(rows[0]) if rows else [])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def get_tool_info(verbose: bool = False) -> dict:
    info = {
        "name": "data_tool",
        "version": "0.4.0",
        "requirements": [],
        "functions": [
            "process_data",
            "to_csv",
            # expect: tool-info-unknown-function confidence=definite
            # heal: tool-info-unknown-function add-function-stub
            "summarize",
        ],
    }
    if verbose:
        info["formats"] = list(EXPORT_FORMATS)
    return info
