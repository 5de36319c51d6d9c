-- Remedy with nvim-lspconfig (Neovim 0.8 – 0.10, or set-ups that still call `.setup`).
-- nvim-lspconfig does not ship a `remedy` entry, so register one first, then set it up.
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.remedy then
  configs.remedy = {
    default_config = {
      cmd = { 'remedy', 'lsp' },
      filetypes = { 'python' },
      root_dir = util.root_pattern('remedy.toml', 'pyproject.toml', 'setup.py', 'setup.cfg', '.git'),
      single_file_support = true,
    },
    docs = {
      description = 'Remedy: Python language server with value-flow hovers and crash prediction',
    },
  }
end

require('lspconfig').remedy.setup({
  -- init_options = { remedy = { min_confidence = 'possible' } },
})
