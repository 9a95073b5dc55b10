import { describe, expect, it } from 'vitest';

import {
  labHref,
  periodOf,
  recStateFromSearch,
  searchFromRecState,
} from './recommendations-params';
import { labStateFromSearch } from './scheduler-lab-params';

describe('recommendations page state', () => {
  it('reads the sort and window from the URL', () => {
    const read = (q: string) => recStateFromSearch(new URLSearchParams(q));
    expect(read('')).toEqual({ sort: 'money', days: 30 });
    expect(read('sort=co2e&days=90')).toEqual({ sort: 'co2e', days: 90 });
    expect(read('sort=nope&days=31')).toEqual({ sort: 'money', days: 30 });
    expect(searchFromRecState({ sort: 'co2e', days: 7 })).toBe('sort=co2e&days=7');
    expect(searchFromRecState({ sort: 'money', days: 30 })).toBe('');
  });

  it('ends the window at the start of the current hour', () => {
    expect(periodOf(7, Date.parse('2025-03-10T12:34:56Z'))).toEqual({
      from: '2025-03-03T12:00:00.000Z',
      to: '2025-03-10T12:00:00.000Z',
    });
  });

  it('opens the scheduler lab with exactly the recommendation’s settings', () => {
    const href = labHref({
      policies: ['cost-aware', 'backfill'],
      site: 'DE-LU',
      deferHours: 8,
      team: 'team_a',
    })!;
    expect(href.startsWith('/scheduler?')).toBe(true);
    const { form } = labStateFromSearch(new URL(href, 'http://x').searchParams);
    expect(form).toMatchObject({
      policies: ['backfill', 'cost-aware'],
      site: 'DE-LU',
      deferHours: 8,
      powerDown: false,
      team: 'team_a',
    });
    const idle = labHref({ policies: ['backfill', 'cost-aware'], powerDown: true })!;
    expect(labStateFromSearch(new URL(idle, 'http://x').searchParams).form.powerDown).toBe(true);
    expect(labHref(null)).toBeNull();
  });
});
