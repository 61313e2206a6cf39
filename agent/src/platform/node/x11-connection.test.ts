import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTools, X11_TEST_TOOLS as T } from '../../testing/system-tools.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { findCookie, parseDisplay, XConnection } from './x11-connection.ts';

/** An Xauthority entry as libXau writes it (big-endian lengths). */
function xauthEntry(family: number, address: string, display: string, name: string, data: Buffer): Buffer {
  const field = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  return Buffer.concat([
    Buffer.from([family >> 8, family & 0xff]),
    field(Buffer.from(address)),
    field(Buffer.from(display)),
    field(Buffer.from(name)),
    field(data),
  ]);
}

describe('X display and cookie', () => {
  it('parses local displays and refuses others with a clear error', () => {
    expect(parseDisplay(':0')).toEqual({ path: '/tmp/.X11-unix/X0', displayNumber: 0 });
    expect(parseDisplay(':12.0').displayNumber).toBe(12);
    expect(parseDisplay('unix:3').displayNumber).toBe(3);
    expect(() => parseDisplay('remote.host:0')).toThrow(/not a local X display/);
    expect(() => parseDisplay(undefined)).toThrow(/not a local X display/);
  });

  it('a display with no server behind it is a clear error, not a crash', async () => {
    await expect(XConnection.open({ DISPLAY: ':987', HOME: tmpdir() })).rejects.toThrow(/cannot connect to X display :987: connect ENOENT/);
  });

  it('finds the MIT-MAGIC-COOKIE-1 for this host and display, or a wildcard one', () => {
    const mine = randomBytes(16);
    const wild = randomBytes(16);
    const file = Buffer.concat([
      xauthEntry(256, 'other-host', '5', 'MIT-MAGIC-COOKIE-1', randomBytes(16)),
      xauthEntry(256, 'pc1', '4', 'MIT-MAGIC-COOKIE-1', randomBytes(16)),
      xauthEntry(65535, '', '5', 'MIT-MAGIC-COOKIE-1', wild),
      xauthEntry(256, 'pc1', '5', 'MIT-MAGIC-COOKIE-1', mine),
    ]);
    expect(findCookie(file, 5, 'pc1')).toEqual(mine);
    expect(findCookie(file, 5, 'pc2')).toEqual(wild);
    expect(findCookie(file, 7, 'pc1')).toBeUndefined();
    expect(findCookie(file.subarray(0, 9), 5, 'pc1')).toBeUndefined(); // a torn file: no cookie, no crash
  });

  it('connects to a server that demands a cookie with the one in XAUTHORITY, and is refused without it', { timeout: 30_000 }, async () => {
    await ensureTools([T.xvfb]);
    const dir = await mkdtemp(join(tmpdir(), 'vigil-xauth-'));
    const number = 200 + Math.floor(Math.random() * 500);
    const cookie = randomBytes(16);
    const authFile = join(dir, 'Xauthority');
    await writeFile(authFile, xauthEntry(256, hostname(), String(number), 'MIT-MAGIC-COOKIE-1', cookie));
    const xvfb = spawn('Xvfb', [`:${number}`, '-auth', authFile, '-nolisten', 'tcp', '-screen', '0', '640x480x24'], { stdio: 'ignore' });
    try {
      const env = { DISPLAY: `:${number}`, XAUTHORITY: authFile, HOME: dir };
      const x = await waitFor(() => XConnection.open(env), { message: 'Xvfb with -auth', timeoutMs: 10_000 });
      expect(x.setup.screenWidth).toBe(640);
      expect(x.setup.rootWindow).toBeGreaterThan(0);
      expect(await x.queryExtension('NO-SUCH-EXTENSION')).toBeUndefined();
      x.close();
      await expect(XConnection.open({ DISPLAY: `:${number}`, XAUTHORITY: join(dir, 'missing'), HOME: dir })).rejects.toThrow(/refused the connection/);
    } finally {
      xvfb.kill('SIGTERM');
      await once(xvfb, 'exit');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
