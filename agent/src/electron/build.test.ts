import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildElectronShell, keyHookChildName, PAGES } from './build.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('build.ts', () => {
  it('bundles main, the keyboard hook and image worker children, preloads, pages and icons for Electron', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'vigil-build-'));
    dirs.push(outDir);
    const files = await buildElectronShell({ outDir });
    const child = await keyHookChildName();
    const expected = [
      'main.mjs',
      child,
      'image-worker.child.mjs',
      'assets/tray-connected.png',
      'assets/tray-offline.png',
      'assets/tray-locked.png',
      'renderer/pages.css',
      'renderer/lock.svg',
      ...PAGES.flatMap((page) => [`renderer/${page}.html`, `renderer/${page}.page.js`, `preload/${page}.preload.cjs`]),
    ];
    expect(files).toEqual(expected.sort());

    const main = await readFile(join(outDir, 'main.mjs'), 'utf8');
    // Workspace TypeScript is bundled in; npm packages (natives rebuilt for Electron) stay outside.
    expect(main).not.toMatch(/from ["']@vigil\//);
    expect(main).toMatch(/from "electron"/);
    // NodeKeySource forks the child next to the module it is in: the bundled child must be there.
    expect(main).toContain(`new URL("./${child}", import.meta.url)`);
    for (const file of ['main.mjs', child]) await promisify(execFile)(process.execPath, ['--check', join(outDir, file)]);

    for (const page of PAGES) {
      const preload = await readFile(join(outDir, 'preload', `${page}.preload.cjs`), 'utf8');
      // A sandboxed preload may require only 'electron'.
      expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
      const script = await readFile(join(outDir, 'renderer', `${page}.page.js`), 'utf8');
      expect(script).not.toMatch(/require\(|innerHTML|insertAdjacentHTML|document\.write/);
    }
  });
});
