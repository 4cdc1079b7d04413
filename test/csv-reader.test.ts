import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { type CsvRecord, type CsvReject, readCsv, splitCsvLine } from '../src/data/csv-reader.js';
import { tempDir, writeText } from './helpers.js';

test('splitCsvLine follows RFC 4180 quoting', () => {
  assert.deepEqual(splitCsvLine('a,b,c', ','), { fields: ['a', 'b', 'c'] });
  assert.deepEqual(splitCsvLine('a,"b,c",d', ','), { fields: ['a', 'b,c', 'd'] });
  assert.deepEqual(splitCsvLine('"RECORD FRAME 7"" SINGLE",2', ','), { fields: ['RECORD FRAME 7" SINGLE', '2'] });
  assert.deepEqual(splitCsvLine('a,', ','), { fields: ['a', ''] });
  assert.deepEqual(splitCsvLine('"a",', ','), { fields: ['a', ''] });
  assert.deepEqual(splitCsvLine('a;"b;c"', ';'), { fields: ['a', 'b;c'] });
});

test('splitCsvLine refuses stray quotes instead of guessing', () => {
  assert.deepEqual(splitCsvLine('a,"b,c', ','), { unterminated: true });
  assert.match(splitCsvLine('a,IVO"RY,c', ',').error!, /stray quote in field 2/);
  assert.match(splitCsvLine('a,"b"x,c', ',').error!, /after closing quote/);
});

async function read(text: string | Buffer, name = 'f.csv') {
  const { dir, cleanup } = tempDir();
  try {
    const path = writeText(dir, name, text);
    const records: CsvRecord[] = [];
    const rejects: CsvReject[] = [];
    let header: string[] = [];
    const res = await readCsv(path, {
      header: (cols) => (header = cols),
      record: (r) => records.push(r),
      reject: (r) => rejects.push(r),
    });
    return { header, records, rejects, res };
  } finally {
    cleanup();
  }
}

test('readCsv gives every line a record or a reject, with its line number', async () => {
  const text = [
    'a,b,c',
    '1,2,3',
    '4,5', // missing column
    '6,"7,8",9',
    '10,"11\nstill 11",12', // a quoted field across two lines
    '13,"14,15', // unterminated: rejected alone, the next line is read afresh
    '16,17,18',
    '19,2"0,21', // stray quote
    '',
    '22,23,24,25', // too many
    '26,27,28',
  ].join('\r\n');
  const { header, records, rejects, res } = await read(text);
  assert.deepEqual(header, ['a', 'b', 'c']);
  assert.deepEqual(
    records.map((r) => [r.line, r.fields]),
    [
      [2, ['1', '2', '3']],
      [4, ['6', '7,8', '9']],
      [5, ['10', '11\nstill 11', '12']], // line breaks inside a field are read as \n
      [8, ['16', '17', '18']],
      [12, ['26', '27', '28']],
    ],
  );
  assert.deepEqual(
    rejects.map((r) => [r.line, r.reason]),
    [
      [3, 'missing columns: expected 3, found 2'],
      [7, 'unterminated quote'],
      [9, 'stray quote in field 2'],
      [11, 'too many columns: expected 3, found 4'],
    ],
  );
  assert.equal(res.blankLines, 1);
  assert.equal(res.lines, 12);
});

test('readCsv rejects invalid UTF-8 line by line and reads gzip, BOM and other delimiters', async () => {
  const body = Buffer.concat([
    Buffer.from('\ufeffsku;units\nA;1\nB'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from(';2\nC;3\n'),
  ]);
  const { header, records, rejects } = await read(gzipSync(body), 'f.csv.gz');
  assert.deepEqual(header, ['sku', 'units']);
  assert.deepEqual(
    records.map((r) => r.fields[0]),
    ['A', 'C'],
  );
  assert.equal(rejects.length, 1);
  assert.equal(rejects[0]!.line, 3);
  assert.match(rejects[0]!.reason, /invalid UTF-8 at byte 1/);
});
