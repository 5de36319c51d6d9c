// Which settings go to the server, under which names, and which values count as set.
//
// The server's settings are declared in package.json as `remedy.camelCase`; their schema comes
// from the server (`remedy config-schema`, checked by a Rust test). The server expects the
// snake_case keys of its configuration files, and it treats every key it receives as set by the
// user, overriding `remedy.toml` / `pyproject.toml`, so only values the user really set are sent.

/** Settings of the extension itself; every other `remedy.*` setting belongs to the server. */
export const EXTENSION_ONLY_SETTINGS: readonly string[] = ['remedy.server.path', 'remedy.trace.server'];

/** `remedy.minConfidence` → `min_confidence`. */
export function serverKeyOf(settingName: string): string {
  const local = settingName.startsWith('remedy.') ? settingName.slice('remedy.'.length) : settingName;
  return local.replace(/[A-Z]/g, (upper) => '_' + upper.toLowerCase());
}

/** The server settings' names (`remedy.minConfidence`, ...) declared in a package.json. */
export function serverSettingNames(packageJson: unknown): string[] {
  const properties = (packageJson as { contributes?: { configuration?: { properties?: object } } })
    ?.contributes?.configuration?.properties;
  if (!properties) {
    return [];
  }
  return Object.keys(properties).filter((name) => !EXTENSION_ONLY_SETTINGS.includes(name));
}

/** The shape of `WorkspaceConfiguration.inspect`'s answer that matters here. */
export interface InspectedValue {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

/** The value the user set, most specific scope first; `undefined` when only the default applies. */
export function userValue(inspected: InspectedValue | undefined): unknown {
  if (!inspected) {
    return undefined;
  }
  const scopes = [
    inspected.workspaceFolderLanguageValue,
    inspected.workspaceFolderValue,
    inspected.workspaceLanguageValue,
    inspected.workspaceValue,
    inspected.globalLanguageValue,
    inspected.globalValue,
  ];
  return scopes.find((value) => value !== undefined && value !== null);
}

/**
 * The settings object for `initializationOptions` and `workspace/didChangeConfiguration`:
 * `{ remedy: { min_confidence: "possible", ... } }` with only the keys the user set.
 */
export function serverSettings(
  settingNames: readonly string[],
  inspect: (settingName: string) => InspectedValue | undefined,
): { remedy: Record<string, unknown> } {
  const remedy: Record<string, unknown> = {};
  for (const name of settingNames) {
    const value = userValue(inspect(name));
    if (value !== undefined) {
      remedy[serverKeyOf(name)] = value;
    }
  }
  return { remedy };
}

/** Whether a configuration change needs the server process restarted, not just told. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects('remedy.server.path');
}
