import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  type CsvReaderOptions,
  type CsvRecord,
  type CsvReject,
  readCsv,
  splitCsvLine,
} from '../src/data/csv-reader.js';
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

async function read(text: string | Buffer, name = 'f.csv', options: CsvReaderOptions = {}) {
  const { dir, cleanup } = tempDir();
  try {
    const path = writeText(dir, name, text);
    const records: CsvRecord[] = [];
    const rejects: CsvReject[] = [];
    let header: string[] = [];
    const res = await readCsv(
      path,
      {
        header: (cols) => (header = cols),
        record: (r) => records.push(r),
        reject: (r) => rejects.push(r),
      },
      options,
    );
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
      [7, 'unterminated quote (line 8 reads as a row of its own)'],
      [9, 'stray quote in field 2'],
      [11, 'too many columns: expected 3, found 4'],
    ],
  );
  assert.equal(res.blankLines, 1);
  assert.equal(res.continuationLines, 1);
  assert.equal(res.lines, 12);
  assert.equal(res.lines, 1 + records.length + rejects.length + res.blankLines + res.continuationLines);
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

/** Every physical line is the header, a record, a reject, a blank or a continuation line. */
function assertAccounted(r: Awaited<ReturnType<typeof read>>): void {
  const { records, rejects, res } = r;
  assert.equal(res.lines, 1 + records.length + rejects.length + res.blankLines + res.continuationLines);
}

test('a lost closing quote never swallows the rows after it', async () => {
  // Lines 2, 5 and 12 lost the closing quote of their description; lines 9-10 are a real two-line
  // field; line 15 has a stray quote (an inch mark) on which line 12's field could close: 13 and 14
  // would then vanish into one record's description.
  const lines = [
    'order_id,sku,description,quantity',
    '1,A,"MUG, RED,6',
    '2,B,PLATE,1',
    '3,C,"BOWL, BLUE",2',
    '4,D,"JAR, TALL,3',
    '5,E,"CUP ""TALL""",4',
    '6,F,SPOON,5',
    '',
    '7,G,"TWO',
    'LINES",6',
    '8,H,KNIFE,7',
    '9,K,"LAMP, BLUE,1',
    '10,L,CANDLE,2',
    '11,M,VASE,3',
    '12,N,FRAME 7",4',
    '13,O,BOX,5',
  ];
  const r = await read(lines.join('\n') + '\n');
  assert.deepEqual(
    r.records.map((x) => [x.line, x.fields[2]]),
    [
      [3, 'PLATE'],
      [4, 'BOWL, BLUE'],
      [6, 'CUP "TALL"'],
      [7, 'SPOON'],
      [9, 'TWO\nLINES'],
      [11, 'KNIFE'],
      [13, 'CANDLE'],
      [14, 'VASE'],
      [16, 'BOX'],
    ],
  );
  assert.deepEqual(
    r.rejects.map((x) => [x.line, x.reason]),
    [
      [2, 'unterminated quote (line 3 reads as a row of its own)'],
      [5, 'unterminated quote (line 6 reads as a row of its own)'],
      [12, 'unterminated quote (line 13 reads as a row of its own)'],
      [15, 'stray quote in field 3'],
    ],
  );
  assert.equal(r.res.blankLines, 1);
  assert.equal(r.res.continuationLines, 1);
  assertAccounted(r);
});

test('a record spans at most maxRecordLines lines; the lines of a longer one are read afresh', async () => {
  const note = (n: number) => Array.from({ length: n }, (_, i) => `note ${i}`).join('\n');
  const text = `a,b\n1,"short\n${note(2)}"\n2,"long\n${note(12)}"\n3,x\n`;
  const r = await read(text, 'f.csv', { maxRecordLines: 10 });
  assert.deepEqual(
    r.records.map((x) => x.line),
    [2, 18],
  );
  assert.equal(r.records[0]!.fields[1], 'short\nnote 0\nnote 1');
  assert.deepEqual(r.rejects[0], {
    line: 5,
    reason: 'unterminated quote (no closing quote within 10 lines)',
    raw: '2,"long',
  });
  // the note lines are rejected one by one (missing columns), the closing one too: none vanishes
  assert.equal(r.rejects.length, 13);
  assert.equal(r.rejects.at(-1)!.reason, 'stray quote in field 1');
  assert.equal(r.res.continuationLines, 2);
  assertAccounted(r);
});

test('an over-long line is rejected while it is read, with its line number, and reading goes on', async () => {
  const long = 'x'.repeat(5 * 2 ** 20);
  for (const name of ['long.csv', 'long.csv.gz']) {
    const text = `a,b\n1,first\n2,${long}\n3,last\n4,"open ${long}\n5,after`;
    const r = await read(name.endsWith('.gz') ? gzipSync(text) : text, name);
    assert.deepEqual(
      r.records.map((x) => [x.line, x.fields[1]]),
      [
        [2, 'first'],
        [4, 'last'],
        [6, 'after'],
      ],
    );
    assert.deepEqual(
      r.rejects.map((x) => [x.line, x.reason]),
      [
        [3, 'line longer than 1000000 bytes'],
        [5, 'line longer than 1000000 bytes'],
      ],
    );
    assert.ok(r.rejects[0]!.raw.length < 1100, 'only the beginning of the line is kept');
    assertAccounted(r);
  }
  // counted in bytes: 400,000 three-byte characters are 1,200,000 bytes
  const r = await read(`a,b\n1,${'€'.repeat(400_000)}\n2,x\n`);
  assert.deepEqual(
    r.rejects.map((x) => x.line),
    [2],
  );
});

test('windows-1252 files are read with encoding windows-1252; as UTF-8 their accented lines say which flag to use', async () => {
  const bytes = Buffer.concat([
    Buffer.from('sku,name\nA,'),
    Buffer.from([0x63, 0x61, 0x66, 0xe9]), // café
    Buffer.from('\nB,plain\nC,'),
    Buffer.from([0x80, 0x35]), // €5
    Buffer.from('\n'),
  ]);
  const cp = await read(bytes, 'f.csv', { encoding: 'windows-1252' });
  assert.deepEqual(
    cp.records.map((x) => x.fields[1]),
    ['café', 'plain', '€5'],
  );
  assert.equal(cp.res.invalidUtf8Lines, 0);
  const latin1 = await read(bytes, 'f.csv', { encoding: 'latin1' });
  assert.equal(latin1.records[2]!.fields[1], '€5');
  const u = await read(bytes);
  assert.deepEqual(
    u.records.map((x) => x.fields[1]),
    ['plain'],
  );
  assert.equal(u.res.invalidUtf8Lines, 2);
  assert.match(u.rejects[0]!.reason, /invalid UTF-8 at byte 5: .*--encoding windows-1252/);
  assertAccounted(u);
  await assert.rejects(
    read(Buffer.from('\ufeffsku,name\nA,b\n'), 'f.csv', { encoding: 'windows-1252' }),
    /UTF-8 byte-order mark/,
  );
});
