import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { beginRun, defaultStateDir, endRun, readDeviceCredentials, writeDeviceCredentials } from './state-dir.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('state folder', () => {
  it('lives under /var/lib for root and under ~/.local/state otherwise', () => {
    expect(defaultStateDir(0, '/root')).toBe('/var/lib/vigil-agent');
    expect(defaultStateDir(1000, '/home/ict')).toBe('/home/ict/.local/state/vigil-agent');
  });

  it('stores device credentials owner-only and refuses a damaged file', async () => {
    expect((await readDeviceCredentials(dir)).ok).toBe(false);
    const creds = { deviceId: '01JGXDFAM0MSETZ78WDYHDT1E8', secret: 'x'.repeat(43) };
    await writeDeviceCredentials(dir, creds);
    expect(await readDeviceCredentials(dir)).toEqual({ ok: true, value: creds });
    expect((await stat(join(dir, 'device.json'))).mode & 0o777).toBe(0o600);
    await writeFile(join(dir, 'device.json'), '{"deviceId":"nope"');
    expect(await readDeviceCredentials(dir)).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('tells a first run, a clean stop and a crash apart', async () => {
    expect(await beginRun(dir, false)).toBe('first-run');
    await endRun(dir);
    expect(await beginRun(dir, true)).toBe('clean');
    // No endRun: the process died.
    expect(await beginRun(dir, true)).toBe('unclean');
  });
});
