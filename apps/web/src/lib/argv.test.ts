import { describe, expect, it } from 'vitest';

import { formatArgv, parseCommandLine } from './argv';

describe('parseCommandLine', () => {
  it('splits words the way a POSIX shell would, without running one', () => {
    expect(parseCommandLine(`python  train.py --lr 0.1`)).toEqual({
      argv: ['python', 'train.py', '--lr', '0.1'],
    });
    expect(parseCommandLine(`echo 'a  b' "c \\"d\\"" e\\ f ''`)).toEqual({
      argv: ['echo', 'a  b', 'c "d"', 'e f', ''],
    });
    expect(parseCommandLine(`echo $HOME | cat`)).toEqual({ argv: ['echo', '$HOME', '|', 'cat'] });
  });

  it('says which quote is left open', () => {
    expect(parseCommandLine(`echo "oops`)).toEqual({ error: 'unterminated double quote' });
    expect(parseCommandLine(`echo 'oops`)).toEqual({ error: 'unterminated single quote' });
  });

  it('formats argv so that it parses back to the same words', () => {
    const cases = [
      ['node', '-e', `console.log("hi")`],
      ['a b', `it's`, 'x\\y', ''],
      ['plain-arg_1.txt'],
    ];
    for (const argv of cases) expect(parseCommandLine(formatArgv(argv))).toEqual({ argv });
  });
});
