-- Remedy for Neovim 0.11+: copy this file to ~/.config/nvim/lsp/remedy.lua (any `lsp/` folder on
-- 'runtimepath' works), then add `vim.lsp.enable('remedy')` to init.lua. Override any field with
-- `vim.lsp.config('remedy', { ... })`; tables are merged.
--
-- `init_options` and `settings` take the keys of `[tool.remedy]` (see the README's
-- "Configuration"); values sent here override remedy.toml / pyproject.toml, so send only what you
-- want to override.
return {
  cmd = { 'remedy', 'lsp' },
  filetypes = { 'python' },
  root_markers = { 'remedy.toml', 'pyproject.toml', 'setup.py', 'setup.cfg', '.git' },
  -- For example: init_options = { remedy = { min_confidence = 'possible', hover_verbosity = 'verbose' } },
}
