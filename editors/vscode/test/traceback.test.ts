import { strict as assert } from 'assert';
import { test } from 'node:test';

import { describeHealAnswer, looksLikeTraceback, parseHealAnswer, pickTracebackText } from '../src/traceback';

const TRACEBACK = `Traceback (most recent call last):
  File "/srv/app/main.py", line 3, in <module>
    port = cfg["port"]
KeyError: 'port'
`;

test('tracebacks are recognised', () => {
  assert.ok(looksLikeTraceback(TRACEBACK));
  assert.ok(looksLikeTraceback('  File "x.py", line 1, in f\nValueError'));
  assert.ok(!looksLikeTraceback('port = cfg["port"]'));
});

test('the selection is preferred, the clipboard is the fallback', async () => {
  const clipboard = (text: string) => async () => text;
  assert.equal(await pickTracebackText(TRACEBACK, clipboard('other')), TRACEBACK);
  assert.equal(await pickTracebackText('not a traceback', clipboard(TRACEBACK)), TRACEBACK);
  assert.equal(await pickTracebackText(undefined, clipboard(TRACEBACK)), TRACEBACK);
  assert.equal(await pickTracebackText('x = 1', clipboard('hello')), undefined);
});

test('the clipboard is not read when the selection holds a traceback, and may fail', async () => {
  let reads = 0;
  const counting = async () => {
    reads += 1;
    return '';
  };
  assert.equal(await pickTracebackText(TRACEBACK, counting), TRACEBACK);
  assert.equal(reads, 0);
  const denied = async (): Promise<string> => {
    throw new Error('clipboard access denied');
  };
  assert.equal(await pickTracebackText(undefined, denied), undefined);
  assert.equal(await pickTracebackText(TRACEBACK, denied), TRACEBACK);
});

test('the server answer is summarised per crash', () => {
  const crashes = parseHealAnswer([
    { uri: 'file:///srv/app/main.py', line: 3, rule: 'key-error', exception: 'KeyError' },
    { uri: null, line: 9, rule: null, exception: 'ValueError' },
    { bogus: true },
  ]);
  assert.equal(crashes.length, 2);
  assert.equal(
    describeHealAnswer(crashes, (uri) => uri.split('/').pop() ?? uri),
    'Remedy: KeyError at main.py:3 (key-error); ValueError at line 9',
  );
  assert.equal(describeHealAnswer([], (uri) => uri), 'Remedy: no frame of this traceback is in the workspace');
  assert.deepEqual(parseHealAnswer(null), []);
});
