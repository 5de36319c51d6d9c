// The status bar item's text for each server state.

export type ServerState = 'starting' | 'running' | 'stopped' | 'missing' | 'failed';

export interface StatusView {
  text: string;
  tooltip: string;
}

export function statusView(state: ServerState, version?: string): StatusView {
  switch (state) {
    case 'starting':
      return { text: '$(sync~spin) Remedy', tooltip: 'Remedy: starting the server' };
    case 'running':
      return {
        text: '$(check) Remedy',
        tooltip: `Remedy${version ? ' ' + version : ''}: running (click for the server log)`,
      };
    case 'stopped':
      return { text: '$(circle-slash) Remedy', tooltip: 'Remedy: stopped (click for the server log)' };
    case 'missing':
      return { text: '$(warning) Remedy', tooltip: 'Remedy: the `remedy` binary was not found' };
    case 'failed':
      return { text: '$(error) Remedy', tooltip: 'Remedy: the server failed (click for the server log)' };
  }
}
