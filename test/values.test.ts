import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlag, parseNumber, parseTimestamp, slashDateParts } from '../src/data/values.js';

test('parseTimestamp reads ISO dates and timestamps', () => {
  assert.equal(parseTimestamp('2011-11-04'), '2011-11-04 00:00:00');
  assert.equal(parseTimestamp('2011-11-04 18:11'), '2011-11-04 18:11:00');
  assert.equal(parseTimestamp('2011-11-04T18:11:05Z'), '2011-11-04 18:11:05');
  assert.equal(parseTimestamp(' 2011-1-4 8:05:00 '), '2011-01-04 08:05:00');
});

test('parseTimestamp reads slashes month-first and dots day-first unless told otherwise', () => {
  assert.equal(parseTimestamp('12/1/2010 8:26'), '2010-12-01 08:26:00');
  assert.equal(parseTimestamp('12/1/2010 8:26', 'dmy'), '2010-01-12 08:26:00');
  assert.equal(parseTimestamp('04.11.2011'), '2011-11-04 00:00:00');
});

test('parseTimestamp rejects impossible or foreign text', () => {
  for (const bad of [
    '2010-13-45 08:26:00',
    '2011-02-29',
    '2011-02-30',
    '2011-11-04 25:00',
    'yesterday',
    '',
    '20111104',
  ])
    assert.equal(parseTimestamp(bad), undefined, bad);
  assert.equal(parseTimestamp('2012-02-29'), '2012-02-29 00:00:00');
});

test('parseNumber is strict', () => {
  assert.equal(parseNumber('2.55'), 2.55);
  assert.equal(parseNumber('-12'), -12);
  assert.equal(parseNumber('1e3'), 1000);
  assert.equal(parseNumber('2,55', ','), 2.55);
  for (const bad of ['six', '', '0x10', 'Infinity', 'NaN', '1,5', '1.2.3'])
    assert.equal(parseNumber(bad), undefined, bad);
});

test('parseFlag reads yes/no in its usual spellings', () => {
  assert.equal(parseFlag('1'), true);
  assert.equal(parseFlag('FALSE'), false);
  assert.equal(parseFlag('y'), true);
  assert.equal(parseFlag('maybe'), undefined);
});

test('slashDateParts gives the two numbers that tell day-first from month-first', () => {
  assert.deepEqual(slashDateParts('12/13/2010 8:26'), { first: 12, second: 13, separator: '/' });
  assert.deepEqual(slashDateParts(' 04.11.2011 '), { first: 4, second: 11, separator: '.' });
  assert.equal(slashDateParts('2011-11-04'), undefined);
  assert.equal(slashDateParts('12/13'), undefined);
});
