// The import rules of the tree (issue #15), checked by `pnpm lint` (scripts/check-imports.ts):
//
//   1. no import cycle between files, type-only imports included (a cycle of types is still two files
//      that cannot be understood apart);
//   2. no two top-level folders of a package's src importing each other ("two-way folder pair"): a
//      feature slice depends on others one way. Pairs that existed when the rule came in are listed in
//      scripts/import-pairs.baseline.json; a new pair fails, and so does a listed pair that is gone (the
//      list only shrinks).
//
// Static `import`/`export … from` declarations are read with TypeScript's parser (so comments and
// strings never count); `import()` expressions are not edges: loading on demand is how a cycle is
// legitimately broken. Test files (*.test.ts, *.test.tsx) are left out: a test may reach anywhere.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export interface ImportGraph {
  /** Files of the package (absolute) → the package files they import. */
  readonly edges: ReadonlyMap<string, ReadonlySet<string>>;
}

const SOURCE = /\.(ts|tsx|mts|mjs)$/;
const TEST = /\.test\.tsx?$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(entry.name) && !TEST.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The relative module specifiers a file imports statically. */
export function staticImports(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: string[] = [];
  for (const statement of source.statements) {
    if (
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      const spec = statement.moduleSpecifier.text;
      if (spec.startsWith('.')) out.push(spec);
    }
  }
  return out;
}

/** The import graph of the files under `root` (imports leaving `root` are not edges). */
export function importGraph(root: string): ImportGraph {
  const files = new Set(sourceFiles(root));
  const edges = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of staticImports(file, readFileSync(file, 'utf8'))) {
      const base = resolve(dirname(file), spec);
      const target = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => files.has(candidate));
      if (target !== undefined && target !== file) targets.add(target);
    }
    edges.set(file, targets);
  }
  return { edges };
}

/** Every import cycle, one path each (`a → b → a`), as paths relative to `root`. */
export function cycles(graph: ImportGraph, root: string): string[][] {
  // Tarjan's strongly connected components, iteratively (deep trees must not overflow the stack).
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const start of graph.edges.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: Iterator<string> }[] = [];
    const visit = (node: string) => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      work.push({ node, next: (graph.edges.get(node) ?? new Set<string>()).values() });
    };
    visit(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top === undefined) break;
      const step = top.next.next();
      if (!step.done) {
        const child = step.value;
        if (!index.has(child)) visit(child);
        else if (onStack.has(child)) low.set(top.node, Math.min(low.get(top.node) ?? 0, index.get(child) ?? 0));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(top.node) ?? 0));
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        for (;;) {
          const member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(member);
          if (member === top.node) break;
        }
        if (component.length > 1) components.push(component);
      }
    }
  }
  // One concrete cycle per component: a shortest way back to its first file.
  return components.map((component) => {
    const members = new Set(component);
    const first = [...component].sort()[0] ?? '';
    const cameFrom = new Map<string, string>();
    const queue = [first];
    let closing: string | undefined;
    while (queue.length > 0 && closing === undefined) {
      const node = queue.shift() ?? '';
      for (const next of graph.edges.get(node) ?? []) {
        if (!members.has(next)) continue;
        if (next === first) {
          closing = node;
          break;
        }
        if (!cameFrom.has(next)) {
          cameFrom.set(next, node);
          queue.push(next);
        }
      }
    }
    const path = [first];
    for (let node = closing; node !== undefined && node !== first; node = cameFrom.get(node)) path.splice(1, 0, node);
    path.push(first);
    return path.map((file) => relative(root, file));
  });
}

export interface FolderPair {
  /** The two top-level folders, sorted ('.' for files directly in the root). */
  readonly folders: readonly [string, string];
  /** One import each way, as `from → to` (relative paths), so the message says where to look. */
  readonly examples: readonly [string, string];
}

const topFolder = (root: string, file: string): string => {
  const parts = relative(root, file).split(sep);
  return parts.length === 1 ? '.' : (parts[0] ?? '.');
};

/** Top-level folders of `root` that import each other. */
export function twoWayFolderPairs(graph: ImportGraph, root: string): FolderPair[] {
  const example = new Map<string, string>();
  for (const [from, targets] of graph.edges) {
    for (const to of targets) {
      const a = topFolder(root, from);
      const b = topFolder(root, to);
      if (a !== b && !example.has(`${a}\0${b}`)) example.set(`${a}\0${b}`, `${relative(root, from)} → ${relative(root, to)}`);
    }
  }
  const pairs: FolderPair[] = [];
  for (const [key, there] of example) {
    const [a = '', b = ''] = key.split('\0');
    const back = example.get(`${b}\0${a}`);
    if (back === undefined || a > b) continue;
    pairs.push({ folders: [a, b], examples: [there, back] });
  }
  return pairs.sort((p, q) => p.folders.join('/').localeCompare(q.folders.join('/')));
}

export interface CheckResult {
  readonly problems: string[];
  /** Pairs still allowed by the baseline, per root. */
  readonly tolerated: number;
}

/** Checks each root against the rules; `baseline` maps a root (relative to `repo`) to its allowed pairs. */
export function checkImports(repo: string, roots: readonly string[], baseline: Readonly<Record<string, readonly (readonly [string, string])[]>>): CheckResult {
  const problems: string[] = [];
  let tolerated = 0;
  for (const rootName of roots) {
    const root = resolve(repo, rootName);
    const graph = importGraph(root);
    for (const cycle of cycles(graph, root)) problems.push(`${rootName}: import cycle ${cycle.join(' → ')}`);
    const allowed = new Set((baseline[rootName] ?? []).map(([a, b]) => [a, b].sort().join(' ↔ ')));
    const found = twoWayFolderPairs(graph, root);
    for (const pair of found) {
      const name = pair.folders.join(' ↔ ');
      if (allowed.has(name)) {
        tolerated++;
        continue;
      }
      problems.push(`${rootName}: folders ${name} import each other (${pair.examples[0]}; ${pair.examples[1]}): one of them must not import the other`);
    }
    const present = new Set(found.map((pair) => pair.folders.join(' ↔ ')));
    for (const name of allowed) {
      if (!present.has(name)) problems.push(`${rootName}: ${name} no longer import each other: remove the pair from scripts/import-pairs.baseline.json`);
    }
  }
  return { problems, tolerated };
}
