import { describe, expect, it } from 'vitest';

import { CsvError, parseCsvDataset } from './csv';

describe('parseCsvDataset', () => {
  it('reads numeric inputs and a numeric target, skipping blank lines', () => {
    const d = parseCsvDataset('x1, x2 ,y\n0.5,1,0\n\n-2,3e-1,1\r\n', { target: 'y' });
    expect(d).toMatchObject({ size: 2, inputs: 2, outputs: 1, featureNames: ['x1', 'x2'] });
    expect([...d.x]).toEqual([0.5, 1, -2, Math.fround(0.3)]);
    expect([...d.y]).toEqual([0, 1]);
  });

  it('one-hot encodes a categorical target in sorted order', () => {
    const d = parseCsvDataset('a,species,b\n1,virginica,2\n3,setosa,4\n5,versicolor,6\n', {
      target: 'species',
      categorical: true,
    });
    expect(d.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect([...d.y]).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect([...d.x]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('takes several target columns', () => {
    const d = parseCsvDataset('a,t1,t2\n1,2,3\n', { target: ['t1', 't2'] });
    expect(d.outputs).toBe(2);
    expect([...d.y]).toEqual([2, 3]);
  });

  const bad: { name: string; text: string; message: RegExp; line?: number; field?: string }[] = [
    {
      name: 'a word among numbers',
      text: 'x1,x2,y\n1,2,0\n3,abc,1\n',
      message: /^line 3, field "x2": "abc" is not a number$/,
      line: 3,
      field: 'x2',
    },
    {
      name: 'an empty value',
      text: 'x1,y\n1,0\n,1\n',
      message: /^line 3, field "x1": empty value$/,
      line: 3,
      field: 'x1',
    },
    {
      name: 'a non-numeric target',
      text: 'x,y\n1,yes\n',
      message: /line 2, field "y": "yes" is not a number/,
      line: 2,
      field: 'y',
    },
    {
      name: 'a short row, counted past a blank line and a quoted newline',
      text: 'a,b,y\n"1\n",2,0\n\n3,4\n',
      message: /^line 5: 2 fields, expected 3/,
      line: 5,
    },
    {
      name: 'a missing target column',
      text: 'a,b\n1,2\n',
      message: /line 1: no column "y" for the target \(columns: a, b\)/,
      line: 1,
    },
    { name: 'a duplicate column', text: 'a,a,y\n1,2,3\n', message: /column "a" appears twice/ },
    { name: 'a header only', text: 'a,y\n', message: /no data rows/ },
    { name: 'an empty file', text: '\n\n', message: /empty/ },
    {
      name: 'an infinite value',
      text: 'a,y\n1e999,1\n',
      message: /line 2, field "a": "1e999" is not a number/,
    },
  ];

  it.each(bad)('refuses $name, naming where', ({ text, message, line, field }) => {
    let err: unknown;
    try {
      parseCsvDataset(text, { target: 'y' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CsvError);
    expect((err as CsvError).message).toMatch(message);
    if (line !== undefined) expect((err as CsvError).line).toBe(line);
    if (field !== undefined) expect((err as CsvError).field).toBe(field);
  });
});
