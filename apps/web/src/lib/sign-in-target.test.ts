import { describe, expect, it } from 'vitest';

import { signInTarget } from './sign-in-target';

describe('signInTarget', () => {
  it('returns to a page of the portal, with its query', () => {
    expect(signInTarget('/jobs/job_abc')).toBe('/jobs/job_abc');
    expect(signInTarget('/jobs?state=failed&page=2')).toBe('/jobs?state=failed&page=2');
  });

  it('goes home for anything that is not a path here', () => {
    for (const next of [
      undefined,
      ['/jobs', '/cost'],
      '',
      'jobs',
      'https://evil.test/',
      '//evil.test/jobs',
      '/\\evil.test',
      '/sign-in?next=/jobs',
    ])
      expect(signInTarget(next)).toBe('/');
  });
});
