// Reads word-list files from disk and hands their bytes to the pure parser in
// @vigil/shared. A folder loads every `.tsv` in it (not sub-folders: fixtures and notes
// live there); a single `.tsv` file loads on its own in single-file mode.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseWordlistFiles, type LoadResult, type WordlistFile } from '@vigil/shared/wordlist';

export { mergeWordlist, formatWordlistError, type LoadResult, type WordlistExtra } from '@vigil/shared/wordlist';

export async function loadWordlists(path: string): Promise<LoadResult> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    return readFailed(path, err);
  }
  if (!isDir) {
    if (!path.endsWith('.tsv')) {
      return { ok: false, errors: [{ file: path, line: 0, code: 'read-failed', message: 'not a folder or a .tsv file' }] };
    }
    const file = await readOne(path, basename(path));
    return 'errors' in file ? file : parseWordlistFiles([file]);
  }
  let names: string[];
  try {
    names = (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.tsv')).map((e) => e.name);
  } catch (err) {
    return readFailed(path, err);
  }
  const files: WordlistFile[] = [];
  for (const name of names.sort()) {
    const file = await readOne(join(path, name), name);
    if ('errors' in file) return file;
    files.push(file);
  }
  if (files.length === 0) return { ok: false, errors: [{ file: path, line: 0, code: 'no-files', message: 'no .tsv files in folder' }] };
  return parseWordlistFiles(files);
}

async function readOne(path: string, name: string): Promise<WordlistFile | { ok: false; errors: LoadResultErrors }> {
  try {
    return { name, bytes: new Uint8Array(await readFile(path)) };
  } catch (err) {
    return readFailed(path, err);
  }
}

type LoadResultErrors = Extract<LoadResult, { ok: false }>['errors'];

function readFailed(path: string, err: unknown): { ok: false; errors: LoadResultErrors } {
  const message = err instanceof Error ? err.message : String(err);
  return { ok: false, errors: [{ file: path, line: 0, code: 'read-failed', message }] };
}
