import { strict as assert } from 'assert';
import { test } from 'node:test';

import { ServerState, statusView } from '../src/status';

test('each state has its own icon and a tooltip', () => {
  const states: ServerState[] = ['starting', 'running', 'stopped', 'missing', 'failed'];
  const texts = states.map((state) => statusView(state).text);
  assert.equal(new Set(texts).size, states.length);
  for (const state of states) {
    assert.match(statusView(state).tooltip, /^Remedy/);
  }
  assert.match(statusView('running', '0.1.0').tooltip, /Remedy 0\.1\.0: running/);
});
