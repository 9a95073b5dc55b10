import { describe, expect, it } from 'vitest';

import { parseWindow, windowPeriod } from './facility-window';

describe('facility windows', () => {
  it('ends at the end of the current hour and reaches back the window', () => {
    const now = Date.parse('2025-03-03T10:20:00Z');
    expect(windowPeriod('24h', now)).toEqual({
      from: '2025-03-02T11:00:00.000Z',
      to: '2025-03-03T11:00:00.000Z',
    });
    // On the hour, the hour that just began is the current one.
    expect(windowPeriod('72h', Date.parse('2025-03-03T10:00:00Z'), 24)).toEqual({
      from: '2025-02-28T11:00:00.000Z',
      to: '2025-03-04T11:00:00.000Z',
    });
    expect(
      Date.parse(windowPeriod('12mo', now).to) - Date.parse(windowPeriod('12mo', now).from),
    ).toBe(365 * 86_400_000);
  });

  it('falls back to 30 days for anything it does not know', () => {
    expect(parseWindow('72h')).toBe('72h');
    expect(parseWindow('1y')).toBe('30d');
    expect(parseWindow(null)).toBe('30d');
  });
});
