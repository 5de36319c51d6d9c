import { strict as assert } from 'assert';
import * as path from 'path';
import { test } from 'node:test';

import { Environment, resolveServerPath } from '../src/serverPath';

function environment(executables: string[], pathVariable = '/usr/bin:/opt/remedy/bin', platform = 'linux'): Environment {
  return {
    platform,
    pathVariable,
    isExecutable: (file) => executables.includes(file),
    absolute: (file) => (path.isAbsolute(file) ? file : path.join('/work', file)),
  };
}

test('the setting wins over PATH', () => {
  const found = resolveServerPath('/custom/remedy', environment(['/custom/remedy', '/usr/bin/remedy']));
  assert.deepEqual(found, { kind: 'found', path: '/custom/remedy' });
});

test('a relative setting is resolved against the workspace', () => {
  const found = resolveServerPath('target/debug/remedy', environment(['/work/target/debug/remedy']));
  assert.deepEqual(found, { kind: 'found', path: '/work/target/debug/remedy' });
});

test('a bad setting is an error naming the path, not a silent PATH fallback', () => {
  const found = resolveServerPath('/nowhere/remedy', environment(['/usr/bin/remedy']));
  assert.equal(found.kind, 'missing');
  assert.match(found.kind === 'missing' ? found.message : '', /\/nowhere\/remedy/);
});

test('PATH is searched in order', () => {
  const found = resolveServerPath(null, environment(['/opt/remedy/bin/remedy']));
  assert.deepEqual(found, { kind: 'found', path: '/opt/remedy/bin/remedy' });
  const blank = resolveServerPath('  ', environment(['/usr/bin/remedy', '/opt/remedy/bin/remedy']));
  assert.deepEqual(blank, { kind: 'found', path: '/usr/bin/remedy' });
});

test('missing everywhere gives the install hint', () => {
  const found = resolveServerPath(undefined, environment([]));
  assert.equal(found.kind, 'missing');
  assert.match(found.kind === 'missing' ? found.message : '', /not found on PATH.*remedy\.server\.path/);
  assert.equal(resolveServerPath(undefined, environment([], '')).kind, 'missing');
});

test('Windows looks for remedy.exe with ; separators', () => {
  const found = resolveServerPath(undefined, environment(['C:\\tools/remedy.exe'], 'C:\\bin;C:\\tools', 'win32'));
  assert.deepEqual(found, { kind: 'found', path: path.join('C:\\tools', 'remedy.exe') });
});
