import type { Zippable } from 'fflate';
import { sha256Hex } from '../evidence/blob-store.ts';

/** One file of a bundle, by its path inside the zip. */
export interface BundleFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/**
 * `manifest.sha256`: one `<sha256>  <path>` line per file, the format `sha256sum -c`
 * checks (run it inside the unzipped folder).
 */
export function sha256Manifest(files: readonly BundleFile[]): string {
  return files.map((file) => `${sha256Hex(file.bytes)}  ${file.path}\n`).join('');
}

/** A zip of `files` plus their `manifest.sha256`. Paths must be unique and relative. */
export async function evidenceZip(files: readonly BundleFile[], at: Date): Promise<Uint8Array> {
  // Loaded with the first bundle, not at start-up (~10 MiB a collector need not hold all day).
  const { zipSync } = await import('fflate');
  const zippable: Zippable = {};
  for (const file of files) {
    if (file.path in zippable || file.path.startsWith('/') || file.path.includes('..')) throw new Error(`bundle path not allowed: ${file.path}`);
    // Images are already compressed: stored, not deflated again.
    zippable[file.path] = [file.bytes, { level: /\.(png|jpe?g|webp)$/.test(file.path) ? 0 : 6, mtime: at }];
  }
  zippable['manifest.sha256'] = [new TextEncoder().encode(sha256Manifest(files)), { level: 6, mtime: at }];
  return zipSync(zippable);
}
