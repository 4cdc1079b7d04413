import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LayoutError, parseMapping, resolveLayout } from '../src/data/layouts.js';

test('the UCI Online Retail columns are recognised as they are', () => {
  const l = resolveLayout('x.csv', [
    'InvoiceNo',
    'StockCode',
    'Description',
    'Quantity',
    'InvoiceDate',
    'UnitPrice',
    'CustomerID',
    'Country',
  ]);
  assert.equal(l.name, 'uci-online-retail');
  assert.equal(l.spec.kind, 'order_lines');
  assert.equal(l.index['sku'], 1);
  assert.equal(l.index['ordered_at'], 4);
  assert.equal(l.index['channel'], -1);
  // its dates, where not ISO, are written month first (12/1/2010 8:26)
  assert.equal(l.dateOrder, 'mdy');
  assert.equal(resolveLayout('x', ['order_id', 'ordered_at', 'sku', 'quantity', 'unit_price']).dateOrder, undefined);
});

test('generic order lines and daily sales are recognised by name, in any spelling', () => {
  assert.equal(resolveLayout('x', ['Order ID', 'Ordered At', 'SKU', 'Quantity', 'Unit Price']).name, 'order-lines');
  const d = resolveLayout('x', ['date', 'sku', 'units', 'promo']);
  assert.equal(d.name, 'daily-sales');
  assert.equal(d.index['promo'], 3);
  assert.equal(d.index['open'], -1);
});

test('an unknown layout names the columns found, those needed and how to map them', () => {
  assert.throws(
    () => resolveLayout('shop.csv', ['Store', 'Date', 'Sales']),
    (e: Error) =>
      e instanceof LayoutError &&
      /shop\.csv: layout not recognised/.test(e.message) &&
      /Columns found: Store, Date, Sales/.test(e.message) &&
      /sku, date, units/.test(e.message) &&
      /--map FILE/.test(e.message),
  );
});

test('a mapping file maps other names (the Rossmann layout)', () => {
  const m = parseMapping(
    'm.json',
    JSON.stringify({
      layout: 'daily_sales',
      columns: { sku: 'Store', date: 'Date', units: 'Sales', open: 'Open', promo: 'Promo' },
    }),
  );
  const l = resolveLayout('train.csv', ['Store', 'DayOfWeek', 'Date', 'Sales', 'Customers', 'Open', 'Promo'], m);
  assert.equal(l.name, 'mapped');
  assert.deepEqual(
    [l.index['sku'], l.index['date'], l.index['units'], l.index['open'], l.index['promo']],
    [0, 2, 3, 5, 6],
  );
  assert.throws(() => resolveLayout('t.csv', ['Store', 'Date'], m), /'Sales' are not in the file/);
  assert.throws(
    () => parseMapping('m.json', '{"layout":"daily_sales","columns":{"store":"Store"}}'),
    /unknown column 'store'/,
  );
  assert.throws(() => parseMapping('m.json', 'nope'), /not valid JSON/);
});
