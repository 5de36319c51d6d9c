// Finding the `remedy` binary: the `remedy.server.path` setting, else `remedy` on PATH.

import * as path from 'path';

export const INSTALL_URL = 'https://github.com/remedy-lsp/remedy#editors';

export type ServerPath = { kind: 'found'; path: string } | { kind: 'missing'; message: string };

export interface Environment {
  platform: string;
  pathVariable: string | undefined;
  /** Whether a file exists and may be executed. */
  isExecutable: (file: string) => boolean;
  /** Expands `~` and makes relative paths absolute (against the first workspace folder). */
  absolute: (file: string) => string;
}

function executableNames(platform: string): string[] {
  return platform === 'win32' ? ['remedy.exe', 'remedy.cmd', 'remedy'] : ['remedy'];
}

export function resolveServerPath(configured: string | null | undefined, env: Environment): ServerPath {
  const setting = configured?.trim();
  if (setting) {
    const file = env.absolute(setting);
    if (env.isExecutable(file)) {
      return { kind: 'found', path: file };
    }
    return {
      kind: 'missing',
      message: `Remedy: the server binary set in \`remedy.server.path\` (${file}) does not exist or is not executable.`,
    };
  }
  const separator = env.platform === 'win32' ? ';' : ':';
  const directories = (env.pathVariable ?? '').split(separator).filter((entry) => entry.length > 0);
  for (const directory of directories) {
    for (const name of executableNames(env.platform)) {
      const candidate = path.join(directory, name);
      if (env.isExecutable(candidate)) {
        return { kind: 'found', path: candidate };
      }
    }
  }
  return {
    kind: 'missing',
    message:
      'Remedy: the `remedy` language server was not found on PATH. Install it (`cargo install --path server` in a Remedy checkout) or set `remedy.server.path`.',
  };
}
