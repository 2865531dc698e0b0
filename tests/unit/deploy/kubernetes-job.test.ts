// The distributed load's deployments: the Kubernetes Jobs (deploy/kubernetes) are valid batch/v1
// Jobs by the Kubernetes schema (kubernetes-models: `new Job(doc).validate()` throws the schema's
// errors) and split one schedule into GENERATORS indexed segments from a shared start time; the
// GitHub workflow (.github/workflows/distributed-load.yml) plans, generates per matrix segment and
// merges. The schema allows unknown keys, so the fields that matter are also checked by name.
// The `run:` and `sh -c` scripts are run here with a stand-in `npm` that prints its arguments.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../../..');
const DEPLOY = join(ROOT, 'deploy', 'kubernetes');
const WORKFLOW = join(ROOT, '.github', 'workflows', 'distributed-load.yml');

const read = (path: string) => readFileSync(path, 'utf8');
const loadJobText = read(join(DEPLOY, 'load-job.yaml'));
const loadJob = parse(loadJobText) as Job;
const mergeJob = parse(read(join(DEPLOY, 'merge-job.yaml'))) as Job;

/** Validates a document as a batch/v1 Job; throws the schema's errors. */
const validateJob = (doc: unknown) => new Job(doc as ConstructorParameters<typeof Job>[0]).validate();

/** The document with some fields of its spec replaced (values of the wrong type included). */
const withSpec = (doc: Job, fields: Record<string, unknown>): unknown => ({ ...structuredClone(doc), spec: { ...doc.spec, ...fields } });

function containerOf(job: Job) {
  const containers = job.spec?.template.spec?.containers ?? [];
  expect(containers).toHaveLength(1);
  return containers[0]!;
}

const envOf = (job: Job) => new Map((containerOf(job).env ?? []).map((variable) => [variable.name, variable]));

// A stand-in npm on PATH: prints each argument on a line of its own.
const bin = mkdtempSync(join(tmpdir(), 'deploy-npm-'));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
writeFileSync(join(bin, 'npm'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
chmodSync(join(bin, 'npm'), 0o755);

/** Runs a script with the shell and only the given environment (and PATH); its stdout and exit code. */
function runScript(shell: string, script: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;
    execFile(shell, ['-c', script], { env: { PATH, ...env }, timeout: 10_000 }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

describe('deploy/kubernetes/load-job.yaml', () => {
  const container = containerOf(loadJob);
  const env = envOf(loadJob);
  const script = container.command?.[2] ?? '';

  it('is a valid batch/v1 Job by the Kubernetes schema', () => {
    expect(Job.is(loadJob)).toBe(true);
    expect(() => validateJob(loadJob)).not.toThrow();
  });

  it('fails validation with a misspelt completionMode or a parallelism that is not a number (negative controls)', () => {
    expect(() => validateJob(withSpec(loadJob, { completionMode: 'Index' }))).toThrow(
      /spec\/completionMode must be equal to one of the allowed values/,
    );
    expect(() => validateJob(withSpec(loadJob, { parallelism: 'four' }))).toThrow(/spec\/parallelism must be integer/);
  });

  it('runs GENERATORS indexed pods at once, none retried, bounded in time and cleaned up', () => {
    const spec = loadJob.spec!;
    const generators = Number(env.get('GENERATORS')?.value);
    expect(generators).toBe(4);
    expect(spec).toMatchObject({ completionMode: 'Indexed', completions: generators, parallelism: generators, backoffLimitPerIndex: 0 });
    // One failed segment must not stop the others (a Job-wide backoffLimit would).
    expect(spec).not.toHaveProperty('backoffLimit');
    expect(spec).not.toHaveProperty('maxFailedIndexes');
    expect(spec.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(spec.template.spec?.restartPolicy).toBe('Never');
  });

  it('runs the suite image with 1 CPU and 512Mi, writing to the results claim at /results', () => {
    expect(container).toMatchObject({ image: 'webhook-perf-suite:latest', imagePullPolicy: 'IfNotPresent', workingDir: '/suite' });
    const amount = { cpu: '1', memory: '512Mi' };
    expect(container.resources).toEqual({ requests: amount, limits: amount });
    expect(container.volumeMounts).toEqual([{ name: 'results', mountPath: '/results' }]);
    expect(loadJob.spec?.template.spec?.volumes).toEqual([
      { name: 'results', persistentVolumeClaim: { claimName: 'webhook-perf-results' } },
    ]);
  });

  it('forms the segment from JOB_COMPLETION_INDEX and passes the shared --start-at', () => {
    expect(container.command?.slice(0, 2)).toEqual(['sh', '-c']);
    expect(script).toMatch(/^(exec )?npm run load -- /);
    expect(script).toContain('--segment "$((JOB_COMPLETION_INDEX + 1))/$GENERATORS"');
    expect(script).toContain('--start-at "$START_AT"');
    expect(script).toContain('--report-dir /results/segment-$((JOB_COMPLETION_INDEX + 1))');
    for (const name of script.match(/(?<=\$)[A-Z_]+/g) ?? []) {
      if (name !== 'JOB_COMPLETION_INDEX') expect(env.has(name), `${name} is set in env`).toBe(true);
    }
  });

  it('gives each pod its own segment 1..GENERATORS and report directory (the command run by sh)', async () => {
    const values = Object.fromEntries(
      [...env].flatMap(([name, variable]) => (variable.value === undefined ? [] : [[name, variable.value]])),
    );
    const runs = await Promise.all(
      [0, 1, 2, 3].map((index) => runScript('sh', script, { ...values, JOB_COMPLETION_INDEX: String(index) })),
    );
    const args = runs.map(({ code, stdout }) => {
      expect(code).toBe(0);
      return stdout.trimEnd().split('\n');
    });
    args.forEach((a, index) => {
      expect(a.slice(0, 3)).toEqual(['run', 'load', '--']);
      expect(a[a.indexOf('--segment') + 1]).toBe(`${index + 1}/4`);
      expect(a[a.indexOf('--report-dir') + 1]).toBe(`/results/segment-${index + 1}`);
      expect(a[a.indexOf('--start-at') + 1]).toBe(values.START_AT);
      expect(a[a.indexOf('--url') + 1]).toBe(values.WEBHOOK_URL);
    });
  });

  it('reads the secret from a secretKeyRef only, never a literal value or a flag', () => {
    expect(env.get('WEBHOOK_SECRET')).toEqual({
      name: 'WEBHOOK_SECRET',
      valueFrom: { secretKeyRef: { name: 'webhook-perf', key: 'webhook-secret' } },
    });
    expect(script).not.toMatch(/secret/i);
  });

  it('has a START_AT placeholder that the documented sed line replaces, and nothing else', () => {
    expect(env.get('START_AT')?.value).toBe('0');
    expect(loadJobText).toContain(`sed "s/'0' *# *start-at/'$START_AT'/"`);
    const replaced = loadJobText.replace(/'0' *# *start-at/g, "'1760000000000'");
    expect(replaced.split('\n').filter((line, i) => line !== loadJobText.split('\n')[i])).toEqual(["              value: '1760000000000'"]);
    expect(envOf(parse(replaced) as Job).get('START_AT')?.value).toBe('1760000000000');
  });
});

describe('deploy/kubernetes/merge-job.yaml', () => {
  const container = containerOf(mergeJob);
  const script = container.command?.[2] ?? '';

  it('is a valid batch/v1 Job of one pod, not indexed', () => {
    expect(() => validateJob(mergeJob)).not.toThrow();
    expect(mergeJob.spec).toMatchObject({ completions: 1, backoffLimit: 0 });
    expect(mergeJob.spec?.completionMode).toBeUndefined();
    expect(mergeJob.spec?.template.spec?.restartPolicy).toBe('Never');
  });

  it('merges /results from the same claim and judges the thresholds', () => {
    expect(container).toMatchObject({ image: 'webhook-perf-suite:latest', workingDir: '/suite' });
    expect(container.command?.slice(0, 2)).toEqual(['sh', '-c']);
    expect(script).toMatch(/^(exec )?npm run load -- merge \/results /);
    for (const flag of ['--report-dir /results/merged', '--max-p95 2000', '--min-success 99']) expect(script).toContain(flag);
    expect(container.volumeMounts).toEqual([{ name: 'results', mountPath: '/results' }]);
    expect(mergeJob.spec?.template.spec?.volumes).toEqual(loadJob.spec?.template.spec?.volumes);
  });
});

describe('deploy/kubernetes: the results claim and the image', () => {
  it('the claim is a valid PersistentVolumeClaim, shared by pods on several nodes (ReadWriteMany)', () => {
    const claim = parse(read(join(DEPLOY, 'results-pvc.yaml'))) as PersistentVolumeClaim;
    expect(() => new PersistentVolumeClaim(claim as ConstructorParameters<typeof PersistentVolumeClaim>[0]).validate()).not.toThrow();
    expect(claim.metadata?.name).toBe('webhook-perf-results');
    expect(claim.spec?.accessModes).toEqual(['ReadWriteMany']);
  });

  it('the image installs the suite with npm ci in /suite, with its own ignore file that keeps tests/ and scripts/', () => {
    const dockerfile = read(join(DEPLOY, 'Dockerfile'));
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toMatch(/^WORKDIR \/suite$/m);
    expect(dockerfile).toMatch(/^COPY (--chown=\S+ )?package\.json package-lock\.json \.\/$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --no-audit --no-fund$/m);
    expect(dockerfile).toMatch(/^CMD \["npm", "run", "load", "--", "--help"\]$/m);
    const ignored = read(join(DEPLOY, 'Dockerfile.dockerignore'))
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'reports', '.git']));
    expect(ignored.filter((pattern) => /^\*|tests|scripts/.test(pattern))).toEqual([]);
  });
});

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface WorkflowJob {
  needs?: string | string[];
  if?: string;
  'timeout-minutes'?: number;
  outputs?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  on: { workflow_dispatch: { inputs: Record<string, { required?: boolean; default?: string | number; type?: string }> } };
  permissions: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

describe('.github/workflows/distributed-load.yml', () => {
  const workflow = parse(read(WORKFLOW)) as Workflow;
  const { plan, generate, merge } = workflow.jobs;
  const stepRunning = (job: WorkflowJob | undefined, text: string) => job?.steps.find((step) => step.run?.includes(text));
  const uploads = (job: WorkflowJob | undefined) => job?.steps.filter((step) => step.uses?.startsWith('actions/upload-artifact@')) ?? [];

  it('is dispatched by hand with url (required), rate, requests, generators and the thresholds', () => {
    const { inputs } = workflow.on.workflow_dispatch;
    expect(Object.keys(inputs)).toEqual(['url', 'rate', 'requests', 'generators', 'max_p95_ms', 'min_success']);
    expect(inputs.url?.required).toBe(true);
    expect(inputs).toMatchObject({
      rate: { default: '100/s' },
      requests: { default: '6000' },
      generators: { default: '2' },
      max_p95_ms: { default: '2000' },
      min_success: { default: '99' },
    });
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('has the jobs plan -> generate -> merge, each bounded in time, with no expression inside a run script', () => {
    expect(Object.keys(workflow.jobs)).toEqual(['plan', 'generate', 'merge']);
    for (const job of Object.values(workflow.jobs)) {
      expect(job['timeout-minutes']).toBeGreaterThan(0);
      for (const step of job.steps) expect(step.run ?? '').not.toContain('${{');
    }
  });

  it('plans the start time 120 s ahead and the segments 1..N (the plan script run by bash)', async () => {
    expect(plan?.outputs).toEqual({ start_at: '${{ steps.plan.outputs.start_at }}', segments: '${{ steps.plan.outputs.segments }}' });
    const step = plan!.steps.find((s) => s.id === 'plan')!;
    expect(step.env).toEqual({ GENERATORS: '${{ inputs.generators }}' });
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    try {
      const GITHUB_OUTPUT = join(dir, 'output');
      const before = Date.now();
      const { code } = await runScript('bash', step.run!, { GENERATORS: '3', GITHUB_OUTPUT });
      expect(code).toBe(0);
      const outputs = Object.fromEntries(
        read(GITHUB_OUTPUT)
          .trimEnd()
          .split('\n')
          .map((line) => line.split('=', 2)),
      );
      expect(JSON.parse(outputs.segments)).toEqual([1, 2, 3]);
      expect(Number(outputs.start_at)).toBeGreaterThanOrEqual(before + 120_000);
      expect(Number(outputs.start_at)).toBeLessThanOrEqual(Date.now() + 120_000);
      for (const bad of ['0', 'two', '257']) {
        expect((await runScript('bash', step.run!, { GENERATORS: bad, GITHUB_OUTPUT })).code, bad).not.toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates one segment per matrix entry from the shared start time, keeping results/ whatever the exit code', async () => {
    expect(generate?.needs).toBe('plan');
    expect(generate?.strategy).toEqual({ 'fail-fast': false, matrix: { segment: '${{ fromJSON(needs.plan.outputs.segments) }}' } });
    const step = stepRunning(generate, 'npm run load --')!;
    expect(step.env).toMatchObject({
      URL: '${{ inputs.url }}',
      SEGMENT: '${{ matrix.segment }}',
      START_AT: '${{ needs.plan.outputs.start_at }}',
      WEBHOOK_SECRET: '${{ secrets.WEBHOOK_SECRET }}',
    });
    const env = { URL: 'http://target/webhook', RATE: '100/s', REQUESTS: '6000', SEGMENT: '2', GENERATORS: '3', START_AT: '1760000000000' };
    const { code, stdout } = await runScript('bash', step.run!, env);
    expect(code).toBe(0);
    expect(stdout.split('\n').join(' ')).toBe(
      'run load -- --url http://target/webhook --rate 100/s --requests 6000 --segment 2/3 --start-at 1760000000000 --report-dir results ',
    );
    expect(uploads(generate)).toEqual([
      expect.objectContaining({
        if: 'always()',
        with: expect.objectContaining({ name: 'load-segment-${{ matrix.segment }}', path: 'results/' }),
      }),
    ]);
  });

  it('merges every segment (even after a failed one) with the thresholds, into the job summary', async () => {
    expect(merge?.needs).toBe('generate');
    expect(merge?.if).toContain('always()');
    const download = merge?.steps.find((step) => step.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with).toEqual({ pattern: 'load-segment-*', 'merge-multiple': true, path: 'results' });
    const step = stepRunning(merge, 'npm run load -- merge')!;
    const env = { MAX_P95: '2000', MIN_SUCCESS: '99', GITHUB_STEP_SUMMARY: '/tmp/summary.md' };
    const { stdout } = await runScript('bash', step.run!, env);
    expect(stdout.split('\n').join(' ')).toBe(
      'run load -- merge results --max-p95 2000 --min-success 99 --report-dir merged --markdown /tmp/summary.md ',
    );
    expect(uploads(merge)).toEqual([
      expect.objectContaining({ if: 'always()', with: expect.objectContaining({ name: 'load-merged', path: 'merged/\nresults/\n' }) }),
    ]);
  });
});
