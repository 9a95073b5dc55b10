import { TraceError } from './errors';

export type CsvTable = {
  header: string[];
  /** Data rows, every one as long as the header. */
  rows: string[][];
  /** 1-based line in the file where each row starts (the header is line 1 in most files). */
  lines: number[];
};

/**
 * RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) with any one-character separator. Small
 * and strict: a row with the wrong number of fields is an error naming its line. Blank lines are
 * skipped. `file` only labels errors.
 */
export function parseDelimited(text: string, file: string, separator = ','): CsvTable {
  if (typeof text !== 'string')
    throw new TraceError(file, 0, 'text', typeof text, 'must be a string');
  const sep = separator.charCodeAt(0);
  const rows: string[][] = [];
  const lines: number[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  // A UTF-8 byte-order mark is not part of the first column's name.
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const startLine = line;
    const row: string[] = [];
    let rowDone = false;
    while (!rowDone) {
      let field: string;
      if (i < n && text.charCodeAt(i) === 34 /* " */) {
        // Quoted field: runs to the closing quote; "" is one quote; may span lines.
        i++;
        let start = i;
        field = '';
        for (;;) {
          if (i >= n)
            throw new TraceError(file, startLine, 'quoted field', undefined, 'is never closed');
          const c = text.charCodeAt(i);
          if (c === 34) {
            if (text.charCodeAt(i + 1) === 34) {
              field += text.slice(start, i + 1);
              i += 2;
              start = i;
              continue;
            }
            field += text.slice(start, i);
            i++;
            break;
          }
          if (c === 10) line++;
          i++;
        }
        const c = i < n ? text.charCodeAt(i) : 10;
        if (c !== sep && c !== 10 && c !== 13)
          throw new TraceError(
            file,
            line,
            'quoted field',
            field,
            'must be followed by a separator or the end of the line',
          );
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === sep || c === 10 || c === 13) break;
          i++;
        }
        field = text.slice(start, i);
      }
      row.push(field);
      if (i >= n) {
        rowDone = true;
      } else {
        const c = text.charCodeAt(i);
        if (c === sep) {
          i++;
        } else {
          // End of line: LF, CRLF or a lone CR.
          if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
          i++;
          line++;
          rowDone = true;
        }
      }
    }
    if (row.length === 1 && row[0] === '') continue;
    rows.push(row);
    lines.push(startLine);
  }
  if (rows.length === 0)
    throw new TraceError(file, 1, 'header', undefined, 'is missing: the file is empty');
  const header = rows.shift()!.map((h) => h.trim());
  lines.shift();
  for (let r = 0; r < rows.length; r++) {
    if (rows[r]!.length !== header.length)
      throw new TraceError(
        file,
        lines[r]!,
        'row',
        `${rows[r]!.length} fields`,
        `must have ${header.length} fields like the header`,
      );
  }
  return { header, rows, lines };
}

/** Column lookup that turns a missing column into an error naming the file and what was expected. */
export function columnIndex(
  table: CsvTable,
  file: string,
  names: readonly string[],
  required: boolean,
): number {
  const lower = table.header.map((h) => h.toLowerCase());
  for (const name of names) {
    const i = lower.indexOf(name.toLowerCase());
    if (i >= 0) return i;
  }
  if (required)
    throw new TraceError(
      file,
      1,
      'header',
      table.header.join(','),
      `has no ${names.map((n) => `"${n}"`).join(' or ')} column`,
    );
  return -1;
}
