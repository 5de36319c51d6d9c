#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) from the npm registry into $CODE_SERVER_HOME
# (default: editors/vscode/e2e/.code-server), without its install scripts, which download
# prebuilt binaries this machine cannot fetch. Safe to re-run: a finished install is kept.
# Needs: node 20 + npm, ripgrep, libkrb5-dev, a C++ compiler (native modules are rebuilt).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
home="${CODE_SERVER_HOME:-$here/.code-server}"
version=4.100.3
root="$home/node_modules/code-server"
if [ -f "$home/.done-$version" ]; then
  echo "code-server $version already set up in $home"
  exit 0
fi
# node-pty's install script runs `npx node-gyp`, which must not stop to ask.
export npm_config_yes=true
# Native modules build against the installed Node's headers; node-gyp cannot download them here.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
mkdir -p "$home"
cd "$home"
[ -f package.json ] || echo '{"private": true}' > package.json
echo "== npm install code-server@$version (no scripts)"
npm install --no-audit --no-fund --ignore-scripts "code-server@$version" > npm-code-server.log 2>&1 \
  || { tail -30 npm-code-server.log; exit 1; }
cd "$root/lib/vscode"
echo "== VS Code's own modules"
npm install --no-audit --no-fund --omit=dev --ignore-scripts > "$home/npm-vscode.log" 2>&1 \
  || { tail -30 "$home/npm-vscode.log"; exit 1; }
# The ripgrep package downloads its binary at install time; Debian's does the same job.
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
echo "== rebuild native modules"
npm rebuild > "$home/npm-rebuild.log" 2>&1 || { tail -30 "$home/npm-rebuild.log"; exit 1; }
ln -sfn node_modules node_modules.asar
ln -sfn code-linux.sh bin/remote-cli/code-server
ln -sfn browser-linux.sh bin/helpers/browser.sh
echo "== built-in extensions' modules"
(cd extensions && npm install --no-audit --no-fund --omit=dev > "$home/npm-extensions.log" 2>&1) \
  || { tail -30 "$home/npm-extensions.log"; exit 1; }
# argon2 (password hashing, loaded at start-up even with `--auth none`) is hoisted to the top.
cd "$home"
npm rebuild argon2 > "$home/npm-argon2.log" 2>&1 || { tail -30 "$home/npm-argon2.log"; exit 1; }
touch "$home/.done-$version"
echo "code-server $version set up in $home"
