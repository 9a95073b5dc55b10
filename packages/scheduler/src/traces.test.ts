import { describe, expect, it } from 'vitest';

import { TraceError } from './errors';
import { DURATION_ESTIMATED, DURATION_KNOWN, DURATION_UNKNOWN } from './model';
import {
  parseAlibaba2023Pods,
  parseAlibaba2025,
  parseJobsCsv,
  parseJobsJson,
  parseNodes,
  parseSlurm,
  slurmDuration,
} from './traces';

const POD_HEADER =
  'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';

describe('Alibaba GPU trace 2023 importer', () => {
  const text = [
    POD_HEADER,
    'p2,4000,8192,1,500,,BE,Running,100,700,160',
    'p1,8000,16384,2,1000,V100M16|V100M32,LS,Succeeded,50,1050,50',
    'p3,1000,1024,1,1000,,BE,Pending,70,90,',
    'p4,2000,4096,0,0,,LS,Failed,200,260,200',
  ].join('\n');

  it('reads pods in submit order: run time = deletion − scheduled, Pending pods skipped, BE preemptible', () => {
    const { workload: w, rows, hasTimes } = parseAlibaba2023Pods(text, 'pods.csv');
    expect(rows).toBe(4);
    expect(hasTimes).toBe(true);
    expect(w.names).toEqual(['p1', 'p3', 'p2', 'p4']);
    expect([...w.submit]).toEqual([50, 70, 100, 200]);
    expect([...w.duration.map((d) => (Number.isNaN(d) ? -1 : d))]).toEqual([1000, -1, 540, 60]);
    expect([...w.skipped]).toEqual([0, 1, 0, 0]);
    expect([...w.gpus]).toEqual([2, 1, 1, 0]);
    expect([...w.gpuMilli]).toEqual([1000, 1000, 500, 0]);
    expect([...w.preemptible]).toEqual([0, 1, 1, 0]);
    expect(w.gpuSpecs[w.gpuSpec[0]!]).toBe('V100M16|V100M32');
    expect(w.teams[w.team[2]!]).toBe('BE');
    expect(w.durationKind[0]).toBe(DURATION_KNOWN);
    expect(w.estimate[2]).toBe(540);
  });

  it.each([
    [
      'p9,x,1,1,1000,,LS,Running,1,2,1',
      /pods\.csv line 2: cpu_milli "x" must be a whole number ≥ 0/,
    ],
    [
      'p9,1,1,2,500,,LS,Running,1,2,1',
      /line 2: gpu_milli 500 must be 1000 when num_gpu is above 1/,
    ],
    [
      'p9,1,1,1,1000,,LS,Running,5,2,5',
      /line 2: deletion_time 2 must not be before creation_time \(5\)/,
    ],
    [
      'p9,1,1,1,1000,,LS,Running,1,9,',
      /line 2: scheduled_time "" is required for a pod in phase Running/,
    ],
    [
      'p9,1,1,1,1000,,LS,Running,1,9,0',
      /line 2: scheduled_time 0 must not be before creation_time/,
    ],
  ])('a bad row is an error naming the file, line and field: %s', (row, message) => {
    expect(() => parseAlibaba2023Pods(`${POD_HEADER}\n${row}\n`, 'pods.csv')).toThrow(message);
  });

  it('imports nothing when a late row is bad (the error is the whole result)', () => {
    const bad = `${text}\np5,1,1,1,1000,,LS,Running,1,9,zz\n`;
    let result: unknown = null;
    try {
      result = parseAlibaba2023Pods(bad, 'pods.csv');
    } catch (err) {
      expect(err).toBeInstanceOf(TraceError);
      expect((err as TraceError).line).toBe(6);
      expect((err as TraceError).file).toBe('pods.csv');
    }
    expect(result).toBeNull();
  });

  it('reads a pod list without times (multigpu50) as shapes only', () => {
    const r = parseAlibaba2023Pods(
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli\na,1000,10,1,300\n',
      'm.csv',
    );
    expect(r.hasTimes).toBe(false);
    expect(r.workload.gpuMilli[0]).toBe(300);
  });

  it('reads node lists in the Alibaba columns and in our own', () => {
    expect(
      parseNodes(
        'sn,cpu_milli,memory_mib,gpu,model\nn1,96000,393216,8,G2\nn2,32000,262144,0,\n',
        'n.csv',
      ),
    ).toEqual([
      { id: 'n1', cpuMilli: 96000, memoryMiB: 393216, gpus: 8, model: 'G2' },
      { id: 'n2', cpuMilli: 32000, memoryMiB: 262144, gpus: 0, model: '' },
    ]);
    expect(
      parseNodes('id,cpus,memory_gib,gpus,model\nh1,112,2048,8,H100 SXM\n', 'own.csv')[0],
    ).toEqual({
      id: 'h1',
      cpuMilli: 112_000,
      memoryMiB: 2048 * 1024,
      gpus: 8,
      model: 'H100 SXM',
    });
    expect(() => parseNodes('sn,cpu_milli,memory_mib,gpu,model\nn1,1,1,4,\n', 'n.csv')).toThrow(
      /n\.csv line 2: model "" is required for a node with GPUs/,
    );
  });
});

describe('Alibaba DLRM trace 2025 importer', () => {
  const header =
    'instance_sn,role,app_name,cpu_request,cpu_limit,gpu_request,gpu_limit,rdma_request,rdma_limit,memory_request,memory_limit,disk_request,disk_limit,max_instance_per_node,creation_time,scheduled_time,deletion_time';
  it('places instances from before the window at second 0 and cuts those running past its end', () => {
    const text = [
      header,
      'i0,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,,,',
      'i1,CN,app_1,64,64,0,0,1,1,320.0,320.0,255.0,300.0,-1,100.0,110.0,400.0',
      'i2,CN,app_1,48,48,0,0,1,1,200.0,200.0,255.0,300.0,-1,,,85.0',
      'i3,HN,app_0,12,12,1,1,25,25,120.0,120.0,640.0,800.0,8,300.0,320.0,',
    ].join('\n');
    const { workload: w } = parseAlibaba2025(text, 'dlrm.csv');
    const byName = (n: string) => w.names.indexOf(n);
    expect(w.duration[byName('i0')]).toBe(400); // the whole window: second 0 to the last time seen
    expect(w.submit[byName('i1')]).toBe(100);
    expect(w.duration[byName('i1')]).toBe(290);
    expect(w.duration[byName('i2')]).toBe(85);
    expect(w.duration[byName('i3')]).toBe(80);
    expect(w.cpuMilli[byName('i1')]).toBe(64_000);
    expect(w.memoryMiB[byName('i0')]).toBe(120 * 1024);
    expect(w.gpus[byName('i0')]).toBe(1);
    expect(w.teams[w.team[byName('i0')]!]).toBe('app_0');
    expect(() =>
      parseAlibaba2025(`${header}\ni9,HN,a,x,1,1,1,1,1,1,1,1,1,1,,,\n`, 'dlrm.csv'),
    ).toThrow(/dlrm\.csv line 2: cpu_request "x" must be a number ≥ 0/);
  });
});

describe('Slurm sacct --parsable2 importer', () => {
  const text = [
    'JobID|JobName|Account|User|QOS|Submit|Eligible|Start|End|Elapsed|Timelimit|State|NNodes|NCPUS|ReqMem|AllocTRES',
    '101|train|ml|ana|normal|2023-05-01T10:00:00|2023-05-01T10:00:00|2023-05-01T10:05:00|2023-05-01T12:05:00|02:00:00|1-00:00:00|COMPLETED|2|32|64G|billing=32,cpu=32,gres/gpu:a100=8,gres/gpu=8,mem=128G,node=2',
    '101.batch|batch|ml|ana||2023-05-01T10:05:00|2023-05-01T10:05:00|2023-05-01T10:05:00|2023-05-01T12:05:00|02:00:00||COMPLETED|1|16||cpu=16,mem=64G,node=1',
    '102|eval|vision|bo|preempt|2023-05-01T11:00:00|2023-05-01T11:30:00|2023-05-01T11:30:00|2023-05-01T11:40:00|00:10:00|UNLIMITED|COMPLETED|1|4|8000Mc|cpu=4,gres/gpu=1,node=1',
    '103|wait|ml|ana|normal|2023-05-01T12:00:00|Unknown|Unknown|Unknown|00:00:00|30:00|PENDING|1|8|16G|',
  ].join('\n');

  it('reads jobs (not steps): gangs from NNodes, GPUs from TRES, Timelimit as the estimate', () => {
    const { workload: w, rows } = parseSlurm(text, 'sacct.txt');
    expect(rows).toBe(3);
    expect(w.startMs).toBe(Date.UTC(2023, 4, 1, 10));
    expect(w.names).toEqual(['101', '102', '103']);
    expect([...w.submit]).toEqual([0, 3600, 7200]);
    expect(w.duration[0]).toBe(7200);
    expect(w.replicas[0]).toBe(2);
    expect(w.gpus[0]).toBe(4);
    expect(w.cpuMilli[0]).toBe(16_000);
    expect(w.memoryMiB[0]).toBe(64 * 1024);
    expect(w.gpuSpecs[w.gpuSpec[0]!]).toBe('a100');
    expect(w.durationKind[0]).toBe(DURATION_ESTIMATED);
    expect(w.estimate[0]).toBe(86_400);
    expect(w.durationKind[1]).toBe(DURATION_UNKNOWN);
    expect(w.memoryMiB[1]).toBe(4 * 8000);
    expect(w.earliestStart[1]).toBe(5400);
    expect(w.preemptible[1]).toBe(1);
    expect(w.skipped[2]).toBe(1);
    expect(w.teams[w.team[1]!]).toBe('vision');
  });

  it('names the line and field of a bad value', () => {
    const bad = text.replace(
      '2023-05-01T12:05:00|02:00:00|1-00:00:00',
      '2023-05-01T09:05:00|02:00:00|1-00:00:00',
    );
    expect(() => parseSlurm(bad, 'sacct.txt')).toThrow(
      /sacct\.txt line 2: End "2023-05-01T09:05:00" must not be before Start/,
    );
    expect(() => parseSlurm(text.replace('|2|32|64G|', '|3|32|64G|'), 'sacct.txt')).toThrow(
      /sacct\.txt line 2: NNodes 3 must divide the job's 8 GPUs evenly/,
    );
  });

  it('reads Slurm durations', () => {
    expect(slurmDuration('1-02:03:04')).toBe(93_784);
    expect(slurmDuration('02:03:04')).toBe(7384);
    expect(slurmDuration('30:00')).toBe(1800);
    expect(slurmDuration('45')).toBe(2700);
    expect(slurmDuration('UNLIMITED')).toBeNaN();
    expect(slurmDuration('soon')).toBe(-1);
  });
});

describe('the own job format', () => {
  it('reads CSV with fractional GPUs, gangs, deadlines and estimates', () => {
    const { workload: w } = parseJobsCsv(
      [
        'id,submit,duration,durationKind,estimate,gpus,cpus,memoryGiB,replicas,team,gpuModel,preemptible,earliestStart,deadline',
        'a,0,3600,estimated,7200,0.25,2,8,1,research,,true,,86400',
        'b,10,60,,,8,32,256,4,prod,H100 SXM,,,',
      ].join('\n'),
      'jobs.csv',
    );
    expect(w.gpus[0]).toBe(1);
    expect(w.gpuMilli[0]).toBe(250);
    expect(w.estimate[0]).toBe(7200);
    expect(w.deadline[0]).toBe(86_400);
    expect(w.preemptible[0]).toBe(1);
    expect(w.replicas[1]).toBe(4);
    expect(w.gpuSpecs[w.gpuSpec[1]!]).toBe('H100 SXM');
    expect(w.cpuMilli[1]).toBe(32_000);
  });

  it('reads JSON with a calendar start, and points a bad job at its line', () => {
    const good = parseJobsJson(
      '{"start":"2023-06-01T00:00:00Z","jobs":[{"id":"a","submit":5,"duration":10,"gpus":1}]}',
      'j.json',
    );
    expect(good.workload.startMs).toBe(Date.UTC(2023, 5, 1));
    const text =
      '{\n  "jobs": [\n    { "id": "a", "submit": 0, "duration": 10 },\n    { "id": "b", "submit": 1, "duration": 10, "gpus": 1.5 }\n  ]\n}\n';
    expect(() => parseJobsJson(text, 'j.json')).toThrow(
      /^j\.json line 4: jobs\[1\]\.gpus 1\.5 must be whole GPUs or a share/,
    );
    expect(() =>
      parseJobsJson('[{"id":"a","submit":0,"duration":1,"colour":"red"}]', 'j.json'),
    ).toThrow(/j\.json line 1: jobs\[0\]\.colour "red" is not a field of the job format/);
    expect(() => parseJobsCsv('id,submit,duration\na,0,\n', 'j.csv')).toThrow(
      /j\.csv line 2: duration is required/,
    );
  });
});
