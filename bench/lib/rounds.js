/**
 * Fair comparisons for the benchmarks: a warm-up round of each side (not counted), then
 * BENCH_ROUNDS (default 3) counted rounds in which baseline and plugin alternate which one runs
 * first, on the same prepared data. Prints each round's rates and ratio, then the median and range
 * of the ratio, and stores the figures in bench/results.json under the benchmark's key.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const RESULTS = path.join(__dirname, '..', 'results.json');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** `baseline()` and `plugin()` each run one measurement and answer a rate (higher is better). */
const alternate = async ({ label, baseline, plugin }) => {
  console.log(`${label}: warm-up round (not counted)`);
  await baseline();
  await plugin();
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? ['baseline', 'plugin'] : ['plugin', 'baseline'];
    const round = {};
    for (const side of order) round[side] = side === 'baseline' ? await baseline() : await plugin();
    round.ratio = round.plugin / round.baseline;
    rounds.push(round);
    console.log(`  round ${i + 1} (${order.join(' first, ')} second): baseline ${round.baseline.toFixed(0)}/s, plugin ${round.plugin.toFixed(0)}/s, ratio ${round.ratio.toFixed(2)}`);
  }
  const ratios = rounds.map((r) => r.ratio);
  const summary = { rounds, median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), baselineMedian: median(rounds.map((r) => r.baseline)), pluginMedian: median(rounds.map((r) => r.plugin)) };
  console.log(`  ratio median ${summary.median.toFixed(2)} (range ${summary.min.toFixed(2)}–${summary.max.toFixed(2)})`);
  return summary;
};

const machine = () => ({ cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, os: `${os.type()} ${os.release()}` });

/** Merges one benchmark's figures into bench/results.json (the README's tables come from it). */
const writeResult = (key, value) => {
  const all = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {};
  all[key] = { date: new Date().toISOString(), machine: machine(), ...value };
  fs.writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
};

module.exports = { alternate, writeResult, median, ROUNDS };
