import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { agentScript, bundleIsFresh, FROM_SOURCE_ENV, SOURCE_SCRIPT } from './agent-bundle.mjs';
import { buildHeadlessAgent, INPUTS_FILE } from './build.ts';
import { AGENT_BUNDLE_NODE_FLAGS } from './supervisor.ts';

const AGENT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function built() {
  // Inside agent/, as dist/headless is: the bundle finds its npm packages in agent/node_modules.
  await mkdir(join(AGENT_DIR, 'dist'), { recursive: true });
  const dir = await mkdtemp(join(AGENT_DIR, 'dist', 'headless-test-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return { dir, ...(await buildHeadlessAgent(dir)) };
}

describe('the headless agent bundle (build.ts)', { timeout: 30_000 }, () => {
  it('writes main.mjs, the key-hook child beside it and the sources it was made from', async () => {
    const { dir, bundle, inputs } = await built();
    expect(bundle).toBe(join(dir, 'main.mjs'));
    expect((await readdir(dir)).sort()).toEqual(['image-worker.child.mjs', INPUTS_FILE, 'key-hook.child.mjs', 'main.mjs', 'session-helper.mjs']);
    const listed = JSON.parse(await readFile(join(dir, INPUTS_FILE), 'utf8')) as string[];
    expect(listed).toEqual(inputs);
    const here = join(AGENT_DIR, 'src', 'headless');
    expect(listed).toContain(join(here, 'main.ts'));
    expect(listed).toContain(join(here, '..', 'platform', 'node', 'key-hook.child.mjs'));
    expect(listed.some((p) => p.includes('/shared/src/'))).toBe(true);
    // npm packages stay in node_modules (native addons among them).
    expect(listed.some((p) => p.includes('node_modules'))).toBe(false);
    const source = await readFile(bundle, 'utf8');
    expect(source).toMatch(/from "uiohook-napi"|from "pino"/);
    expect(source).toContain('new URL("./key-hook.child.mjs", import.meta.url)');
    expect(source).toContain('new URL("./image-worker.child.mjs", import.meta.url)');
    expect(listed).toContain(join(here, '..', 'platform', 'node', 'image-worker.child.mjs'));
  });

  it('keeps the session helper small: its bundle loads no npm package but pino at start', async () => {
    // Each package loaded is resident in every helper (zod alone is ~6 MiB): the .deb's tree budget (issue #13).
    const { dir } = await built();
    const helper = await readFile(join(dir, 'session-helper.mjs'), 'utf8');
    const packages = new Set([...helper.matchAll(/^import [^;]*? from "([^"]+)";$/gm)].map((m) => m[1] ?? '').filter((name) => !name.startsWith('node:')));
    expect([...packages]).toEqual(['pino']);
    expect(helper).not.toMatch(/from "zod"/);
  });

  it('is fresh until it is older than a source, or a piece is missing', async () => {
    const { dir, bundle } = await built();
    expect(bundleIsFresh(dir)).toBe(true);
    const longAgo = new Date(Date.UTC(2001, 0, 1));
    await utimes(bundle, longAgo, longAgo);
    expect(bundleIsFresh(dir)).toBe(false);
    await buildHeadlessAgent(dir);
    expect(bundleIsFresh(dir)).toBe(true);
    await rm(join(dir, 'key-hook.child.mjs'));
    expect(bundleIsFresh(dir)).toBe(false);
    await buildHeadlessAgent(dir);
    await rm(join(dir, 'image-worker.child.mjs'));
    expect(bundleIsFresh(dir)).toBe(false);
    expect(bundleIsFresh(join(dir, 'nowhere'))).toBe(false);
  });

  it('is not used when VIGIL_AGENT_FROM_SOURCE=1 asks for the sources', () => {
    const logged: string[] = [];
    expect(agentScript({ env: { [FROM_SOURCE_ENV]: '1' }, log: (_level, _fields, msg) => logged.push(msg) })).toBe(SOURCE_SCRIPT);
    expect(SOURCE_SCRIPT.endsWith('/headless/main.ts')).toBe(true);
    expect(logged).toEqual([]);
  });

  it('runs under its V8 flags (no WebAssembly needed) and fails fast on a bad option like main.ts', async () => {
    const { bundle } = await built();
    const help = spawnSync(process.execPath, [...AGENT_BUNDLE_NODE_FLAGS, bundle, '--help'], { encoding: 'utf8' });
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--collector');
    const bad = spawnSync(process.execPath, [...AGENT_BUNDLE_NODE_FLAGS, bundle, '--collector', 'ftp://nowhere'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^vigil-agent: .*collector/);
    // The `--system` session helper beside it runs under the same flags and wants its channel.
    const helper = spawnSync(process.execPath, [...AGENT_BUNDLE_NODE_FLAGS, join(dirname(bundle), 'session-helper.mjs')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(helper.status).toBe(2);
    expect(helper.stderr).toMatch(/^vigil-session-helper: must be started by the Vigil system service/);
  });
});
