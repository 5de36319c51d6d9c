-- Headless end-to-end test of the shipped Neovim set-up with a real Neovim 0.11 and a real
-- `remedy lsp`: `lsp/remedy.lua` is found on 'runtimepath', enabled with `vim.lsp.enable`, and
-- must attach to a Python buffer, answer a hover with the union's provenance, and publish the
-- predicted crashes. Run by run.sh (which sets the environment below); exits non-zero on failure.
--
--   REMEDY_REPO       the repository root (for editors/neovim on 'runtimepath')
--   REMEDY_BIN        the `remedy` binary to start
--   REMEDY_WORKSPACE  a copy of test-workspaces/editors

local repo = assert(os.getenv('REMEDY_REPO'), 'REMEDY_REPO is not set')
local binary = assert(os.getenv('REMEDY_BIN'), 'REMEDY_BIN is not set')
local workspace = assert(os.getenv('REMEDY_WORKSPACE'), 'REMEDY_WORKSPACE is not set')

local passed, failed = 0, 0

local function say(text)
  io.stdout:write(text .. '\n')
  io.stdout:flush()
end

local function check(condition, description, detail)
  if condition then
    passed = passed + 1
    say('ok   ' .. description)
  else
    failed = failed + 1
    say('FAIL ' .. description .. (detail and ('\n     ' .. detail:gsub('\n', '\n     ')) or ''))
  end
  return condition
end

local function finish()
  say(string.format('neovim-e2e: %d passed, %d failed', passed, failed))
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop()
  end
  vim.wait(2000, function()
    return #vim.lsp.get_clients() == 0
  end, 50)
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

-- `-u NONE` skips filetype detection, which `vim.lsp.enable` relies on.
vim.cmd('filetype on')

-- The shipped config, with only the binary overridden (tables merge with lsp/remedy.lua).
vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
vim.lsp.config('remedy', { cmd = { binary, 'lsp' }, cmd_env = { REMEDY_LOG = os.getenv('REMEDY_LOG') or 'warn' } })
vim.lsp.enable('remedy')
if os.getenv('NVIM_LSP_DEBUG') then
  vim.lsp.log.set_level('debug')
end

local file = workspace .. '/shop/orders.py'
vim.cmd.edit(vim.fn.fnameescape(file))
local buffer = vim.api.nvim_get_current_buf()
check(vim.bo[buffer].filetype == 'python', 'the file is a Python buffer')

local client
vim.wait(15000, function()
  client = vim.lsp.get_clients({ bufnr = buffer, name = 'remedy' })[1]
  return client ~= nil and client.initialized
end, 50)
if not check(client ~= nil, 'remedy attaches to the buffer (lsp/remedy.lua + vim.lsp.enable)') then
  finish()
  return
end
check(client.config.root_dir == workspace, 'the root is the workspace (root_markers)', tostring(client.config.root_dir))
check(client.server_capabilities.hoverProvider ~= nil, 'the server offers hover')

--- The 0-based line of the first line containing `needle`, and the column of `needle` in it.
local function locate(needle)
  for index, line in ipairs(vim.api.nvim_buf_get_lines(buffer, 0, -1, false)) do
    local column = line:find(needle, 1, true)
    if column then
      return index - 1, column - 1
    end
  end
  error('not in the file: ' .. needle)
end

-- Hover on `cost` in `return cost`: both members, each with its line and branch.
local line, column = locate('return cost')
vim.api.nvim_win_set_cursor(0, { line + 1, column + #'return ' })
local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
local responses = vim.lsp.buf_request_sync(buffer, 'textDocument/hover', params, 10000) or {}
local hover = ''
for _, response in pairs(responses) do
  if response.result and response.result.contents then
    local contents = response.result.contents
    hover = type(contents) == 'table' and (contents.value or vim.inspect(contents)) or tostring(contents)
  end
end
say('hover on `cost`:\n  ' .. hover:gsub('\n', '\n  '))
check(hover:find('12', 1, true) and hover:find('4.5', 1, true), 'the hover shows both members (12 and 4.5)', hover)
local true_line, else_line = locate('if express:') + 1, locate('else:') + 1
local true_branch = string.format('L%d `cost = 12` — L%d, `if express:` true branch', true_line + 1, true_line)
local else_branch = string.format('L%d `cost = 4.5` — L%d, `else` branch', else_line + 1, else_line)
check(hover:find(true_branch, 1, true), 'the hover names the true branch: ' .. true_branch, hover)
check(hover:find(else_branch, 1, true), 'the hover names the else branch: ' .. else_branch, hover)

-- Diagnostics: the predicted crashes, by rule id.
local function diagnostic_codes()
  local codes = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
    codes[#codes + 1] = string.format('%s@%d', tostring(diagnostic.code), diagnostic.lnum + 1)
  end
  table.sort(codes)
  return codes
end
local none_line = locate('customer.upper()') + 1
local key_line = locate('prices["coffee"]') + 1
local expected_codes = { 'key-error@' .. key_line, 'none-attribute@' .. none_line }
table.sort(expected_codes)
vim.wait(15000, function()
  return vim.deep_equal(diagnostic_codes(), expected_codes)
end, 100)
check(
  vim.deep_equal(diagnostic_codes(), expected_codes),
  'the predicted crashes are published: ' .. table.concat(expected_codes, ', '),
  'got: ' .. table.concat(diagnostic_codes(), ', ')
)
for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
  if diagnostic.code == 'none-attribute' then
    say('none-attribute: ' .. diagnostic.message)
    check(diagnostic.source == 'remedy', 'diagnostics name their source')
  end
end

-- Code actions: the quick fix of the key-error, applied through the client's own
-- `vim.lsp.buf.code_action`, rewrites the line; the finding is then gone.
local function action_titles(row)
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.range = { start = { line = row - 1, character = 0 }, ['end'] = { line = row, character = 0 } }
  params.context = { diagnostics = vim.lsp.diagnostic.from(vim.diagnostic.get(buffer, { lnum = row - 1 })) }
  local titles = {}
  for _, response in pairs(vim.lsp.buf_request_sync(buffer, 'textDocument/codeAction', params, 10000) or {}) do
    for _, action in ipairs(response.result or {}) do
      titles[#titles + 1] = action.title
    end
  end
  return titles
end
say('code actions on the none-attribute line: ' .. table.concat(action_titles(none_line), ' | '))
local key_titles = action_titles(key_line)
say('code actions on the key-error line: ' .. table.concat(key_titles, ' | '))
local quick_fix = 'Use `prices.get("coffee", 0)` instead of indexing'
check(vim.tbl_contains(key_titles, quick_fix), 'the key-error quick fix is offered: ' .. quick_fix, table.concat(key_titles, '\n'))
local before = vim.api.nvim_buf_get_lines(buffer, key_line - 1, key_line, false)[1]
-- The cursor inside the finding, as `]d` leaves it.
vim.api.nvim_win_set_cursor(0, { key_line, select(2, locate('prices["coffee"]')) })
vim.lsp.buf.code_action({
  apply = true,
  filter = function(action)
    return action.title == quick_fix
  end,
})
local after
vim.wait(10000, function()
  after = vim.api.nvim_buf_get_lines(buffer, key_line - 1, key_line, false)[1]
  return after ~= before
end, 50)
say('after the quick fix: ' .. tostring(after))
check(
  after == 'coffee = prices.get("coffee", 0)  # expect: key-error',
  'applying the quick fix rewrites the line',
  'before: ' .. before .. '\nafter:  ' .. tostring(after)
)
vim.wait(10000, function()
  return vim.deep_equal(diagnostic_codes(), { 'none-attribute@' .. none_line })
end, 100)
check(
  vim.deep_equal(diagnostic_codes(), { 'none-attribute@' .. none_line }),
  'the key-error is gone after the fix, the none-attribute stays',
  'got: ' .. table.concat(diagnostic_codes(), ', ')
)

-- Settings sent on change reach the server: disabling the rule clears its finding.
client:notify('workspace/didChangeConfiguration', { settings = { remedy = { disable = { 'none-attribute' } } } })
vim.wait(10000, function()
  return #diagnostic_codes() == 0
end, 100)
check(#diagnostic_codes() == 0, 'disable = { "none-attribute" } sent on change clears it', 'got: ' .. table.concat(diagnostic_codes(), ', '))

finish()
