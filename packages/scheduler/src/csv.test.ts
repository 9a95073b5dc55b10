import { describe, expect, it } from 'vitest';

import { parseDelimited } from './csv';
import { TraceError } from './errors';

describe('parseDelimited', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks, and CRLF', () => {
    const t = parseDelimited(
      'a,b,c\r\n1,"x,y",3\r\n\r\n"he said ""hi""","two\nlines",z\n',
      'f.csv',
    );
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.rows).toEqual([
      ['1', 'x,y', '3'],
      ['he said "hi"', 'two\nlines', 'z'],
    ]);
    expect(t.lines).toEqual([2, 4]);
  });

  it('takes another separator (sacct --parsable2 uses |)', () => {
    const t = parseDelimited('JobID|State\n1|COMPLETED\n', 'sacct.txt', '|');
    expect(t.rows).toEqual([['1', 'COMPLETED']]);
  });

  it('names the file and line of a row with the wrong number of fields', () => {
    expect(() => parseDelimited('a,b\n1,2\n3\n', 'pods.csv')).toThrow(
      /^pods\.csv line 3: row "1 fields" must have 2 fields like the header$/,
    );
    expect(() => parseDelimited('a\n"open', 'x.csv')).toThrow(TraceError);
    expect(() => parseDelimited('', 'empty.csv')).toThrow(/empty\.csv line 1: header is missing/);
  });
});
