// Builds the browser agent: `pnpm -F @vigil/agent-extension build` →
//   agent/extension/dist/            the unpacked extension (manifest.json at its root)
//   agent/extension/vigil-extension-<version>.zip   the same files, packed for the Chrome Web Store / Edge Add-ons
// Workspace sources (@vigil/shared, the outbox sender from @vigil/agent) are bundled; the
// extension loads no remote code (MV3 forbids it).
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { ICON_SIZES, renderIcon } from './icons.ts';
import { manifest, managedSchema } from './manifest.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const EXTENSION_DIR = join(HERE, '..');
export const DIST_DIR = join(EXTENSION_DIR, 'dist');
const SRC = join(EXTENSION_DIR, 'src');

const ENTRIES: { in: string; out: string; format: 'esm' | 'iife' }[] = [
  { in: 'background/service-worker.ts', out: 'background.js', format: 'esm' },
  { in: 'content/content.ts', out: 'content.js', format: 'iife' },
  { in: 'pages/popup.ts', out: 'popup.js', format: 'iife' },
  { in: 'pages/lock-page.ts', out: 'lock.js', format: 'iife' },
];
const STATIC_PAGES = ['pages/popup.html', 'pages/lock.html', 'pages/page.css'];

export interface ExtensionBuild {
  dir: string;
  zip: string;
  version: string;
}

export async function buildExtension(outDir: string = DIST_DIR): Promise<ExtensionBuild> {
  const pkg = JSON.parse(await readFile(join(EXTENSION_DIR, 'package.json'), 'utf8')) as { version: string };
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'icons'), { recursive: true });
  for (const entry of ENTRIES) {
    await build({
      entryPoints: [join(SRC, entry.in)],
      outfile: join(outDir, entry.out),
      bundle: true,
      format: entry.format,
      platform: 'browser',
      target: 'chrome116',
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'warning',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
  }
  for (const page of STATIC_PAGES) await copyFile(join(SRC, page), join(outDir, page.slice('pages/'.length)));
  for (const size of ICON_SIZES) await writeFile(join(outDir, 'icons', `icon-${size}.png`), await renderIcon(size));
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest({ version: pkg.version }), null, 2)}\n`);
  await writeFile(join(outDir, 'managed_schema.json'), `${JSON.stringify(managedSchema(), null, 2)}\n`);
  const zip = join(EXTENSION_DIR, `vigil-extension-${pkg.version}.zip`);
  await writeFile(zip, zipSync(await filesOf(outDir), { level: 9 }));
  return { dir: outDir, zip, version: pkg.version };
}

async function filesOf(dir: string): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path)] = new Uint8Array(await readFile(path));
  }
  return files;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await buildExtension();
  process.stdout.write(`built ${relative(process.cwd(), result.dir)} and ${relative(process.cwd(), result.zip)} (version ${result.version})\n`);
}
