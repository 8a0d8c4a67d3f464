// The timing loop of the Node benchmarks and profiles: `batch` calls timed together,
// `repeat` times after a warm-up batch; the median, in nanoseconds per call.
const median = (runs) => runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)];

export function timer(smoke) {
  const [batch, repeat] = smoke ? [200, 3] : [20_000, 15];
  return {
    async measure(fn) {
      for (let i = 0; i < batch; i++) await fn(); // warm up
      const runs = [];
      for (let r = 0; r < repeat; r++) {
        const t0 = performance.now();
        for (let i = 0; i < batch; i++) await fn();
        runs.push(((performance.now() - t0) * 1e6) / batch);
      }
      return median(runs);
    },
    measureSync(fn) {
      for (let i = 0; i < batch; i++) fn();
      const runs = [];
      for (let r = 0; r < repeat; r++) {
        const t0 = performance.now();
        for (let i = 0; i < batch; i++) fn();
        runs.push(((performance.now() - t0) * 1e6) / batch);
      }
      return median(runs);
    },
  };
}

// A profile's table: rows `[name, fn, sync?]` timed in turn over five rounds (one when
// `smoke`), each row's median over the rounds printed, so that a slow spell of the machine
// spreads over every row instead of landing on one. `sync` rows are timed without an await.
export async function profileTable(rows, smoke) {
  const { measure, measureSync } = timer(smoke);
  const times = rows.map(() => []);
  for (let r = 0; r < (smoke ? 1 : 5); r++) {
    for (const [i, [, fn, sync]] of rows.entries()) times[i].push(sync ? measureSync(fn) : await measure(fn));
  }
  console.log('| piece | ns per call |');
  console.log('|---|---|');
  for (const [i, [name]] of rows.entries()) console.log(`| ${name} | ${median(times[i]).toFixed(0)} |`);
}
