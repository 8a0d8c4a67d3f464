// Millions of calls into the Node binding, error paths included; RSS must stay flat.
//   node --expose-gc tests/leaks/node_loop.mjs [ITERATIONS]
import * as lg from '../../crates/node/lib.mjs';

const n = Number(process.argv[2] ?? 500_000);
const ev = lg.Policy.builtin().evaluator();
const C = [{ id: 'a', weight: '3' }, { id: 'b', weight: '1' }];
let t = 0;
async function round(count) {
  for (let i = 0; i < count; i++) {
    lg.split('100.00', 'GBP', C, { creatorShare: '0.8' });
    try { lg.split('100.00', 'GBP', C, { creatorShare: '0.7' }); } catch {}
    try { lg.split(1.5, 'GBP', C); } catch {}
    ev.observe(t++, { http_error_rate: 0.02 }, { database: true });
    try { ev.observe(t - 1, {}, {}); } catch {}
    lg.bucket(`user-${i}`, 'flag');
    try { new lg.Threshold('==', 1, 0); } catch {}
    // A store's calls are async tasks on libuv's pool: their promises and envelopes too.
    const store = new lg.Store('memory:');
    await store.append('s', 'a', { n: i });
    await store.append('s', 'a', '{}').catch(() => {});
  }
}
// napi runs the finalizers of collected native objects from the event loop: let it turn
// after each collection, so that what Valgrind sees at exit is only what is still alive.
const settle = () => new Promise((resolve) => setImmediate(resolve));
const rss = async () => {
  global.gc?.();
  await settle();
  global.gc?.();
  await settle();
  return process.memoryUsage().rss;
};
// V8 sizes its heap to the workload over the first few million calls (measured: an
// error-heavy loop settles about 6 MB up, then stays), so warm up with that many, then
// compare two equal windows: a leak grows in both, heap sizing in neither.
await round(n);
const a0 = await rss();
await round(n);
const a1 = await rss();
await round(n);
const a2 = await rss();
const kib = (x) => Math.round(x / 1024);
console.log(`${n} iterations (${n * 10} calls) per window: RSS ${kib(a0)} -> ${kib(a1)} -> ${kib(a2)} KiB (windows: ${kib(a1 - a0)} KiB, ${kib(a2 - a1)} KiB)`);
process.exit(kib(a2 - a1) < 2048 ? 0 : 1);
