// Bundles the tray app for Electron: `node agent/src/electron/build.ts` → agent/dist/electron/.
//
//   main.mjs                 the main process (ESM); electron and the agent's npm dependencies stay external
//   key-hook.child.mjs       the keyboard hook child (forked by NodeKeySource from main.mjs's folder)
//   image-worker.child.mjs   sharp in a child that lives only while images are made (ImageWorker)
//   preload/<page>.preload.cjs   sandboxed preloads (CommonJS: sandboxed preloads cannot be ES modules)
//   renderer/<page>.html, <page>.page.js, pages.css, lock.svg
//   assets/tray-<status>.png
//
// electron-builder packs this folder plus the production node_modules (electron-builder.json).
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { IMAGE_WORKER_CHILD } from '../headless/build.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const AGENT_DIR = join(HERE, '..', '..');
export const DEFAULT_OUT_DIR = join(AGENT_DIR, 'dist', 'electron');

export const PAGES = ['lock', 'message', 'aup'] as const;
const STATIC_RENDERER_FILES = ['lock.html', 'message.html', 'aup.html', 'pages.css', 'lock.svg'];
/** Electron 38 runs Chromium 140 and Node 22. */
const CHROME_TARGET = 'chrome140';
const NODE_TARGET = 'node22';

export interface BuildShellOptions {
  outDir?: string;
  /** 'renderer' builds only the pages and preloads (what the page tests need). Default 'all'. */
  parts?: 'all' | 'renderer';
  minify?: boolean;
}

const NODE_PLATFORM_DIR = join(AGENT_DIR, 'src', 'platform', 'node');

/** The keyboard hook child's file name, as key-source.node.ts resolves it (`new URL('./<name>', import.meta.url)`). */
export async function keyHookChildName(): Promise<string> {
  const source = await readFile(join(NODE_PLATFORM_DIR, 'key-source.node.ts'), 'utf8');
  const name = /new URL\('\.\/(key-hook\.child\.[cm]?[jt]s)', import\.meta\.url\)/.exec(source)?.[1];
  if (name === undefined) throw new Error('build.ts: cannot find the keyboard hook child in key-source.node.ts (new URL(...) changed?)');
  return name;
}

/** npm dependencies stay in node_modules (natives must be rebuilt for Electron); workspace sources are bundled. */
async function externalPackages(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(AGENT_DIR, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return ['electron', ...Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith('@vigil/'))];
}

export async function buildElectronShell(opts: BuildShellOptions = {}): Promise<string[]> {
  const outDir = opts.outDir ?? DEFAULT_OUT_DIR;
  const minify = opts.minify ?? false;
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'renderer'), { recursive: true });
  const common: BuildOptions = { bundle: true, minify, sourcemap: false, legalComments: 'none', logLevel: 'silent' };
  const jobs: Promise<unknown>[] = [
    build({
      ...common,
      entryPoints: Object.fromEntries(PAGES.map((page) => [`${page}.page`, join(HERE, 'renderer', `${page}.page.ts`)])),
      outdir: join(outDir, 'renderer'),
      platform: 'browser',
      format: 'iife',
      target: CHROME_TARGET,
    }),
    build({
      ...common,
      entryPoints: Object.fromEntries(PAGES.map((page) => [`${page}.preload`, join(HERE, 'preload', `${page}.preload.ts`)])),
      outdir: join(outDir, 'preload'),
      outExtension: { '.js': '.cjs' },
      platform: 'browser',
      format: 'cjs',
      target: CHROME_TARGET,
      external: ['electron'],
    }),
    ...STATIC_RENDERER_FILES.map((file) => cp(join(HERE, 'renderer', file), join(outDir, 'renderer', file))),
    cp(join(HERE, 'assets'), join(outDir, 'assets'), { recursive: true }),
  ];
  if ((opts.parts ?? 'all') === 'all') {
    const external = await externalPackages();
    const childName = await keyHookChildName();
    jobs.push(
      build({
        ...common,
        entryPoints: [join(HERE, 'main.ts')],
        outfile: join(outDir, 'main.mjs'),
        platform: 'node',
        format: 'esm',
        target: NODE_TARGET,
        external,
        // Bundled CommonJS dependencies may call require(): give the ES module one.
        banner: { js: "import { createRequire as __vigilCreateRequire } from 'node:module'; const require = __vigilCreateRequire(import.meta.url);" },
      }),
      // NodeKeySource forks its child script from the folder of the module it is in — main.mjs once
      // bundled — so the child is written next to main.mjs under the name it looks for.
      build({
        ...common,
        entryPoints: [join(NODE_PLATFORM_DIR, childName)],
        outfile: join(outDir, childName),
        platform: 'node',
        format: childName.endsWith('.cjs') ? 'cjs' : 'esm',
        target: NODE_TARGET,
        external,
      }),
      // ImageWorker (image-worker.ts) forks its sharp child from main.mjs's folder the same way.
      build({
        ...common,
        entryPoints: [join(NODE_PLATFORM_DIR, IMAGE_WORKER_CHILD)],
        outfile: join(outDir, IMAGE_WORKER_CHILD),
        platform: 'node',
        format: 'esm',
        target: NODE_TARGET,
        external,
      }),
    );
  }
  await Promise.all(jobs);
  return listFiles(outDir);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await buildElectronShell({ minify: process.argv.includes('--minify') });
  process.stdout.write(`built ${files.length} files into ${relative(process.cwd(), DEFAULT_OUT_DIR) || '.'}\n`);
}
