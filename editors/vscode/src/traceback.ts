// The "heal traceback" command's own logic: which text to send, and how to report the answer.

/** Whether a text looks like a CPython traceback (plain, chained or an exception group). */
export function looksLikeTraceback(text: string): boolean {
  return /Traceback \(most recent call last\):/.test(text) || /^\s*File ".*", line \d+/m.test(text);
}

/**
 * The selection when it holds a traceback, else the clipboard when it does; else `undefined`.
 * The clipboard is read only when the selection does not do: in a browser-hosted VS Code
 * (code-server, vscode.dev) reading it may need a permission, and it may fail.
 */
export async function pickTracebackText(
  selection: string | undefined,
  readClipboard: () => PromiseLike<string>,
): Promise<string | undefined> {
  if (selection && looksLikeTraceback(selection)) {
    return selection;
  }
  let clipboard: string | undefined;
  try {
    clipboard = await readClipboard();
  } catch {
    clipboard = undefined;
  }
  return clipboard && looksLikeTraceback(clipboard) ? clipboard : undefined;
}

/** One crash as the server's `remedy.healTraceback` answers it. */
export interface HealedCrash {
  uri: string | null;
  line: number;
  rule: string | null;
  exception: string;
}

export function parseHealAnswer(answer: unknown): HealedCrash[] {
  if (!Array.isArray(answer)) {
    return [];
  }
  return answer.filter(
    (item): item is HealedCrash =>
      typeof item === 'object' && item !== null && typeof item.line === 'number' && typeof item.exception === 'string',
  );
}

/** A one-sentence summary for the notification after healing. */
export function describeHealAnswer(crashes: HealedCrash[], fileName: (uri: string) => string): string {
  if (crashes.length === 0) {
    return 'Remedy: no frame of this traceback is in the workspace';
  }
  const parts = crashes.map((crash) => {
    const where = crash.uri ? `${fileName(crash.uri)}:${crash.line}` : `line ${crash.line}`;
    const rule = crash.rule ? ` (${crash.rule})` : '';
    return `${crash.exception} at ${where}${rule}`;
  });
  return `Remedy: ${parts.join('; ')}`;
}
