// The timing loop of the Node benchmarks and profiles: `batch` calls timed together,
// `repeat` times after a warm-up batch; the median, in nanoseconds per call.
export function timer(smoke) {
  const [batch, repeat] = smoke ? [200, 3] : [20_000, 15];
  const median = (runs) => runs.sort((a, b) => a - b)[Math.floor(runs.length / 2)];
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
