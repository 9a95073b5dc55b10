import { simulatePayload } from '@wattwise/api/payloads';
import { GRID_ZONES } from '@wattwise/cost-model';
import { describe, expect, it } from 'vitest';

import {
  LAB_DEFAULTS,
  LAB_PLACEMENTS,
  LAB_POLICIES,
  labFormErrors,
  labFormFromPayload,
  labJobInput,
  labStateFromSearch,
  searchFromLabState,
  simulatePayloadOf,
} from './scheduler-lab-params';

describe('scheduler lab parameters', () => {
  it('offers exactly the policies and placements the API names', () => {
    // The schema's messages list its names; the web app may import only its types at run time.
    const listed = (payload: unknown, path: string) => {
      const parsed = simulatePayload.safeParse(payload);
      const issue = parsed.error?.issues.find((i) => i.path.join('.') === path);
      return (/one of (.*)$/.exec(issue?.message ?? '')?.[1] ?? '').split(', ').sort();
    };
    const base = simulatePayloadOf(LAB_DEFAULTS);
    expect(listed({ ...base, compare: ['fifo', 'nope'] }, 'compare.1')).toEqual(
      [...LAB_POLICIES].sort(),
    );
    expect(listed({ ...base, placement: 'nope' }, 'placement')).toEqual([...LAB_PLACEMENTS].sort());
  });

  it('builds a payload the API accepts, for the defaults and for every zone', () => {
    expect(simulatePayload.safeParse(simulatePayloadOf(LAB_DEFAULTS)).success).toBe(true);
    for (const zone of GRID_ZONES) {
      const payload = simulatePayloadOf({
        ...LAB_DEFAULTS,
        site: zone.id,
        policies: [...LAB_POLICIES],
        powerDown: true,
        deferHours: 6,
      });
      const parsed = simulatePayload.safeParse(payload);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
  });

  it('sends the start as UTC midnight and leaves out defer hours of 0', () => {
    const payload = simulatePayloadOf({ ...LAB_DEFAULTS, start: '2023-06-15' });
    expect(payload.start).toBe('2023-06-15T00:00:00Z');
    expect('deferHours' in payload).toBe(false);
    expect('powerDown' in payload).toBe(false);
    const input = labJobInput({ ...LAB_DEFAULTS, team: 'team_1' });
    expect(input.kind).toBe('simulate');
    expect(input.teamId).toBe('team_1');
  });

  it('round-trips a state through the URL, writing only what differs from the defaults', () => {
    expect(searchFromLabState({ job: undefined, form: LAB_DEFAULTS })).toBe('');
    const state = {
      job: 'job_abc123',
      form: {
        ...LAB_DEFAULTS,
        team: 'team_2',
        policies: ['fifo' as const, 'las' as const, 'cost-aware' as const],
        placement: 'fgd' as const,
        site: 'DE-LU',
        start: '2023-07-01',
        compress: 12.5,
        deferHours: 4,
        powerDown: true,
        limit: 50,
        seed: 7,
      },
    };
    const query = searchFromLabState(state);
    expect(query).toContain('policies=fifo,las,cost-aware');
    expect(labStateFromSearch(new URLSearchParams(query))).toEqual(state);
  });

  it('falls back to defaults for values out of range, unknown or too few policies', () => {
    const s = labStateFromSearch(
      new URLSearchParams(
        'job=<script>&policies=fifo,nope&site=MARS&start=2023-13-45&compress=0&limit=1.5&seed=-1&placement=x',
      ),
    );
    expect(s).toEqual({ job: undefined, form: LAB_DEFAULTS });
  });

  it('names the fields a form gets wrong', () => {
    const errors = labFormErrors({ ...LAB_DEFAULTS, policies: ['fifo'], limit: 0, compress: 0.5 });
    expect(Object.keys(errors).sort()).toEqual(['compress', 'limit', 'policies', 'team']);
    expect(labFormErrors({ ...LAB_DEFAULTS, team: 't' })).toEqual({});
  });

  it('reopens a form from a job payload the lab sent, and refuses others', () => {
    const form = { ...LAB_DEFAULTS, team: 'team_3', site: 'SG', limit: 20, powerDown: true };
    expect(labFormFromPayload(simulatePayloadOf(form), 'team_3')).toEqual(form);
    expect(
      labFormFromPayload({ trace: { format: 'slurm', path: '/x' }, compare: ['fifo', 'las'] }, 't'),
    ).toBeNull();
    expect(
      labFormFromPayload({ trace: { format: 'alibaba2023' }, policy: 'fifo' }, 't'),
    ).toBeNull();
    expect(labFormFromPayload(null, 't')).toBeNull();
  });
});
