-- Remedy in a Neovim 0.11+ init.lua, without copying lsp/remedy.lua: define the config inline
-- and enable it. Check the set-up with :checkhealth vim.lsp, then open a Python file.
vim.lsp.config('remedy', {
  cmd = { 'remedy', 'lsp' },
  filetypes = { 'python' },
  root_markers = { 'remedy.toml', 'pyproject.toml', 'setup.py', 'setup.cfg', '.git' },
  init_options = {
    remedy = {
      min_confidence = 'likely', -- possible | likely | definite
      hover_verbosity = 'normal', -- compact | normal | verbose
    },
  },
})
vim.lsp.enable('remedy')

-- Optional: hover on K is built in (0.10+); show diagnostics inline and map code actions.
vim.diagnostic.config({ virtual_text = true })
vim.keymap.set('n', '<leader>ca', vim.lsp.buf.code_action, { desc = 'Remedy: code action' })
