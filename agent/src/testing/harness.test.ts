import { describe, expect, it } from 'vitest';
import { ensureTools } from './system-tools.ts';
import { startXvfb } from './xvfb.harness.ts';
import { waitFor } from './wait-for.ts';
import { run } from '../platform/node/exec.ts';

describe('test harness', () => {
  it('names the Debian package to install for a missing tool', async () => {
    await expect(ensureTools([{ bin: 'vigil-no-such-tool', apt: 'vigil-tools' }], { install: false })).rejects.toThrow(
      'missing vigil-no-such-tool: install with "apt-get install -y vigil-tools"',
    );
  });

  it('waitFor resolves with the first truthy value and times out quoting the last error', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? `after ${n}` : undefined), { intervalMs: 1 })).toBe('after 3');
    await expect(
      waitFor(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 50, intervalMs: 5, message: 'the moon' },
      ),
    ).rejects.toThrow('timed out after 50 ms waiting for the moon; last error: not yet');
  });

  it('waitFor without a message names the condition by its source', async () => {
    const moon = { risen: false };
    await expect(waitFor(() => moon.risen, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow('waiting for () => moon.risen');
  });

  it('startXvfb gives a private display with a window manager, and stop() takes it down', { timeout: 30_000 }, async () => {
    const x = await startXvfb({ width: 800, height: 600 });
    const info = await run('xdpyinfo', ['-display', x.display], { env: x.env });
    expect(info.stdout).toMatch(/dimensions:\s+800x600 pixels/);
    expect(info.stdout).toContain('RECORD');
    const wm = await run('xprop', ['-root', '_NET_SUPPORTING_WM_CHECK'], { env: x.env });
    expect(wm.stdout).toContain('window id #');
    const term = await x.openXterm('Harness check');
    expect((await x.xdotool('getactivewindow')).trim()).toBe(term.id);
    await x.stop();
    await expect(run('xdpyinfo', ['-display', x.display], { env: x.env, timeoutMs: 2_000 })).rejects.toThrow();
    expect(() => process.kill(x.pid, 0)).toThrow();
  });
});
