import { describe, expect, it } from 'vitest';

import {
  commandJobInput,
  jobFieldErrors,
  jobFieldFor,
  localToIso,
  previewInput,
  type JobFormValues,
} from './jobs-submit';

const blank = {
  name: 'n',
  team: 'team_1',
  argv: ['true'],
  timeout: '',
  gpus: '',
  cpuCores: '',
  memoryGiB: '',
  gpuModel: '',
  expectedMinutes: '',
  earliestStart: '',
  deadline: '',
};

describe('commandJobInput', () => {
  it('leaves empty fields out so that the server defaults apply', () => {
    expect(commandJobInput(blank)).toEqual({
      name: 'n',
      kind: 'command',
      teamId: 'team_1',
      payload: { argv: ['true'] },
    });
  });

  it('converts cores, GiB and minutes to the units of the API', () => {
    const input = commandJobInput({
      ...blank,
      timeout: '60',
      gpus: '0.5',
      cpuCores: '2.5',
      memoryGiB: '1.5',
      gpuModel: ' H100|A100 ',
      expectedMinutes: '1.5',
    });
    expect(input).toMatchObject({
      payload: { argv: ['true'], timeoutSeconds: 60 },
      resources: { gpus: 0.5, cpuMilli: 2500, memoryMiB: 1536, gpuModel: 'H100|A100' },
      expectedSeconds: 90,
    });
  });

  it('sends local date-times as UTC instants', () => {
    const iso = localToIso('2030-01-02T03:04');
    expect(iso).toBe(new Date(2030, 0, 2, 3, 4).toISOString());
    expect(commandJobInput({ ...blank, deadline: '2030-01-02T03:04' })).toMatchObject({
      deadline: iso,
    });
    expect(localToIso('')).toBeUndefined();
  });
});

describe('jobFieldErrors', () => {
  it('places issues by path, the first per field, and names the server unit of converted fields', () => {
    const fields = jobFieldErrors('bad', [
      { path: 'payload.argv', message: 'needs at least the program to run' },
      { path: 'resources.cpuMilli', message: 'Too big: expected number to be <=1024000' },
      { path: 'resources.cpuMilli', message: 'second' },
      { path: 'deadline', message: 'must be after earliestStart' },
      { path: 'priority', message: 'not on the form' },
    ]);
    expect(fields).toEqual({
      command: 'needs at least the program to run',
      cpu: 'Too big: expected number to be <=1024000 (the server counts milli-cores, 1000 to a core)',
      deadline: 'must be after earliestStart',
    });
  });

  it('reads a domain refusal that names its field', () => {
    expect(jobFieldErrors('teamId: required for an admin token', [])).toEqual({
      team: 'required for an admin token',
    });
    expect(jobFieldFor('resources.gpus')).toBe('gpus');
    expect(jobFieldFor('resourcesX')).toBeNull();
  });
});

const empty: JobFormValues = {
  name: '',
  team: 'team_a',
  argv: [],
  timeout: '',
  gpus: '',
  cpuCores: '',
  memoryGiB: '',
  gpuModel: '',
  expectedMinutes: '',
  earliestStart: '',
  deadline: '',
};

describe('previewInput', () => {
  it('asks with stand-ins for the name and command and the API units for the rest', () => {
    expect(
      previewInput({
        ...empty,
        gpus: '0.5',
        cpuCores: '1.5',
        memoryGiB: '2',
        expectedMinutes: '90',
      }),
    ).toEqual({
      name: 'preview',
      kind: 'command',
      teamId: 'team_a',
      payload: { argv: ['true'] },
      resources: { gpus: 0.5, cpuMilli: 1500, memoryMiB: 2048 },
      expectedSeconds: 5400,
    });
  });

  it('does not ask while a field would be refused', () => {
    expect(previewInput({ ...empty, gpus: '1.5' })).toBeNull();
    expect(previewInput({ ...empty, cpuCores: '-1' })).toBeNull();
    expect(previewInput({ ...empty, expectedMinutes: 'soon' })).toBeNull();
    expect(previewInput({ ...empty, expectedMinutes: '0' })).toBeNull();
    expect(
      previewInput({ ...empty, earliestStart: '2030-01-02T10:00', deadline: '2030-01-02T09:00' }),
    ).toBeNull();
  });
});
