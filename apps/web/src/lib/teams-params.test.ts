import { describe, expect, it } from 'vitest';

import {
  budgetFormErrors,
  budgetInput,
  budgetIssues,
  monthOfInstant,
  searchFromTeamsState,
  teamsStateFromSearch,
  toCsv,
} from './teams-params';

describe('teams page state', () => {
  it('reads the month and team from the URL, ignoring what is not one', () => {
    const read = (q: string) => teamsStateFromSearch(new URLSearchParams(q));
    expect(read('month=2025-03&team=team_a1')).toEqual({ month: '2025-03', team: 'team_a1' });
    expect(read('month=2025-13&team=a%20b')).toEqual({ month: undefined, team: undefined });
    expect(searchFromTeamsState({ month: '2025-03', team: undefined })).toBe('month=2025-03');
    expect(searchFromTeamsState({ month: undefined, team: undefined })).toBe('');
  });

  it('takes the UTC month of an instant', () => {
    expect(monthOfInstant(Date.parse('2025-03-31T23:59:59Z'))).toBe('2025-03');
    expect(monthOfInstant(Date.parse('2025-04-01T00:00:00Z'))).toBe('2025-04');
  });

  it('names each bad field of the budget form', () => {
    const ok = { teamId: 't', month: '2025-03', amount: '12.5', holdOverBudget: true };
    expect(budgetFormErrors(ok)).toEqual({});
    expect(budgetInput(ok)).toEqual({
      teamId: 't',
      month: '2025-03',
      amount: 12.5,
      holdOverBudget: true,
    });
    expect(
      Object.keys(budgetFormErrors({ ...ok, teamId: '', month: '2025', amount: '0' })),
    ).toEqual(['teamId', 'month', 'amount']);
    expect(budgetFormErrors({ ...ok, amount: '' }).amount).toMatch(/above 0/);
    expect(
      budgetIssues([
        { path: 'amount', message: 'Too small' },
        { path: 'siteId', message: 'no site' },
      ]),
    ).toEqual({ fields: { amount: 'Too small' }, other: ['siteId: no site'] });
  });

  it('quotes CSV cells that need it', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x, "y"', null],
          [1.5, 'z'],
        ],
      ),
    ).toBe('a,b\n"x, ""y""",\n1.5,z\n');
  });
});
