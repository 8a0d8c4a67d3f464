// JSON Schemas of policy and plan files (issue 20): the core generates them, the package
// ships them (schemas/*.schema.json), and an independent validator (ajv, draft 2020-12)
// accepts every example policy and plan as written (YAML and TOML read by their own parsers)
// and refuses a misspelt one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2020 from 'ajv/dist/2020.js';
import YAML from 'yaml';
import { parse as parseToml } from 'smol-toml';

const require = createRequire(import.meta.url);
const lg = require('../lib.cjs');
const root = new URL('../../../', import.meta.url);
const KINDS = { policy: 'policy.schema.json', plan: 'plan.schema.json', rollout_plan: 'rollout-plan.schema.json' };

/** The schema the package ships for `kind`, found as a user finds it. */
function shipped(kind) {
  return JSON.parse(readFileSync(require.resolve(`liberation-gates/schemas/${KINDS[kind]}`), 'utf8'));
}

/** A file as written: YAML, TOML or JSON read by a parser of its own. */
function read(path) {
  const text = readFileSync(new URL(path, root), 'utf8');
  if (path.endsWith('.toml')) return parseToml(text);
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return YAML.parse(text);
  return JSON.parse(text);
}

test('the ESM entry exports everything the CommonJS entry does', async () => {
  const esm = await import('../lib.mjs');
  assert.deepEqual(Object.keys(lg).filter((k) => !(k in esm)), []);
});

test('the shipped schemas are the core\'s, and an unknown kind is invalid_policy', () => {
  for (const kind of Object.keys(KINDS)) {
    assert.deepEqual(lg.jsonSchema(kind), shipped(kind), kind);
    assert.equal(shipped(kind).$schema, 'https://json-schema.org/draft/2020-12/schema');
  }
  assert.throws(() => lg.jsonSchema('policies'), (e) => e instanceof lg.PolicyError && e.code === 'invalid_policy');
  assert.throws(() => lg.jsonSchema(7), TypeError);
});

test('every example policy and plan validates against the shipped schema (ajv)', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const files = {
    policy: ['examples/policies/service.yaml', 'crates/core/policies/default.toml'],
    plan: ['crates/core/plans/default.toml'],
    rollout_plan: ['examples/plans/fast.toml'],
  };
  for (const [kind, paths] of Object.entries(files)) {
    const validate = ajv.compile(shipped(kind));
    for (const path of paths) {
      assert.ok(validate(read(path)), `${path}: ${ajv.errorsText(validate.errors)}`);
    }
  }
});

test('the schemas refuse what the library refuses: a misspelt key, a wrong action, a bad window', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const policy = ajv.compile(shipped('policy'));
  const good = read('examples/policies/service.yaml');
  assert.ok(policy(good));
  const misspelt = structuredClone(good);
  misspelt.rules[1].for_second = misspelt.rules[1].for_seconds;
  delete misspelt.rules[1].for_seconds;
  assert.equal(policy(misspelt), false);
  assert.throws(() => lg.Policy.parse(JSON.stringify(misspelt), 'json'), lg.PolicyError);
  const action = structuredClone(good);
  action.rules[0].action = 'explode';
  assert.equal(policy(action), false);
  const plan = ajv.compile(shipped('rollout_plan'));
  assert.equal(plan({ steps: [{ weight: 5, bake_seconds: 60, speed: 2 }] }), false);
  assert.ok(plan({ steps: [{ weight: 5, bake_seconds: 60 }] }));
});
