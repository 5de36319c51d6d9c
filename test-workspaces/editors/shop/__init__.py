"""The workspace the editor end-to-end tests open (VS Code through code-server, Neovim)."""
