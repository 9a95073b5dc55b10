import { describe, expect, it } from 'vitest';

import { newId } from './ids';

describe('newId', () => {
  it('prefixes the type and draws 80 random bits from a 32-letter alphabet', () => {
    const ids = Array.from({ length: 2000 }, () => newId('job'));
    for (const id of ids) expect(id).toMatch(/^job_[0-9a-hjkmnp-tv-z]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
