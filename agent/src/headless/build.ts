// Bundles the headless agent into one ES module: `node agent/src/headless/build.ts` →
// agent/dist/headless/main.mjs (+ key-hook.child.mjs, image-worker.child.mjs and the `--system` session helper,
// session-helper.mjs, beside it). launch.mjs (`pnpm agent`)
// builds it when it is missing or older than the sources and runs it instead of main.ts.
//
// Why: run from its .ts sources the agent loads hundreds of small modules through Node's
// type stripping; one plain JavaScript file loads faster, holds less code in memory and lets
// the agent run with V8 flags that type stripping rules out (it needs WebAssembly).
// Numbers in agent/README.md (bench/src/agent-idle.bench.ts).
//
// npm dependencies stay external (native addons — uiohook-napi, sharp, node-screenshots,
// get-windows — load from node_modules, and get-windows is found with import.meta.resolve);
// workspace sources (@vigil/shared, the agent's own) are bundled.
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const AGENT_DIR = join(HERE, '..', '..');
export const HEADLESS_OUT_DIR = join(AGENT_DIR, 'dist', 'headless');
export const HEADLESS_BUNDLE = join(HEADLESS_OUT_DIR, 'main.mjs');
/** Beside the bundle: the source files it was made from, which launch.mjs compares with it. */
export const INPUTS_FILE = 'inputs.json';
/** Beside the bundle: the session helper of `--system`, found there by system-mode.ts. */
export const SESSION_HELPER_BUNDLE = 'session-helper.mjs';
/** Beside the bundle: the image worker's child (image-worker.ts forks it from its module's folder). */
export const IMAGE_WORKER_CHILD = 'image-worker.child.mjs';
const NODE_PLATFORM_DIR = join(AGENT_DIR, 'src', 'platform', 'node');

/** The keyboard hook child's file name, as key-source.node.ts resolves it (`new URL('./<name>', import.meta.url)`). */
async function keyHookChildName(): Promise<string> {
  const source = await readFile(join(NODE_PLATFORM_DIR, 'key-source.node.ts'), 'utf8');
  const name = /new URL\('\.\/(key-hook\.child\.m?js)', import\.meta\.url\)/.exec(source)?.[1];
  if (name === undefined) throw new Error('headless/build.ts: cannot find the keyboard hook child in key-source.node.ts (new URL(...) changed?)');
  return name;
}

/** npm dependencies of the agent stay in node_modules; workspace packages are bundled. */
async function externalPackages(): Promise<string[]> {
  const pkg = JSON.parse(await readFile(join(AGENT_DIR, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith('@vigil/'));
}

export interface HeadlessBuild {
  bundle: string;
  /** Every source file the bundle was made from (absolute paths): newer than the bundle means rebuild. */
  inputs: string[];
}

/**
 * Writes main.mjs (through a temporary file and a rename, so a concurrent start never runs a
 * half-written bundle), the key-hook child beside it, and `inputs.json` listing the sources.
 */
export async function buildHeadlessAgent(outDir: string = HEADLESS_OUT_DIR): Promise<HeadlessBuild> {
  await mkdir(outDir, { recursive: true });
  const bundle = join(outDir, 'main.mjs');
  const temp = `${bundle}.${process.pid}.tmp`;
  const childName = await keyHookChildName();
  try {
    const options = {
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      external: await externalPackages(),
      absWorkingDir: AGENT_DIR,
      metafile: true,
      legalComments: 'none',
      logLevel: 'silent',
      // Bundled CommonJS code (none today, but a workspace module may pull one in) may call require().
      banner: { js: "import { createRequire as __vigilCreateRequire } from 'node:module'; const require = __vigilCreateRequire(import.meta.url);" },
    } as const;
    const result = await build({ ...options, entryPoints: [join(HERE, 'main.ts')], outfile: temp });
    // `--system` starts the session helper from beside the bundle (system-mode.ts): its own bundle.
    const helper = await build({ ...options, entryPoints: [join(HERE, 'session-helper.ts')], outfile: `${temp}.helper` });
    const sources = new Set([...Object.keys(result.metafile.inputs), ...Object.keys(helper.metafile.inputs)]);
    const inputs = [...sources].map((p) => resolve(AGENT_DIR, p));
    // A change to the externals or to this script makes a different bundle too.
    inputs.push(
      join(NODE_PLATFORM_DIR, childName),
      join(NODE_PLATFORM_DIR, IMAGE_WORKER_CHILD),
      join(AGENT_DIR, 'package.json'),
      fileURLToPath(import.meta.url),
    );
    // NodeKeySource and ImageWorker fork their children from the folder of the module they are in — main.mjs
    // once bundled. The children are plain JavaScript importing only uiohook-napi or sharp, which resolve
    // from agent/node_modules.
    for (const name of [childName, IMAGE_WORKER_CHILD]) {
      await copyFile(join(NODE_PLATFORM_DIR, name), `${temp}.child`);
      await rename(`${temp}.child`, join(outDir, name));
    }
    await rename(`${temp}.helper`, join(outDir, SESSION_HELPER_BUNDLE));
    await writeFile(join(outDir, INPUTS_FILE), `${JSON.stringify(inputs)}\n`);
    await rename(temp, bundle);
    return { bundle, inputs };
  } finally {
    await rm(temp, { force: true });
    await rm(`${temp}.child`, { force: true });
    await rm(`${temp}.helper`, { force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bundle, inputs } = await buildHeadlessAgent();
  process.stdout.write(`built ${bundle} from ${inputs.length} source files\n`);
}
