/** A small shop for the launch planner: 36 products launched in the data (enough to learn from) and 6 older ones. */
import { mulberry32 } from '../src/numerics/random.js';
import { day, poissonSource, writeText } from './helpers.js';

const COLOURS = ['RED', 'BLUE', 'GREEN', 'PINK', 'WHITE', 'BLACK'];
const ITEMS = ['MUG', 'LUNCH BAG', 'LAMP', 'CANDLE', 'CUSHION', 'TEA TOWEL', 'VASE'];

/** 42 products launched every 5 days from day 30, each selling Poisson(1 + k mod 4) a day; descriptions as words. */
export function launchShop(dir: string, days: number, name: string): string {
  const poisson = poissonSource(mulberry32(days));
  const rows = ['order_id,ordered_at,sku,quantity,unit_price,description'];
  let order = 0;
  for (let k = 0; k < 42; k++) {
    const first = k < 6 ? 0 : 30 + 5 * (k - 6);
    const description = `${COLOURS[k % COLOURS.length]} ${ITEMS[k % ITEMS.length]}`;
    for (let d = first; d < days; d++) {
      const units = poisson(1 + (k % 4));
      if (units > 0) rows.push(`O${++order},${day(d)} 10:00:00,P${k},${units},${2 + (k % 5)},${description}`);
    }
  }
  return writeText(dir, name, rows.join('\n') + '\n');
}
