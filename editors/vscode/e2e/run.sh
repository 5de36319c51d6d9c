#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code: code-server 4.100.3 (VS Code
# 1.100.3) with the packaged .vsix installed, driven by Playwright and Debian's headless Chromium.
#
#   REMEDY_BIN        the server binary (default: target/debug/remedy, built if missing)
#   CODE_SERVER_HOME  where code-server is installed (default: e2e/.code-server)
#   SCREENSHOT_PATH   where to save the hover screenshot (default: none; docs/vscode-hover.png
#                     is refreshed with SCREENSHOT_PATH=docs/vscode-hover.png)
#
# Needs node 20 + npm, /usr/bin/chromium, ripgrep and libkrb5-dev (Debian packages chromium,
# ripgrep, libkrb5-dev); the first run installs code-server (about 3-4 minutes).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
extension="$(cd "$here/.." && pwd)"
repo="$(cd "$extension/../.." && pwd)"

for tool in node npm rg /usr/bin/chromium; do
  command -v "$tool" > /dev/null || { echo "vscode e2e: $tool is missing"; exit 1; }
done

binary="${REMEDY_BIN:-}"
if [ -z "$binary" ]; then
  cargo build --quiet -p remedy --manifest-path "$repo/Cargo.toml"
  binary="${CARGO_TARGET_DIR:-$repo/target}/debug/remedy"
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

export CODE_SERVER_HOME="${CODE_SERVER_HOME:-$here/.code-server}"
bash "$here/setup-code-server.sh"
code_server="$CODE_SERVER_HOME/node_modules/code-server/out/node/entry.js"

echo "== package the extension"
(cd "$extension" && npm ci --no-audit --no-fund --loglevel=error && npm run --silent package) > /tmp/remedy-vsix.log 2>&1 \
  || { tail -30 /tmp/remedy-vsix.log; exit 1; }
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error) > /tmp/remedy-e2e-npm.log 2>&1 \
  || { tail -30 /tmp/remedy-e2e-npm.log; exit 1; }

scratch="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
workspace="$scratch/editors"
cp -r "$repo/test-workspaces/editors" "$workspace"
user_data="$scratch/user-data"
extensions="$scratch/extensions"
mkdir -p "$user_data/User"
cat > "$user_data/User/settings.json" << JSON
{
  "remedy.server.path": "$binary",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "editor.hover.delay": 200,
  "remedy.trace.server": "${REMEDY_TRACE:-off}"
}
JSON

echo "== install the .vsix into code-server"
node "$code_server" --user-data-dir "$user_data" --extensions-dir "$extensions" \
  --install-extension "$extension/remedy.vsix" 2>&1 | tail -2

port="${CODE_SERVER_PORT:-$((20000 + RANDOM % 20000))}"
echo "== serve code-server on 127.0.0.1:$port"
node "$code_server" --auth none --bind-addr "127.0.0.1:$port" \
  --user-data-dir "$user_data" --extensions-dir "$extensions" \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override "$workspace" > "$scratch/code-server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  if curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; then break; fi
  sleep 0.5
done

status=0
CODE_SERVER_URL="http://127.0.0.1:$port/?folder=$workspace" WORKSPACE="$workspace" \
  USER_SETTINGS="$user_data/User/settings.json" \
  SCREENSHOT_PATH="${SCREENSHOT_PATH:-}" E2E_ARTIFACTS="${E2E_ARTIFACTS:-$here/artifacts}" \
  timeout 300 node "$here/test.js" || status=$?
if [ "$status" -ne 0 ]; then
  echo "== code-server log (last 40 lines)"
  tail -40 "$scratch/code-server.log"
  find "$user_data" -name '*Remedy*.log' -exec sh -c 'echo "== $1"; tail -${E2E_LOG_LINES:-40} "$1"' _ {} \;
fi
exit "$status"
