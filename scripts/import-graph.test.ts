import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkImports, cycles, importGraph, staticImports, twoWayFolderPairs } from './import-graph.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A throwaway repo with one package root `pkg/src` holding `files`. */
async function repo(files: Record<string, string>): Promise<{ repo: string; root: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-imports-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, 'pkg/src', path)), { recursive: true });
    await writeFile(join(dir, 'pkg/src', path), text);
  }
  return { repo: dir, root: join(dir, 'pkg/src') };
}

describe('the import rules (scripts/import-graph.ts, run by pnpm lint)', () => {
  it('reads static imports and re-exports, type-only ones too, but not comments, strings or import()', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b/b.ts';",
      "export * from './c.ts';",
      "export { d } from './d.ts';",
      "import './side-effect.ts';",
      "import { z } from 'zod';",
      "// import { no } from './comment.ts';",
      'const s = "import { no } from \'./string.ts\'";',
      "const later = await import('./lazy.ts');",
    ].join('\n');
    expect(staticImports('x.ts', text)).toEqual(['./a.ts', '../b/b.ts', './c.ts', './d.ts', './side-effect.ts']);
  });

  it('finds a cycle through type-only imports and names its files in order', async () => {
    const { root } = await repo({
      'agents/connection.ts': "import { run } from './handshake.ts';\nexport class Connection {}\n",
      'agents/handshake.ts': "import type { Connection } from './connection.ts';\nexport function run(c: Connection) { return c; }\n",
      'agents/free.ts': "import { run } from './handshake.ts';\n",
    });
    expect(cycles(importGraph(root), root)).toEqual([['agents/connection.ts', 'agents/handshake.ts', 'agents/connection.ts']]);
  });

  it('finds two folders importing each other, with one import each way', async () => {
    const { root } = await repo({
      'auth/table.ts': "import { liveRules } from '../live/live.access.ts';\nexport const t = liveRules;\n",
      'live/live.access.ts': 'export const liveRules = {};\n',
      'live/live.routes.ts': "import { t } from '../auth/table.ts';\nexport const r = t;\n",
      'triage/x.ts': "import { t } from '../auth/table.ts';\n",
    });
    expect(twoWayFolderPairs(importGraph(root), root)).toEqual([
      { folders: ['auth', 'live'], examples: ['auth/table.ts → live/live.access.ts', 'live/live.routes.ts → auth/table.ts'] },
    ]);
  });

  it('fails on a new pair and on a cycle, tolerates a listed pair, and fails when a listed pair is gone', async () => {
    const { repo: dir } = await repo({
      'a/one.ts': "import { two } from '../b/two.ts';\nexport const one = two;\n",
      'b/two.ts': "export const two = 2;\nexport { one } from '../a/one.ts';\n",
      'c/three.ts': 'export const three = 3;\n',
    });
    const fresh = checkImports(dir, ['pkg/src'], {});
    expect(fresh.problems).toEqual([
      'pkg/src: import cycle a/one.ts → b/two.ts → a/one.ts',
      'pkg/src: folders a ↔ b import each other (a/one.ts → b/two.ts; b/two.ts → a/one.ts): one of them must not import the other',
    ]);
    const listed = checkImports(dir, ['pkg/src'], {
      'pkg/src': [
        ['b', 'a'],
        ['a', 'c'],
      ],
    });
    expect(listed.tolerated).toBe(1);
    expect(listed.problems).toEqual([
      'pkg/src: import cycle a/one.ts → b/two.ts → a/one.ts',
      'pkg/src: a ↔ c no longer import each other: remove the pair from scripts/import-pairs.baseline.json',
    ]);
  });

  it('leaves test files out: a test may import from anywhere', async () => {
    const { root } = await repo({
      'a/one.ts': "import { two } from '../b/two.ts';\nexport const one = two;\n",
      'b/two.ts': 'export const two = 2;\n',
      'b/two.test.ts': "import { one } from '../a/one.ts';\n",
    });
    const graph = importGraph(root);
    expect(twoWayFolderPairs(graph, root)).toEqual([]);
    expect(cycles(graph, root)).toEqual([]);
  });
});
