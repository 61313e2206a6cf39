import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ancestorsOf, securePrivateStateDir } from './private-state-dir.ts';

// Run as any user: the folder's expected owner is this process's uid (root in the service).
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vigil-private-dir-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o7777;

describe('securePrivateStateDir', () => {
  it('creates a missing folder owner-only', async () => {
    const dir = join(root, 'state');
    expect(await securePrivateStateDir(dir)).toEqual({ ok: true, fixed: [] });
    expect(await mode(dir)).toBe(0o700);
  });

  it('closes a folder (and its outbox) others could read, and says the secret may have been seen', async () => {
    const dir = join(root, 'state');
    await mkdir(join(dir, 'outbox'), { recursive: true });
    await writeFile(join(dir, 'device.json'), '{}');
    await chmod(dir, 0o755);
    await chmod(join(dir, 'outbox'), 0o755);
    const result = await securePrivateStateDir(dir);
    expect(result.ok).toBe(true);
    expect(result.ok && result.fixed.join('\n')).toMatch(/0755 → 0700 .*re-enrolling/);
    expect([await mode(dir), await mode(join(dir, 'outbox'))]).toEqual([0o700, 0o700]);
  });

  it('refuses a folder others could write to: entries may have been planted', async () => {
    const dir = join(root, 'state');
    await mkdir(dir, { mode: 0o700 });
    await chmod(dir, 0o777);
    expect(await securePrivateStateDir(dir)).toMatchObject({ ok: false, path: dir, problem: expect.stringMatching(/writable by others/) });
  });

  it('refuses a folder owned by someone else, naming the path and the owner', async () => {
    const dir = join(root, 'state');
    await mkdir(dir, { mode: 0o700 });
    const result = await securePrivateStateDir(dir, { uid: 4242 });
    expect(result).toMatchObject({ ok: false, path: expect.stringContaining('vigil-private-dir-'), problem: expect.stringMatching(/owned by uid/) });
  });

  it('refuses a symlink for the folder and symlinks inside it (an outbox pointing into a home)', async () => {
    const real = join(root, 'real');
    await mkdir(real, { mode: 0o700 });
    await symlink(real, join(root, 'state'));
    expect(await securePrivateStateDir(join(root, 'state'))).toMatchObject({ ok: false, problem: expect.stringMatching(/not a directory/) });
    await symlink(tmpdir(), join(real, 'outbox'));
    expect(await securePrivateStateDir(real)).toMatchObject({ ok: false, path: join(real, 'outbox'), problem: expect.stringMatching(/symlink/) });
  });

  it('refuses a folder inside one anybody can write to (they could swap it), but not inside sticky /tmp', async () => {
    const open = join(root, 'open');
    await mkdir(open);
    await chmod(open, 0o777);
    expect(await securePrivateStateDir(join(open, 'state'))).toMatchObject({ ok: false, path: open, problem: expect.stringMatching(/not sticky/) });
    await chmod(open, 0o1777);
    expect((await securePrivateStateDir(join(open, 'state'))).ok).toBe(true);
  });

  it('refuses a relative path', async () => {
    expect(await securePrivateStateDir('state')).toMatchObject({ ok: false, problem: 'must be an absolute path' });
  });

  it('lists the folders above a path, root first', () => {
    expect(ancestorsOf('/var/lib')).toEqual(['/', '/var', '/var/lib']);
    expect(ancestorsOf('/')).toEqual(['/']);
  });
});
