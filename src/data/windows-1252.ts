/**
 * Windows-1252 ("ANSI", the Western European code page of Windows exports) decoding. It is
 * ISO-8859-1 except for bytes 0x80–0x9F, which hold printable characters (€, curly quotes, dashes…)
 * where ISO-8859-1 has C1 controls. Node 20's TextDecoder('windows-1252') decodes those bytes as
 * ISO-8859-1 (seen on Node 20.20), so the mapping is done here. Table: the WHATWG Encoding
 * Standard's index-windows-1252 (the five bytes it leaves unassigned map to the C1 code point).
 */
const HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d,
  0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x009d, 0x017e, 0x0178,
].map((c) => String.fromCharCode(c));

const HAS_C1 = /[\u0080-\u009f]/;
const C1 = /[\u0080-\u009f]/g;

/**
 * Decodes Windows-1252 bytes. One byte per character, so any slice of a file decodes on its own.
 * O(n).
 * @example decodeWindows1252(Buffer.from([0x80, 0x35, 0x20, 0x63, 0x61, 0x66, 0xe9])) // '€5 café'
 */
export function decodeWindows1252(bytes: Buffer): string {
  const text = bytes.toString('latin1');
  return HAS_C1.test(text) ? text.replace(C1, (ch) => HIGH[ch.charCodeAt(0) - 0x80]!) : text;
}
