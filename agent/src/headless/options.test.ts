import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSocketUrl } from '../core/agent-config.ts';
import { describeOptions, loadOptions } from './options.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-options-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ok = (result: ReturnType<typeof loadOptions>) => {
  if (result.ok !== true) throw new Error(`expected options, got ${JSON.stringify(result)}`);
  return result.config;
};

describe('headless agent options', () => {
  it('takes flags over environment over the config file, and freezes the result', async () => {
    const file = join(dir, 'agent.json');
    await writeFile(
      file,
      JSON.stringify({ collector: 'ws://file:1', stateDir: '/from/file', logLevel: 'warn', idleAfterSeconds: 120, lockCommand: ['slock'] }),
    );
    const config = ok(
      loadOptions(['--', '--config', file, '--collector', 'ws://flag:8080'], {
        VIGIL_COLLECTOR: 'ws://env:2',
        VIGIL_STATE_DIR: '/from/env',
        VIGIL_ENROL_TOKEN: 'token-from-env-123456',
      }),
    );
    expect(config).toMatchObject({
      collector: 'ws://flag:8080',
      stateDir: '/from/env',
      logLevel: 'warn',
      idleAfterSeconds: 120,
      lockCommand: ['slock'],
      enrolToken: 'token-from-env-123456',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(describeOptions(config).enrolToken).toBe('***');
  });

  it('takes collector pins from repeated --pin flags or VIGIL_COLLECTOR_PIN, and --insecure only as a flag or config key', () => {
    const pinA = 'A'.repeat(43);
    const pinB = 'B'.repeat(43);
    const base = ['--collector', 'wss://collector.school.lan:8443', '--state-dir', dir];
    expect(ok(loadOptions([...base, '--pin', pinA, '--pin', pinB], {})).collectorPins).toEqual([pinA, pinB]);
    expect(ok(loadOptions(base, { VIGIL_COLLECTOR_PIN: `${pinA}, ${pinB}` })).collectorPins).toEqual([pinA, pinB]);
    expect(ok(loadOptions(base, {})).insecure).toBe(false);
    expect(ok(loadOptions(base, {})).collectorPins).toBeUndefined();
    expect(ok(loadOptions([...base, '--insecure'], {})).insecure).toBe(true);
    expect(loadOptions([...base, '--pin', 'not-a-pin'], {})).toMatchObject({ ok: false, message: expect.stringMatching(/^--pin: /) });
  });

  it('fails with one line naming the bad option and where it came from', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ collector: 'ws://x:1', evidenceWidth: 99999 }));
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--collector', 'ftp://x'], {}, /^--collector: must be a ws:\/\//],
      [[], { VIGIL_COLLECTOR: 'ws://x:1', VIGIL_LOG_LEVEL: 'loud' }, /^VIGIL_LOG_LEVEL: /],
      [['--config', file], {}, /^"evidenceWidth" in .*bad\.json: /],
      [['--collector', 'ws://x:1', '--enrol-token', 'short'], {}, /^--enrol-token: /],
      [['--frobnicate'], {}, /Unknown option '--frobnicate'/],
      [[], {}, /^no collector given/],
      [['--config', join(dir, 'missing.json')], {}, /^--config .*missing\.json: ENOENT/],
    ];
    for (const [argv, env, message] of cases) {
      const result = loadOptions(argv, env);
      expect(result.ok, argv.join(' ')).toBe(false);
      if (result.ok === false) {
        expect(result.message).toMatch(message);
        expect(result.message).not.toContain('\n');
      }
    }
    await writeFile(file, JSON.stringify({ collector: 'ws://x:1', colector: 'typo' }));
    const typo = loadOptions(['--config', file], {});
    expect(typo.ok === false && typo.message).toMatch(/"colector" in .*: unknown option/);
  });

  it('defaults the state folder and answers --help', () => {
    expect(ok(loadOptions(['--collector', 'ws://x:1'], {})).stateDir).toMatch(/vigil-agent$/);
    expect(loadOptions(['-h'], {})).toEqual({ ok: 'help' });
  });

  it('--system with a fixed session, or logind when no user is named; session flags need --system', () => {
    const base = ['--collector', 'ws://c:1', '--state-dir', '/var/lib/vigil-agent'];
    expect(loadOptions([...base], {})).not.toHaveProperty('system');
    expect(loadOptions([...base, '--system'], {})).toMatchObject({ ok: true, system: {} });
    expect(loadOptions([...base, '--system', '--session-user', 'pupil', '--display', ':1'], {})).toMatchObject({
      ok: true,
      system: { session: { user: 'pupil', display: ':1' } },
    });
    expect(loadOptions([...base, '--system', '--session-user', 'pupil'], {})).toMatchObject({ system: { session: { display: ':0' } } });
    expect(loadOptions([...base, '--session-user', 'pupil'], {})).toEqual({
      ok: false,
      message: '--session-user, --display and --xauthority go with --system',
    });
    expect(loadOptions([...base, '--system', '--display', ':1'], {})).toMatchObject({ ok: false, message: expect.stringMatching(/go with --session-user/) });
    expect(loadOptions([...base, '--system', '--session-user', 'pupil', '--display', 'evil.host:0'], {})).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^--display/),
    });
    expect(loadOptions([...base, '--system', '--session-user', '../x'], {})).toMatchObject({ ok: false, message: expect.stringMatching(/^--session-user/) });
  });

  it('derives the socket URL from any form of the collector address', () => {
    expect(agentSocketUrl('ws://collector:8080')).toBe('ws://collector:8080/agent/v1');
    expect(agentSocketUrl('https://vigil.school.uk')).toBe('wss://vigil.school.uk/agent/v1');
    expect(agentSocketUrl('ws://proxy/custom/agent')).toBe('ws://proxy/custom/agent');
  });
});
