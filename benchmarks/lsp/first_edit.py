#!/usr/bin/env python3
"""The first edits of a session, as VS Code sees them: open the top-level `.py` files of
the corpus's `Lib` (pull diagnostics), wait for all their diagnostics, then `--edits` x
(insert a line near the middle of `_pydecimal.py`, then pull the diagnostics of every
open file, the edited one first, all in flight). Prints, per edit, the time until every
pull answered, the server's CPU seconds and its RSS afterwards.

  python3 benchmarks/lsp/first_edit.py --cmd "target/release/remedy lsp" \
      [--corpus /tmp/remedy-bench-corpus] [--edits 3] [--lspbench PATH]

The corpus is the one `bench.py` writes (a copy of the stdlib under `Lib`). Any stdio
server works (`--cmd "ty server"`).
"""

import argparse
import asyncio
import importlib.util
import os
from pathlib import Path


def load_lspbench(path: str):
    spec = importlib.util.spec_from_file_location("lspbench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024
    return 0


async def run(args, lb) -> None:
    root = Path(args.corpus)
    client = lb.Client(args.cmd.split(), root, "/dev/null")
    await client.start()
    init = await client.request("initialize", lb.init_params(root, None, True), timeout=60)
    client.caps = init.get("capabilities") or {}
    await client.notify("initialized", {})
    pid = client.proc.pid
    files = sorted((root / "Lib").glob("*.py"))
    started, cpu = lb.now(), cpu_seconds(pid)
    uris = [await client.open(path) for path in files]
    await client.diagnostics(uris, started, args.timeout, "pull")
    print(f"open {len(uris)} files: {lb.now() - started:.2f} s, "
          f"cpu {cpu_seconds(pid) - cpu:.2f} s, rss {rss_mb(pid)} MB")
    await asyncio.sleep(1)
    edited = root / "Lib" / "_pydecimal.py"
    uri = next(uri for uri in uris if uri.endswith("/_pydecimal.py"))
    line = lb.insertion_line(edited.read_text(encoding="utf-8"))
    order = [uri, *(other for other in uris if other != uri)]
    for edit in range(args.edits):
        client.versions[uri] += 1
        at = {"line": line + edit, "character": 0}
        started, cpu = lb.now(), cpu_seconds(pid)
        await client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": client.versions[uri]},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": f"x_{edit} = {edit}\n"}]})
        got = await client.diagnostics(order, started, args.timeout, "pull")
        print(f"edit {edit}: {len(got)}/{len(order)} pulls answered in "
              f"{1e3 * (lb.now() - started):.0f} ms, cpu {cpu_seconds(pid) - cpu:.2f} s, "
              f"rss {rss_mb(pid)} MB")
        await asyncio.sleep(0.5)
    await client.stop(lb.MemSampler(pid))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cmd", required=True, help="the server command line")
    parser.add_argument("--corpus", default="/tmp/remedy-bench-corpus")
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--lspbench", default="/work/shared/tools/lspbench.py")
    args = parser.parse_args()
    asyncio.run(run(args, load_lspbench(args.lspbench)))


if __name__ == "__main__":
    main()
