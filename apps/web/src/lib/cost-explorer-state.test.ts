import { describe, expect, it } from 'vitest';

import {
  drillDown,
  parseExplorerState,
  periodInput,
  serializeExplorerState,
  type ExplorerState,
} from './cost-explorer-state';

const parse = (query: string) => parseExplorerState(new URLSearchParams(query));
const base: ExplorerState = parse('');

describe('cost explorer URL state', () => {
  it('defaults to teams over the last 30 days, jobs only, and writes nothing for defaults', () => {
    expect(base).toEqual({
      groupBy: ['team'],
      filters: {},
      idle: 'hidden',
      compare: false,
      period: { kind: 'last', days: 30 },
      sort: null,
    });
    expect(serializeExplorerState(base)).toBe('');
  });

  it('round-trips every setting, with "no project" as ~none', () => {
    const query =
      'by=team%2Cday&f-team=team_1&f-team=team_2&f-project=%7Enone&f-part=energy&idle=shared&compare=1&from=2024-05-01&to=2024-05-31&sort=total.asc';
    const state = parse(query);
    expect(state).toEqual({
      groupBy: ['team', 'day'],
      filters: { team: ['team_1', 'team_2'], project: [null], part: ['energy'] },
      idle: 'shared',
      compare: true,
      period: { kind: 'range', from: '2024-05-01', to: '2024-05-31' },
      sort: { id: 'total', desc: false },
    });
    expect(serializeExplorerState(state)).toBe(query);
  });

  it('ignores what it does not know', () => {
    expect(parse('by=rack,team,team,day&idle=all&days=12&from=2024-13-01&to=x&sort=;drop')).toEqual(
      { ...base, groupBy: ['team', 'day'] },
    );
    expect(parse('from=2024-05-31&to=2024-05-01').period).toEqual({ kind: 'last', days: 30 });
  });

  it('asks the API for whole UTC days: a range includes its last date; "last 7" ends tonight', () => {
    expect(periodInput({ kind: 'range', from: '2024-05-01', to: '2024-05-31' }, 0)).toEqual({
      from: '2024-05-01T00:00:00Z',
      to: '2024-06-01T00:00:00.000Z',
    });
    expect(periodInput({ kind: 'last', days: 7 }, Date.parse('2024-05-10T15:20:00Z'))).toEqual({
      from: '2024-05-04T00:00:00.000Z',
      to: '2024-05-11T00:00:00.000Z',
    });
  });
});

describe('drillDown', () => {
  it('filters on the row and moves from team to project to job to part', () => {
    const project = drillDown(base, ['team_1'])!;
    expect(project).toMatchObject({ groupBy: ['project'], filters: { team: ['team_1'] } });
    const job = drillDown(project, [null])!;
    expect(job).toMatchObject({ groupBy: ['job'], filters: { team: ['team_1'], project: [null] } });
    expect(drillDown(job, ['job_1'])!.groupBy).toEqual(['part']);
  });

  it('keeps a second day dimension, and takes a lone day as the period', () => {
    const byDay = { ...base, groupBy: ['team', 'day'] as ExplorerState['groupBy'] };
    expect(drillDown(byDay, ['team_1', '2024-05-02'])).toMatchObject({
      groupBy: ['project', 'day'],
      filters: { team: ['team_1'] },
      period: { kind: 'last', days: 30 },
    });
    const day = drillDown({ ...base, groupBy: ['day'] }, ['2024-05-02'])!;
    expect(day).toMatchObject({
      groupBy: ['team'],
      filters: {},
      period: { kind: 'range', from: '2024-05-02', to: '2024-05-02' },
    });
  });

  it('skips dimensions already filtered, drops a filtered second one, and stops when all are', () => {
    const state = { ...base, groupBy: ['part', 'team'] as ExplorerState['groupBy'] };
    // Part and team now filtered: part → team (taken) → project.
    expect(drillDown(state, ['energy', 'team_1'])).toMatchObject({
      groupBy: ['project'],
      filters: { part: ['energy'], team: ['team_1'] },
    });
    const all = {
      ...base,
      groupBy: ['node'] as ExplorerState['groupBy'],
      filters: { team: ['t'], project: ['p'], job: ['j'], gpuModel: ['g'], part: ['energy'] },
    };
    expect(drillDown(all, ['n1'])).toBeNull();
  });
});
