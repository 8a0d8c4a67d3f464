// Where a Node split's time goes (issue 19: split(), SplitTerms.splitMinor and
// SplitTerms.splitMinorInto against dinero.js's allocate, aim 0.3).
//
//   node benches/profile/node_split.mjs [--smoke]
//
// Times in one run: splitMinorInto as benches/node/bench.mjs measures it; napi calls that do
// almost nothing (a class method with one argument, as splitMinorInto is one with two, and a
// free function on a handle), which set the floor any crossing into Rust pays; the other
// prepared form, which builds an object (in lib.cjs from splitMinorInto's array for a bigint
// gross, through napi for a string); split() from strings, its one crossing into Rust alone
// (`splitPacked`, which lib.cjs calls with the arguments packed into one string), and the
// cost of making its arguments; and dinero.js, whole and its object alone. The split itself
// in Rust is in BENCHMARKS.md: criterion's split_2_creators row (`SplitTerms::split_into`,
// tens of nanoseconds) and the core table's parse_and_split_2_creators_from_strings.
import { createRequire } from 'node:module';
import * as lg from '../../crates/node/lib.mjs';
import { profileTable } from '../node/measure.mjs';

const require = createRequire(new URL('../node/bench.mjs', import.meta.url));
const { dinero, allocate, GBP } = require('dinero.js');
const native = require('../../crates/node/native.cjs');

const terms = new lg.SplitTerms('GBP', [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }], { creatorShare: '0.8' });
const out = new BigInt64Array(5);
terms.splitMinorInto(123457n, out);
if (`${out}` !== '74075,24691,98766,24691,0') throw new Error(`splitMinorInto disagrees: ${out}`);
const packed = '1234.57\0GBP\0' + '0.8\0\0\0\0a\0' + '3\0b\0' + '1';
if (native.splitPacked(packed, 1) !== 'GBP\u00001234.57\u0000246.91\u00000.00\u0000987.66\u00000.80\u0000platform\u0000largest_remainder\u0000740.75\u0000246.91') {
  throw new Error(`splitPacked disagrees: ${JSON.stringify(native.splitPacked(packed, 1))}`);
}
const nb = new native.NativeBreaker();
const handle = nb.handle();
let t = 0;

const rows = [
  ['SplitTerms.splitMinorInto(123457n, out) (the bench\'s row)', () => terms.splitMinorInto(123457n, out)],
  ['SplitTerms.splitMinor(123457n): the same split, an object of bigints returned', () => terms.splitMinor(123457n)],
  ['SplitTerms.splitMinor(\'1234.57\'): a string gross, the native method (napi builds the object)', () => terms.splitMinor('1234.57')],
  ['a napi class method, one argument: NativeBreaker#acquire(t)', () => nb.acquire((t += 1e-6))],
  ['a napi function on a handle: breakerAcquire(handle, t, 0, 0)', () => native.breakerAcquire(handle, (t += 1e-6), 0, 0)],
  ['split(\'1234.57\', \'GBP\', creators, options) (the bench\'s split() row)', () => lg.split('1234.57', 'GBP', [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }], { creatorShare: '0.8' })],
  ['splitPacked(packed, 1): split()\'s one crossing, a string in and one out, the core\'s parse and split inside', () => native.splitPacked(packed, 1)],
  ['the same arguments made anew (what every split() row also pays)', () => [['1234.57', 'GBP', [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }], { creatorShare: '0.8' }]]],
  ['dinero.js allocate(dinero(...), [3, 1]) (the peer\'s row)', () => allocate(dinero({ amount: 98766, currency: GBP }), [3, 1])],
  ['dinero.js dinero({ amount, currency }) alone', () => dinero({ amount: 98766, currency: GBP })],
];
await profileTable(rows.map(([name, fn]) => [name, fn, 'sync']), process.argv.includes('--smoke'));
