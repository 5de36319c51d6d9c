#!/usr/bin/env python3
"""Paced edits of a huge file against `remedy lsp` (Python standard library only).

The session fuzz (`server/tests/e2e_session_fuzz.rs`) edits so fast that no analysis of a
huge file completes before the next edit; here each edit is followed by a pause long
enough for the analysis of the new text to complete, so every version is parsed, indexed
and searched for syntax errors. Edits insert a random token (`(`, `def `, an indented
line, ...) at a random offset or at the start, incrementally or as a full resync. Before
each edit a diagnostic pull, a symbol request and a hover (answered from the analysed
text), after it a hover (answered at once from the last analysis: none). Prints request
latencies, the slowest five requests and the server's peak RSS (Linux); with
PACED_SERVER_LOG=FILE (and REMEDY_LOG=remedy=debug) the server's log goes to FILE.

usage: python3 benchmarks/huge-edits/paced.py REMEDY lines|megaline EDITS PAUSE_SECONDS SEED
  lines: 100,000 lines (100 functions); megaline: a 1 MB line (a list of 333,333 ones)
"""
import json, os, random, subprocess, sys, threading, time, queue

remedy, kind, edits, pause, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)

if kind == "lines":
    parts = ["import os\n"]
    for line in range(99_999):
        m = line % 1000
        parts.append(f"def f{line}(a, b=1):\n" if m == 0 else "    return a\n" if m == 999 else f"    v{line % 97} = a + {line}\n")
    text = "".join(parts)
else:
    text = "data = [" + ", ".join(["1"] * 333_333) + "]\nprint(data)\n"

root = f"/tmp/paced-{os.getpid()}"
os.makedirs(root, exist_ok=True)
path = f"{root}/huge.py"
uri = "file://" + path
server_log = os.environ.get("PACED_SERVER_LOG")
proc = subprocess.Popen([remedy, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=open(server_log, "w") if server_log else subprocess.DEVNULL)
incoming = queue.Queue()

def reader():
    out = proc.stdout
    while True:
        length = None
        while True:
            line = out.readline()
            if not line:
                return
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        incoming.put(json.loads(out.read(length)))

threading.Thread(target=reader, daemon=True).start()
next_id = [0]

def send(message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()

def request(method, params):
    next_id[0] += 1
    rid = next_id[0]
    sent = time.monotonic()
    send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
    while True:
        message = incoming.get(timeout=30)
        if message.get("id") == rid and "method" not in message:
            return message, (time.monotonic() - sent) * 1000
        if "method" in message and "id" in message:
            send({"jsonrpc": "2.0", "id": message["id"], "result": None})

def notify(method, params):
    send({"jsonrpc": "2.0", "method": method, "params": params})

def peak_rss():
    with open(f"/proc/{proc.pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024

request("initialize", {"processId": os.getpid(), "rootUri": "file://" + root, "capabilities": {
    "textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": True}},
    "general": {"positionEncodings": ["utf-16"]}}})
notify("initialized", {})
notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
latencies = []
labelled = []
probe_rng = random.Random(seed + 1)
analysed_hovers = 0
version = 1
GARBAGE = ["(", ")", "[", "def ", ":", "    zz = 1\n", "'", "\n", "x", ",", "lambda", "]]"]

def position_of(offset):
    before = text[:offset]
    line = before.count("\n")
    column = len(before) - (before.rfind("\n") + 1)
    return {"line": line, "character": column}

for step in range(edits):
    time.sleep(pause)
    for method in ["textDocument/diagnostic", "textDocument/documentSymbol"]:
        _, ms = request(method, {"textDocument": {"uri": uri}})
        latencies.append(ms)
        labelled.append((ms, f"{method} before edit {step}"))
    # A hover on the analysed text (its own generator: the edits stay those of a seed).
    line = probe_rng.randrange(text.count("\n") + 1)
    message, ms = request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 4}})
    latencies.append(ms)
    labelled.append((ms, f"hover before edit {step} (line {line})"))
    analysed_hovers += message.get("result") is not None
    offset = rng.randrange(len(text) + 1) if rng.random() < 0.7 else 0
    insert = rng.choice(GARBAGE)
    version += 1
    resync = rng.random() < 0.3
    if resync:
        # A full resync with the edit applied.
        text = text[:offset] + insert + text[offset:]
        notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})
    else:
        start = position_of(offset)
        text = text[:offset] + insert + text[offset:]
        notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                          "contentChanges": [{"range": {"start": start, "end": start}, "text": insert}]})
    line = rng.randrange(text.count("\n") + 1)
    _, ms = request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 3}})
    latencies.append(ms)
    labelled.append((ms, f"hover after edit {step} ({'resync' if resync else 'incremental'} {insert!r} at {offset})"))
time.sleep(pause)
message, ms = request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
items = (message.get("result") or {}).get("items", [])
latencies.sort()
p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
print(f"{kind}: {edits} edits, {len(latencies)} requests, p50={latencies[len(latencies)//2]:.1f}ms "
      f"p99={p99:.1f}ms max={latencies[-1]:.1f}ms peak_rss={peak_rss():.1f}MB "
      f"final diagnostics={len(items)} ({sorted(set(i.get('code') for i in items))}) "
      f"hovers with content before edits={analysed_hovers}/{edits}")
for ms, label in sorted(labelled, reverse=True)[:5]:
    print(f"  {ms:7.1f} ms  {label}")
request("shutdown", None)
notify("exit", None)
proc.wait(timeout=10)
os.rmdir(root)
