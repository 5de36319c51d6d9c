#!/usr/bin/env python3
"""Remedy against its peers on the CPython standard library, in one run.

Python 3.11+, standard library only. The LSP scenarios are driven by the shared
harness `lspbench.py` (`--lspbench`, default `/work/shared/tools/lspbench.py`), which
speaks LSP over stdio to any server exactly as an editor does.

Scenarios (the corpus is a clean copy of the running interpreter's stdlib, made once
into `--corpus`/Lib without site-packages, as `make_corpus.py` does):

  open    didOpen the top-level *.py of Lib (167 on 3.11); seconds until diagnostics
          exist for all of them; peak RSS of the server's process tree.
  hover   a fresh server opens Lib/_pydecimal.py, then 300 hovers on its identifiers:
          p50/p95/max and the share of non-empty answers.
  edit    in the same server, 100 x (incremental didChange inserting a line near the
          middle, then at once a hover further down): p50/p95, the keystroke path.
  check   the command-line checker over the whole Lib folder: wall, CPU (user+sys of
          the child), peak RSS, files/s.
  leafhub a generated project (`CORPUS/leafhub`: `core.py`, imported by 60 modules that
          also import each other in a tree, half of them imported by none) with all 61
          files open; then --edits x (insert a line into a function body of a leaf
          module, then of `core.py`, alternating): seconds from `didChange` until every
          open file answers a pull of `textDocument/diagnostic` (edited file first, all
          in flight), p50 and max for leaf and hub edits. The client declares refresh
          support, so every server answers pulls, and sends the result id of each
          file's last report as `previousResultId`, as VS Code does (a server may then
          answer `unchanged`; `--no-result-ids` pulls without).

Servers and checkers are run interleaved (round 1: remedy, ty, pyright, ruff; round 2:
...), so that machine noise hits all of them alike; medians over the rounds are printed
with the ratio Remedy/peer (below 1: Remedy is faster or smaller). Peers that are not
installed are skipped. Nothing here asserts a time: it measures and prints.

  python3 benchmarks/lsp/bench.py --remedy target/release/remedy --rounds 3
  python3 benchmarks/lsp/bench.py --servers remedy,ty --scenarios open,check --json out.json
"""
from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HOVER_FILE = "_pydecimal.py"
SKIP = ("site-packages", "lib-dynload", "config-*", "__pycache__", "_sysconfigdata*", "*.pyc")


def make_corpus(corpus: Path) -> Path:
    """`corpus`/Lib: the stdlib without site-packages and build leftovers (made once)."""
    lib = corpus / "Lib"
    if not (lib / HOVER_FILE).is_file():
        source = Path(sysconfig.get_paths()["stdlib"])
        if lib.exists():
            shutil.rmtree(lib)
        shutil.copytree(source, lib, ignore=shutil.ignore_patterns(*SKIP), symlinks=True)
    return lib


def find_tool(name: str, venv: Path | None) -> str | None:
    if venv and (venv / "bin" / name).is_file():
        return str(venv / "bin" / name)
    return shutil.which(name)


def servers(args) -> dict[str, dict]:
    """Label -> {lsp: server command, check: checker command prefix} for what is installed."""
    venv = Path(args.venv).resolve() if args.venv else None
    found: dict[str, dict] = {}
    remedy = str(Path(args.remedy).resolve())
    found["remedy"] = {"lsp": f"{remedy} lsp", "check": [remedy, "check", "--no-progress"]}
    if ty := find_tool("ty", venv):
        found["ty"] = {"lsp": f"{ty} server", "check": [ty, "check", "--exit-zero"]}
    if (pyright := find_tool("pyright-langserver", venv)) and (cli := find_tool("pyright", venv)):
        found["pyright"] = {"lsp": f"{pyright} --stdio", "check": [cli]}
    if ruff := find_tool("ruff", venv):
        found["ruff"] = {"lsp": f"{ruff} server", "check": [ruff, "check", "--exit-zero", "--no-cache"]}
    wanted = args.servers.split(",") if args.servers else list(found)
    return {label: found[label] for label in wanted if label in found}


def run_lspbench(args, label: str, cmd: str, corpus: Path, extra: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "result.json"
        subprocess.run([sys.executable, args.lspbench, "--server", label, "--cmd", cmd,
                        "--corpus", str(corpus), "--json", str(out), "--timeout", str(args.timeout),
                        *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return json.loads(out.read_text()) if out.is_file() else {"error": "no result"}


def scenario_open(args, label, server, corpus) -> dict:
    result = run_lspbench(args, label, server["lsp"], corpus, ["--files", "200", "--open-dir", "Lib"])
    opened = result.get("open") or {}
    return {"open_s": opened.get("all_s"), "open_files": opened.get("arrived"),
            "open_peak_rss_mb": (result.get("memory") or {}).get("peak_rss_mb"),
            "open_error": result.get("error")}


def scenario_hover_edit(args, label, server, corpus) -> dict:
    result = run_lspbench(args, label, server["lsp"], corpus,
                          ["--hover-file", f"Lib/{HOVER_FILE}", "--hovers", "300", "--edits", "100"])
    hover, edit = result.get("hover") or {}, result.get("edit") or {}
    return {"hover_p50_ms": hover.get("p50_ms"), "hover_p95_ms": hover.get("p95_ms"),
            "hover_max_ms": hover.get("max_ms"), "hover_nonempty": hover.get("nonempty_frac"),
            "edit_p50_ms": edit.get("p50_ms"), "edit_p95_ms": edit.get("p95_ms"),
            "hover_error": result.get("error")}


def scenario_check(args, label, server, corpus) -> dict:
    lib = corpus / "Lib"
    files = sum(1 for _ in lib.rglob("*.py"))
    started = time.perf_counter()
    process = subprocess.Popen([*server["check"], str(lib)], cwd=corpus,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    return {"check_wall_s": round(wall, 2), "check_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "check_peak_rss_mb": round(usage.ru_maxrss / 1024), "check_files": files,
            "check_files_per_s": round(files / wall, 1), "check_status": os.waitstatus_to_exitcode(status)}


LEAFHUB_MODULES = 60
LEAFHUB_LEAF = f"mod_{LEAFHUB_MODULES - 1:02}.py"


def make_leafhub(corpus: Path) -> Path:
    """`corpus`/leafhub: `core.py` and modules `mod_00` … `mod_59`; `mod_i` imports `core` and
    `mod_{i // 2}`, so `mod_30` … `mod_59` are leaves no module imports. Rewritten each run."""
    root = corpus / "leafhub"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    core = ["\"\"\"Functions and a class every module imports.\"\"\"", ""]
    for k in range(40):
        core += [f"def func_{k}(value, scale={k + 1}):", "    total = value * scale",
                 f"    if total > {100 + k}:", f"        total = total - {k}",
                 "    parts = [total, value, scale]", "    return sum(parts) // len(parts)", ""]
    core += ["class Record:", "    def __init__(self, left, right):", "        self.left = left",
             "        self.right = right", "", "    def total(self):",
             "        return self.left + self.right", "", "    def label(self):",
             "        return f'{self.left}:{self.right}'", ""]
    (root / "core.py").write_text("\n".join(core) + "\n")
    for i in range(LEAFHUB_MODULES):
        lines = ["import core", f"from core import Record, func_{i % 40}, func_{(i * 7) % 40}"]
        if i:
            lines.append(f"from mod_{i // 2:02} import use_0 as parent_use")
        lines.append("")
        for j in range(12):
            parent = "parent_use(x)" if i else "x"
            lines += [f"def use_{j}(x):", f"    a = func_{i % 40}(x) + {j}",
                      f"    b = core.func_{(i * 7) % 40}(a)", "    record = Record(a, b)",
                      f"    c = {parent}", "    if record.total() > c:",
                      "        return record.label()", "    return str(record.total() + c)", ""]
        (root / f"mod_{i:02}.py").write_text("\n".join(lines))
    return root


def load_lspbench(path: str):
    spec = importlib.util.spec_from_file_location("lspbench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def pull_all(lspbench, client, uris: list[str], result_ids: dict[str, str] | None,
                   deadline: float) -> dict[str, float]:
    """Pulls the diagnostics of every uri at once; uri -> arrival time. With `result_ids`
    (uri -> the result id of its last full report), each pull sends it as
    `previousResultId`, as VS Code does, and a new id replaces it."""
    async def pull(uri: str) -> float:
        while True:
            params: dict = {"textDocument": {"uri": uri}}
            if result_ids is not None and uri in result_ids:
                params["previousResultId"] = result_ids[uri]
            message = await client.call("textDocument/diagnostic", params,
                                        timeout=max(0.01, deadline - lspbench.now()))
            error = message.get("error")
            if error and error.get("code") in lspbench.RETRY_CODES:
                await asyncio.sleep(0.05)
                continue
            if error:
                raise RuntimeError(str(error))
            report = message.get("result") or {}
            if result_ids is not None and report.get("resultId"):
                result_ids[uri] = report["resultId"]
            return lspbench.now()

    answers = await asyncio.gather(*(pull(uri) for uri in uris), return_exceptions=True)
    arrived = {}
    for uri, answer in zip(uris, answers):
        if isinstance(answer, BaseException):
            client.errors.append(f"textDocument/diagnostic: {type(answer).__name__} {answer}"[:300])
        else:
            arrived[uri] = answer
    return arrived


async def leafhub_session(lspbench, args, cmd: str, root: Path) -> dict:
    files = sorted(root.glob("*.py"))
    client = lspbench.Client(cmd.split(), root, os.devnull)
    await client.start()
    sampler = lspbench.MemSampler(client.proc.pid)
    sampling = asyncio.create_task(sampler.run())
    result: dict = {}
    try:
        params = lspbench.init_params(root, None, True)
        params["capabilities"]["workspace"]["diagnostics"]["refreshSupport"] = True
        init = await client.request("initialize", params, timeout=args.timeout)
        client.caps = init.get("capabilities") or {}
        await client.notify("initialized", {})
        uris = {path.name: await client.open(path) for path in files}
        await client.diagnostics(list(uris.values()), lspbench.now(), args.timeout, "pull")
        result_ids: dict[str, str] | None = None if args.no_result_ids else {}
        await pull_all(lspbench, client, list(uris.values()), result_ids,
                       lspbench.now() + args.timeout)
        texts = {name: (root / name).read_text().splitlines() for name in ("core.py", LEAFHUB_LEAF)}
        # The first line of a function body in the middle of each file.
        targets = {name: 1 + next(n for n, line in enumerate(lines)
                                  if n >= len(lines) // 2 and line.startswith("def "))
                   for name, lines in texts.items()}
        times: dict[str, list[float]] = {"leaf": [], "hub": []}
        for edit in range(args.edits):
            for kind, name in (("leaf", LEAFHUB_LEAF), ("hub", "core.py")):
                uri = uris[name]
                client.versions[uri] += 1
                at = {"line": targets[name], "character": 0}
                started = lspbench.now()
                await client.notify("textDocument/didChange", {
                    "textDocument": {"uri": uri, "version": client.versions[uri]},
                    "contentChanges": [{"range": {"start": at, "end": at},
                                        "text": f"    edit_{edit} = {edit}\n"}]})
                order = [uri, *(other for other in uris.values() if other != uri)]
                got = await pull_all(lspbench, client, order, result_ids, started + args.timeout)
                if len(got) == len(order):
                    times[kind].append(max(got.values()) - started)
                await asyncio.sleep(0.2)
        for kind, measured in times.items():
            if measured:
                result[f"{kind}_p50_ms"] = round(statistics.median(measured) * 1e3, 1)
                result[f"{kind}_max_ms"] = round(max(measured) * 1e3, 1)
        result["errors"] = client.errors[:3]
    finally:
        sampler.sample()
        sampling.cancel()
        await client.stop(sampler)
    return result


def scenario_leafhub(args, label, server, corpus) -> dict:
    root = make_leafhub(corpus)
    lspbench = load_lspbench(args.lspbench)
    try:
        measured = asyncio.run(leafhub_session(lspbench, args, server["lsp"], root))
    except Exception as error:  # keep the other scenarios' numbers
        return {"leafhub_error": f"{type(error).__name__}: {error}"}
    return {f"edit_{key}" if not key.startswith("errors") else "leafhub_errors": value
            for key, value in measured.items() if value or key != "errors"}


SCENARIOS = {"open": scenario_open, "hover": scenario_hover_edit, "check": scenario_check,
             "leafhub": scenario_leafhub}

# (metric, row title); ratios are Remedy/peer for every row.
ROWS = [
    ("open_s", "open 167 files → all diagnostics (s)"),
    ("open_peak_rss_mb", "open: peak RSS (MB)"),
    ("hover_p50_ms", "hover p50 (ms)"),
    ("hover_p95_ms", "hover p95 (ms)"),
    ("hover_nonempty", "hover non-empty share"),
    ("edit_p50_ms", "edit → hover p50 (ms)"),
    ("edit_p95_ms", "edit → hover p95 (ms)"),
    ("edit_leaf_p50_ms", "leafhub: edit leaf → all open diagnostics p50 (ms)"),
    ("edit_leaf_max_ms", "leafhub: edit leaf → all open diagnostics max (ms)"),
    ("edit_hub_p50_ms", "leafhub: edit hub → all open diagnostics p50 (ms)"),
    ("edit_hub_max_ms", "leafhub: edit hub → all open diagnostics max (ms)"),
    ("check_wall_s", "check Lib: wall (s)"),
    ("check_cpu_s", "check Lib: CPU (s)"),
    ("check_peak_rss_mb", "check Lib: peak RSS (MB)"),
    ("check_files_per_s", "check Lib: files/s"),
]


def median(values):
    values = [value for value in values if isinstance(value, (int, float))]
    return statistics.median(values) if values else None


def table(results: dict[str, list[dict]]) -> str:
    labels = list(results)
    medians = {label: {key: median([r.get(key) for r in rounds]) for key, _ in ROWS}
               for label, rounds in results.items()}
    peers = [label for label in labels if label != "remedy"]
    header = ["scenario (median)", *labels, *(f"remedy/{peer}" for peer in peers)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key, title in ROWS:
        row = [title]
        for label in labels:
            value = medians[label][key]
            row.append("–" if value is None else f"{value:g}")
        for peer in peers:
            mine, theirs = medians.get("remedy", {}).get(key), medians[peer][key]
            row.append(f"{mine / theirs:.2f}" if mine is not None and theirs else "–")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--remedy", default="target/release/remedy", help="the remedy binary")
    parser.add_argument("--lspbench", default=os.environ.get("LSPBENCH", "/work/shared/tools/lspbench.py"))
    parser.add_argument("--corpus", default=os.path.join(tempfile.gettempdir(), "remedy-bench-corpus"),
                        help="scratch folder; the stdlib is copied to CORPUS/Lib once")
    parser.add_argument("--venv", help="a virtual environment holding peers (ty, ruff)")
    parser.add_argument("--servers", help="comma-separated subset of remedy,ty,pyright,ruff")
    parser.add_argument("--scenarios", default="open,hover,check,leafhub",
                        help="subset of open,hover,check,leafhub")
    parser.add_argument("--edits", type=int, default=20, help="leafhub: edits of each module")
    parser.add_argument("--no-result-ids", action="store_true",
                        help="leafhub: pull without previousResultId (as before 2026-11-22)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--json", help="write every round's raw numbers here")
    args = parser.parse_args(argv)
    if not Path(args.lspbench).is_file():
        parser.error(f"lspbench.py not found at {args.lspbench} (use --lspbench)")
    if not Path(args.remedy).is_file():
        parser.error(f"no remedy binary at {args.remedy} (cargo build --release)")
    corpus = Path(args.corpus).resolve()
    make_corpus(corpus)
    chosen = servers(args)
    scenarios = [name for name in args.scenarios.split(",") if name in SCENARIOS]
    print(f"corpus {corpus}/Lib, servers {', '.join(chosen)}, {args.rounds} rounds, "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", file=sys.stderr)
    results: dict[str, list[dict]] = {label: [] for label in chosen}
    for round_number in range(args.rounds):
        for label, server in chosen.items():
            measured: dict = {}
            for name in scenarios:
                measured.update(SCENARIOS[name](args, label, server, corpus))
            results[label].append(measured)
            shown = {key: value for key, value in measured.items() if value is not None}
            print(f"round {round_number + 1} {label}: {shown}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
