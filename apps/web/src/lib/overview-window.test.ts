import { describe, expect, it } from 'vitest';

import { overviewViewFrom, searchOfView } from './overview-window';

const NOW = Date.parse('2025-03-10T14:25:00Z');
const view = (search: string) => overviewViewFrom(new URLSearchParams(search), NOW);

describe('overview window', () => {
  it('defaults to the last 30 days by day, up to the end of the current hour', () => {
    expect(view('')).toMatchObject({
      window: '30d',
      granularity: 'day',
      from: '2025-02-08T15:00:00.000Z',
      to: '2025-03-10T15:00:00.000Z',
      problem: null,
    });
  });

  it('gives short presets hourly buckets unless the URL asks for days', () => {
    expect(view('window=24h')).toMatchObject({
      granularity: 'hour',
      from: '2025-03-09T15:00:00.000Z',
    });
    expect(view('window=7d')).toMatchObject({
      granularity: 'hour',
      from: '2025-03-03T15:00:00.000Z',
    });
    expect(view('window=7d&granularity=day').granularity).toBe('day');
  });

  it('reads a custom window as whole UTC days, the last one included', () => {
    expect(view('window=custom&from=2025-03-01&to=2025-03-02')).toMatchObject({
      window: 'custom',
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-03T00:00:00.000Z',
      granularity: 'hour',
      fromDay: '2025-03-01',
      toDay: '2025-03-02',
    });
  });

  it('says what was wrong with a custom window and shows the default instead', () => {
    expect(view('window=custom&from=2025-03-05&to=2025-03-01')).toMatchObject({
      window: '30d',
      problem: 'to: 2025-03-01 is before from (2025-03-05)',
    });
    expect(view('window=custom&from=nope&to=2025-03-01').problem).toMatch(/^from: "nope"/);
    expect(view('window=custom&from=2023-01-01&to=2025-03-01').problem).toMatch(/400 days/);
  });

  it('never asks the API for hourly buckets over more than a quarter', () => {
    expect(view('window=custom&from=2024-01-01&to=2024-12-31&granularity=hour').granularity).toBe(
      'day',
    );
  });

  it('writes only what differs from the defaults, and reads back what it wrote', () => {
    expect(searchOfView({ window: '30d', granularity: 'day' })).toBe('');
    expect(searchOfView({ window: '24h', granularity: 'hour' })).toBe('window=24h');
    expect(searchOfView({ window: '24h', granularity: 'day' })).toBe('window=24h&granularity=day');
    const custom = {
      window: 'custom' as const,
      granularity: 'day' as const,
      fromDay: '2025-01-01',
      toDay: '2025-01-31',
    };
    const search = searchOfView(custom);
    expect(search).toBe('window=custom&from=2025-01-01&to=2025-01-31');
    expect(view(search)).toMatchObject(custom);
  });
});
