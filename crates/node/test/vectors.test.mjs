import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RUNNERS, run } from '../conformance.mjs';
import { runCase } from '../runner.mjs';

const dir = new URL('../../../tests/vectors/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

for (const f of files) {
  const doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  test(`vectors: ${doc.family} (${doc.cases.length} cases)`, async (t) => {
    for (const c of doc.cases) {
      await t.test(c.name, () => {
        const { actual, problems } = runCase(RUNNERS, doc.family, c);
        assert.deepEqual(problems, [], `actual: ${JSON.stringify(actual)}`);
      });
    }
  });
}

test('the runner counts every case and names an altered one', () => {
  const lines = [];
  const { passed, failed } = run([dir], RUNNERS, (l) => lines.push(l));
  assert.equal(failed, 0);
  assert.ok(passed >= 523, `${passed}`);
  const doc = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8'));
  doc.cases[0].expect.platform = '25.01';
  const { problems } = runCase(RUNNERS, 'split', doc.cases[0]);
  assert.deepEqual(problems, ['$.platform: expected "25.01", got "25.00"']);
});
