import { estimateJob } from '@wattwise/cost-model';
import { describe, expect, it } from 'vitest';

import {
  estimateFromValues,
  keyOfField,
  parseAmount,
  searchFromValues,
  sig,
  valuesFromSearch,
} from './estimate-params';

describe('parseAmount', () => {
  it('reads numbers as the CLI reads its flags', () => {
    expect(parseAmount('175B')).toBe(175e9);
    expect(parseAmount('3.15e23')).toBe(3.15e23);
    expect(parseAmount(' 0.4 ')).toBe(0.4);
    expect(parseAmount('2k')).toBe(2000);
    expect(parseAmount('1T')).toBe(1e12);
    expect(parseAmount('')).toBeUndefined();
    expect(parseAmount(undefined)).toBeUndefined();
    expect(parseAmount('lots')).toBeNaN();
    expect(parseAmount('1e999')).toBeNaN();
  });
});

describe('estimateFromValues', () => {
  it('gives what estimateJob gives for the same inputs, defaults included', () => {
    const out = estimateFromValues({ gpu: 'H100 SXM', count: '8', params: '7B', tokens: '1T' });
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.input).toEqual({ accelerator: 'H100 SXM', count: 8, params: 7e9, tokens: 1e12 });
    const direct = estimateJob({ accelerator: 'H100 SXM', count: 8, params: 7e9, tokens: 1e12 });
    expect({ ...out.estimate, sources: null }).toEqual({ ...direct, sources: null });
    // Only the hints to pass a cost are re-worded, into the form's field names.
    expect(out.estimate.sources.operations.note).toBe(
      'not given: 0 (pass "Operations per GPU-hour")',
    );
    expect(out.estimate.sources.duration).toEqual(direct.sources.duration);
  });

  it('refuses missing and contradictory inputs by field, before the model sees them', () => {
    const none = estimateFromValues({});
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.errors.map((e) => e.key)).toEqual(['gpu', null]);
    const both = estimateFromValues({
      gpu: 'V100',
      flops: '1e20',
      params: '1B',
      'gpu-hours': '5',
      days: '2',
    });
    if (!both.ok) expect(both.errors.map((e) => e.key)).toEqual(['flops', 'tokens', 'days']);
    const bad = estimateFromValues({ gpu: 'V100', days: 'two' });
    if (!bad.ok)
      expect(bad.errors).toEqual([
        { key: 'days', message: expect.stringMatching(/"two" is not a number/) },
      ]);
  });

  it("points the model's refusals at the field they name", () => {
    const out = estimateFromValues({ gpu: 'A100', days: '2' });
    expect(out.ok).toBe(false);
    if (!out.ok)
      expect(out.errors[0]).toEqual({ key: 'gpu', message: expect.stringMatching(/ambiguous/) });
    const pue = estimateFromValues({ gpu: 'V100', days: '2', pue: '0.9' });
    if (!pue.ok) expect(pue.errors[0]!.key).toBe('pue');
    expect(keyOfField('mfuRange.low')).toBe('mfu');
    expect(keyOfField('work')).toBeNull();
  });
});

describe('URL values', () => {
  it('round-trip through a query string, blanks and unknown keys left out', () => {
    const values = valuesFromSearch(new URLSearchParams('gpu=V100&days=2&pue=&foo=1'));
    expect(values).toEqual({ gpu: 'V100', days: '2' });
    expect(searchFromValues({ ...values, count: ' 4 ', mfu: '' })).toBe('gpu=V100&count=4&days=2');
  });
});

describe('sig', () => {
  it('prints four significant digits like the CLI table', () => {
    expect(sig(1234.567)).toBe('1,235');
    expect(sig(0.123456)).toBe('0.1235');
    expect(sig(12_345_678)).toBe('1.23e+7');
    expect(sig(0.0001)).toBe('1.00e-4');
    expect(sig(0)).toBe('0');
  });
});
