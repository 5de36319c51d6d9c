import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';

import { needsRestart, serverKeyOf, serverSettingNames, serverSettings, userValue } from '../src/settings';

const packageJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

test('setting names map to the server keys', () => {
  assert.equal(serverKeyOf('remedy.minConfidence'), 'min_confidence');
  assert.equal(serverKeyOf('remedy.pythonVersion'), 'python_version');
  assert.equal(serverKeyOf('remedy.venv'), 'venv');
  assert.equal(serverKeyOf('hoverVerbosity'), 'hover_verbosity');
});

test('the package declares the server settings the issue names, and not the extension-only ones', () => {
  const names = serverSettingNames(packageJson);
  for (const expected of [
    'remedy.minConfidence',
    'remedy.hoverVerbosity',
    'remedy.enable',
    'remedy.disable',
    'remedy.frameworks',
    'remedy.pythonVersion',
    'remedy.venv',
  ]) {
    assert.ok(names.includes(expected), `${expected} is declared`);
  }
  assert.ok(!names.includes('remedy.server.path'));
  assert.ok(!names.includes('remedy.trace.server'));
  for (const name of names) {
    assert.match(serverKeyOf(name), /^[a-z]+(_[a-z]+)*$/, `${name} maps to a snake_case key`);
  }
});

test('only values the user set are sent, most specific scope first', () => {
  const inspected: Record<string, object> = {
    'remedy.minConfidence': { defaultValue: 'likely', globalValue: 'possible', workspaceValue: 'definite' },
    'remedy.hoverVerbosity': { defaultValue: 'normal' },
    'remedy.frameworks': { defaultValue: [], workspaceFolderValue: ['django'] },
    'remedy.venv': { defaultValue: null, globalValue: null },
  };
  const settings = serverSettings(Object.keys(inspected), (name) => inspected[name]);
  assert.deepEqual(settings, { remedy: { min_confidence: 'definite', frameworks: ['django'] } });
});

test('an explicitly empty list is still a user value', () => {
  assert.deepEqual(userValue({ globalValue: [] }), []);
  assert.equal(userValue(undefined), undefined);
  assert.equal(userValue({}), undefined);
});

test('only the server path needs a restart', () => {
  assert.equal(needsRestart((section) => section === 'remedy.server.path'), true);
  assert.equal(needsRestart((section) => section === 'remedy.minConfidence'), false);
});

test('every contributed command is registered by the extension and vice versa', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'extension.ts'), 'utf8');
  const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((match) => match[1]).sort();
  const contributed = packageJson.contributes.commands.map((command: { command: string }) => command.command).sort();
  assert.deepEqual(registered, contributed);
  // The server registers `remedy.healTraceback` itself (through executeCommandProvider), so the
  // extension's command must use another id.
  assert.ok(!contributed.includes('remedy.healTraceback'));
});
