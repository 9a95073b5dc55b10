import { describe, expect, it } from 'vitest';

import { toCsv } from './facility-csv';

describe('toCsv', () => {
  it('quotes what needs quoting and leaves gaps empty', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 1.5],
          ['say "hi"', null],
        ],
      ),
    ).toBe('a,b\r\n"x,y",1.5\r\n"say ""hi""",\r\n');
  });
});
