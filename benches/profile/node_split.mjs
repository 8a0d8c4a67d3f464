// Where a prepared Node split's time goes (issue 19: SplitTerms.splitMinorInto against
// dinero.js's allocate, aim 0.3).
//
//   node benches/profile/node_split.mjs [--smoke]
//
// Times in one run: splitMinorInto as benches/node/bench.mjs measures it; napi calls that do
// almost nothing (a class method with one argument, as splitMinorInto is one with two, and a
// free function on a handle), which set the floor any crossing into Rust pays; the other
// prepared form, which builds an object (in lib.cjs from splitMinorInto's array for a bigint
// gross, through napi for a string); and dinero.js, whole and its object alone. The split
// itself in Rust (`SplitTerms::split_into`) is criterion's split_2_creators row in
// BENCHMARKS.md, tens of nanoseconds.
import { createRequire } from 'node:module';
import * as lg from '../../crates/node/lib.mjs';
import { timer } from '../node/measure.mjs';

const require = createRequire(new URL('../node/bench.mjs', import.meta.url));
const { dinero, allocate, GBP } = require('dinero.js');
const native = require('../../crates/node/native.cjs');
const { measureSync } = timer(process.argv.includes('--smoke'));

const terms = new lg.SplitTerms('GBP', [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }], { creatorShare: '0.8' });
const out = new BigInt64Array(5);
terms.splitMinorInto(123457n, out);
if (`${out}` !== '74075,24691,98766,24691,0') throw new Error(`splitMinorInto disagrees: ${out}`);
const nb = new native.NativeBreaker();
const handle = nb.handle();
let t = 0;

const rows = [
  ['SplitTerms.splitMinorInto(123457n, out) (the bench\'s row)', () => terms.splitMinorInto(123457n, out)],
  ['SplitTerms.splitMinor(123457n): the same split, an object of bigints returned', () => terms.splitMinor(123457n)],
  ['SplitTerms.splitMinor(\'1234.57\'): a string gross, the native method (napi builds the object)', () => terms.splitMinor('1234.57')],
  ['a napi class method, one argument: NativeBreaker#acquire(t)', () => nb.acquire((t += 1e-6))],
  ['a napi function on a handle: breakerAcquire(handle, t, 0, 0)', () => native.breakerAcquire(handle, (t += 1e-6), 0, 0)],
  ['dinero.js allocate(dinero(...), [3, 1]) (the peer\'s row)', () => allocate(dinero({ amount: 98766, currency: GBP }), [3, 1])],
  ['dinero.js dinero({ amount, currency }) alone', () => dinero({ amount: 98766, currency: GBP })],
];
console.log('| piece | ns per call |');
console.log('|---|---|');
for (const [name, fn] of rows) console.log(`| ${name} | ${measureSync(fn).toFixed(0)} |`);
