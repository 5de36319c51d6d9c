// The VS Code side of Remedy: starts `remedy lsp`, keeps its settings in sync, and offers the
// restart / heal-traceback / show-log commands and a status bar item. The logic that does not
// need VS Code lives in the sibling modules and is unit-tested with `npm test`.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

import { INSTALL_URL, resolveServerPath } from './serverPath';
import { needsRestart, serverSettingNames, serverSettings } from './settings';
import { ServerState, statusView } from './status';
import { describeHealAnswer, parseHealAnswer, pickTracebackText } from './traceback';

const HEAL_TRACEBACK_SERVER_COMMAND = 'remedy.healTraceback';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let settingNames: string[] = [];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Remedy', { log: true });
  statusItem = vscode.window.createStatusBarItem('remedy.status', vscode.StatusBarAlignment.Right, 100);
  statusItem.name = 'Remedy';
  statusItem.command = 'remedy.showLog';
  statusItem.show();
  settingNames = serverSettingNames(context.extension.packageJSON);
  context.subscriptions.push(
    output,
    statusItem,
    vscode.commands.registerCommand('remedy.restartServer', restartServer),
    vscode.commands.registerCommand('remedy.healTracebackFromEditor', healTracebackFromEditor),
    vscode.commands.registerCommand('remedy.showLog', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
  );
  await startServer();
}

export async function deactivate(): Promise<void> {
  await stopServer();
}

function setStatus(state: ServerState): void {
  const version = client?.initializeResult?.serverInfo?.version;
  const view = statusView(state, version);
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
}

function currentSettings(): { remedy: Record<string, unknown> } {
  const configuration = vscode.workspace.getConfiguration();
  return serverSettings(settingNames, (name) => configuration.inspect(name));
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function absolute(file: string): string {
  const expanded = file.startsWith('~') ? path.join(os.homedir(), file.slice(1)) : file;
  if (path.isAbsolute(expanded)) {
    return expanded;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return folder ? path.join(folder, expanded) : path.resolve(expanded);
}

async function startServer(): Promise<void> {
  const configured = vscode.workspace.getConfiguration('remedy').get<string | null>('server.path');
  const found = resolveServerPath(configured, {
    platform: process.platform,
    pathVariable: process.env.PATH,
    isExecutable,
    absolute,
  });
  if (found.kind === 'missing') {
    setStatus('missing');
    output.error(found.message);
    void vscode.window
      .showErrorMessage(found.message, 'Install Instructions', 'Open Settings')
      .then((choice) => {
        if (choice === 'Install Instructions') {
          void vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
        } else if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'remedy.server.path');
        }
      });
    return;
  }

  output.info(`Starting ${found.path} lsp`);
  // TransportKind.stdio appends `--stdio`, which `remedy lsp` accepts.
  const serverOptions: ServerOptions = {
    command: found.path,
    args: ['lsp'],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    initializationOptions: currentSettings(),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  client = new LanguageClient('remedy', 'Remedy', serverOptions, clientOptions);
  client.onDidChangeState((event) => {
    if (event.newState === State.Running) {
      setStatus('running');
    } else if (event.newState === State.Starting) {
      setStatus('starting');
    } else {
      setStatus('stopped');
    }
  });
  setStatus('starting');
  try {
    await client.start();
    setStatus('running');
  } catch (error) {
    setStatus('failed');
    output.error(`The server failed to start: ${String(error)}`);
    void vscode.window.showErrorMessage(`Remedy: the server failed to start (${String(error)})`, 'Show Log').then(
      (choice) => {
        if (choice) {
          output.show(true);
        }
      },
    );
  }
}

async function stopServer(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      output.warn(`Stopping the server: ${String(error)}`);
    }
    await running.dispose();
  }
}

async function restartServer(): Promise<void> {
  output.info('Restarting the server');
  await stopServer();
  await startServer();
}

function onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
  if (needsRestart((section) => event.affectsConfiguration(section))) {
    void restartServer();
    return;
  }
  if (event.affectsConfiguration('remedy') && client?.isRunning()) {
    const settings = currentSettings();
    output.info(`Settings changed; sending ${JSON.stringify(settings)}`);
    void client.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }
}

async function healTracebackFromEditor(): Promise<void> {
  if (!client?.isRunning()) {
    void vscode.window.showErrorMessage('Remedy: the server is not running');
    return;
  }
  const editor = vscode.window.activeTextEditor;
  const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  const traceback = await pickTracebackText(selection, () => vscode.env.clipboard.readText());
  if (!traceback) {
    void vscode.window.showWarningMessage(
      'Remedy: select a Python traceback (or copy one to the clipboard), then run this command again',
    );
    return;
  }
  const answer = await client.sendRequest(ExecuteCommandRequest.type, {
    command: HEAL_TRACEBACK_SERVER_COMMAND,
    arguments: [traceback],
  });
  const crashes = parseHealAnswer(answer);
  const message = describeHealAnswer(crashes, (uri) => path.basename(vscode.Uri.parse(uri).fsPath));
  output.info(message);
  void vscode.window.showInformationMessage(message);
  const first = crashes.find((crash) => crash.uri);
  if (first?.uri) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(first.uri));
    const line = Math.max(0, first.line - 1);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(line, 0, line, 0) });
  }
}
