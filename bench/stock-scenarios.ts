/**
 * One-off timing of a SKU's stock scenarios (`stockScenarios`: 2,000 scaled block-bootstrap windows of a 700-day
 * intermittent history around a 28-day forecast, log-normal lead times of mean 7–26 days) over 2,000 SKUs of
 * synthetic series; prints the milliseconds a SKU and a checksum of the scenarios (the same before and after a change
 * that must keep the numbers). Needs no outside data.
 *   node dist/bench/stock-scenarios.js
 */
import { stockScenarios } from '../src/inventory/stock-policy.js';
import { mulberry32, normalSource } from '../src/numerics/random.js';

const r = mulberry32(7);
const history = Float64Array.from({ length: 700 }, () => (r() < 0.4 ? Math.floor(r() * 12) : 0));
const mean = Float64Array.from({ length: 28 }, () => 2 + r());
const skus = 2000;
let checksum = 0;
const t0 = performance.now();
for (let k = 0; k < skus; k++) {
  const uniform = mulberry32(k);
  const t = stockScenarios({
    history,
    mean,
    leadTime: { mean: 7 + (k % 20), sd: 2 + (k % 3) },
    reviewDays: 7,
    scenarios: 2000,
    uniform,
    normal: normalSource(uniform),
  });
  checksum += t.protection.sorted[1500]! + t.lead.suffix[100]! * 1e-3 + t.cycleMean;
}
console.log(`${((performance.now() - t0) / skus).toFixed(3)} ms a SKU; checksum ${checksum}`);
