// Unleash's client specification through a package's `Toggles` (the napi addon's or the WASM
// package's), with no Node-only import so the same code runs in a browser page.

/** Deep equality of JSON values (key order ignored). */
export function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

/** A variant as the suite spells it (`feature_enabled`), from the library's camelCase. */
function asSpec(v) {
  const { featureEnabled, ...rest } = v;
  return { ...rest, feature_enabled: featureEnabled };
}

/**
 * Runs every test and variant test of one parsed spec file (`name` labels its failures):
 * `{passed, failed, lines}`, one line per failing test.
 */
export function runSpecDocument(api, spec, name) {
  const toggles = api.Toggles.fromJson(JSON.stringify(spec.state));
  let passed = 0;
  const lines = [];
  const check = (t, got) => {
    if (sameJson(got, t.expectedResult)) passed++;
    else lines.push(`FAIL ${name}: ${t.toggleName}: ${t.description}: expected ${JSON.stringify(t.expectedResult)}, got ${JSON.stringify(got)}`);
  };
  for (const t of spec.tests ?? []) check(t, toggles.isEnabled(t.toggleName, t.context));
  for (const t of spec.variantTests ?? []) check(t, asSpec(toggles.getVariant(t.toggleName, t.context)));
  return { passed, failed: lines.length, lines };
}
