// Aho–Corasick automaton over normalised symbols, built into flat typed arrays.
//
// Shallow states (the first few levels of the trie, at most DENSE_CAP of them, numbered
// first in breadth-first order) have a complete transition row of `alphabet` ints with the
// failure transitions folded in: one array read per symbol. Deeper states, which almost
// always have a single child, keep only their children (contiguous ids, thanks to the
// breadth-first numbering) and a failure link; a step from one walks children, then fails
// towards the shallow states. That keeps memory near 20 bytes per state instead of
// 4 × alphabet (50,000 terms: ~25 MB instead of ~150 MB) for a few ns per symbol. The walk
// is bounded by the pattern depth, so a step never depends on the number of terms.
// Outputs are chained through dictionary-suffix links; for the allow-list each state knows
// the length of its longest suffix that could still grow into an allow word.

export interface PatternSpec {
  syms: readonly number[];
  /** Per symbol: the least run of that letter the input must show (1, 2 or 3). */
  runs: readonly number[];
  /** 1 when the pattern starts/ends with a boundary (word and phrase terms). */
  lead: 0 | 1;
  trail: 0 | 1;
  allow: boolean;
  /** Reported only in window titles and URLs, never in typed text (the automaton ignores it). */
  addressOnly?: boolean;
}

export interface Automaton {
  readonly alphabet: number;
  readonly states: number;
  /** States below this id have a complete row in `next`. */
  readonly dense: number;
  readonly next: Int32Array;
  readonly fail: Int32Array;
  /** Children of a state are the ids firstKid … firstKid + kidCount - 1. */
  readonly firstKid: Int32Array;
  readonly kidCount: Uint8Array;
  /** The symbol on the edge into each state. */
  readonly label: Uint8Array;
  /** First pattern ending exactly at a state, -1 if none; further ones via patNext. */
  readonly outHead: Int32Array;
  /** Nearest state on the failure chain with an output, 0 if none. */
  readonly dictLink: Int32Array;
  /** 1 if a state or its failure chain has an output. */
  readonly outAny: Uint8Array;
  /** Length of the longest suffix at a state that is a prefix of an allow word. */
  readonly allowReach: Uint16Array;
  readonly patNext: Int32Array;
  readonly patCore: Int32Array;
  readonly patTrail: Uint8Array;
  readonly patAllow: Uint8Array;
  readonly patLastReq: Uint8Array;
  /** Offset into `reqs` of the pattern's per-core-symbol run requirements, -1 if all are 1. */
  readonly patReqAt: Int32Array;
  readonly reqs: Uint8Array;
  /** States are numbered breadth-first: levelStart[d] is the first state of depth d (one extra entry at the end). */
  readonly levelStart: Int32Array;
}

const DENSE_CAP = 16_384;

/** Depth of a state: how many of the last symbols read are a prefix of some pattern. */
export function stateDepth(a: Automaton, state: number): number {
  let lo = 0;
  let hi = a.levelStart.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((a.levelStart[mid] ?? 0) <= state) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The state after reading `sym` in `state`. */
export function step(a: Automaton, state: number, sym: number): number {
  let s = state;
  while (s >= a.dense) {
    const first = a.firstKid[s] ?? 0;
    const end = first + (a.kidCount[s] ?? 0);
    for (let k = first; k < end; k++) if (a.label[k] === sym) return k;
    s = a.fail[s] ?? 0;
  }
  return a.next[s * a.alphabet + sym] ?? 0;
}

export function buildAutomaton(patterns: readonly PatternSpec[], alphabet: number): Automaton {
  const trie = buildTrie(patterns);
  const n = trie.count;
  // Breadth-first numbering: children of a state get consecutive ids.
  const order = new Int32Array(n);
  const id = new Int32Array(n);
  const firstKid = new Int32Array(n);
  const kidCount = new Uint8Array(n);
  let tail = 1;
  for (let head = 0; head < n; head++) {
    const old = order[head] ?? 0;
    id[old] = head;
    firstKid[head] = tail;
    for (let c = trie.firstChild[old] ?? 0; c !== 0; c = trie.sibling[c] ?? 0) order[tail++] = c;
    kidCount[head] = tail - (firstKid[head] ?? 0);
  }
  const label = new Uint8Array(n);
  const outHead = new Int32Array(n);
  const depth = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const old = order[k] ?? 0;
    label[k] = trie.label[old] ?? 0;
    outHead[k] = trie.outHead[old] ?? -1;
    depth[k] = trie.depth[old] ?? 0;
  }
  let dense = 1;
  for (let d = 1; ; d++) {
    let end = dense;
    while (end < n && depth[end] === d) end++;
    if (end === dense || (d > 1 && end > DENSE_CAP)) break;
    dense = end;
  }
  const levels: number[] = [];
  for (let k = 0; k < n; k++) while (levels.length <= (depth[k] ?? 0)) levels.push(k);
  levels.push(n);
  const a: Automaton = {
    levelStart: Int32Array.from(levels),
    alphabet,
    states: n,
    dense,
    next: new Int32Array(dense * alphabet),
    fail: new Int32Array(n),
    firstKid,
    kidCount,
    label,
    outHead,
    dictLink: new Int32Array(n),
    outAny: new Uint8Array(n),
    allowReach: new Uint16Array(n),
    ...packPatterns(patterns, trie.patNext),
  };
  const parent = new Int32Array(n);
  for (let u = 0; u < n; u++) {
    const first = firstKid[u] ?? 0;
    for (let k = first; k < first + (kidCount[u] ?? 0); k++) parent[k] = u;
  }
  for (let u = 0; u < n; u++) {
    if (u > 0) {
      const p = parent[u] ?? 0;
      const f = p === 0 ? 0 : step(a, a.fail[p] ?? 0, label[u] ?? 0);
      a.fail[u] = f;
      a.dictLink[u] = (outHead[f] ?? -1) >= 0 ? f : (a.dictLink[f] ?? 0);
      a.outAny[u] = (outHead[u] ?? -1) >= 0 || a.dictLink[u] !== 0 ? 1 : 0;
      a.allowReach[u] = trie.allowPath[order[u] ?? 0] === 1 ? (depth[u] ?? 0) : (a.allowReach[f] ?? 0);
    }
    if (u < dense) {
      // complete row: own children, else whatever the failure state does (already complete)
      const row = u * alphabet;
      const frow = (a.fail[u] ?? 0) * alphabet;
      for (let c = 0; c < alphabet; c++) a.next[row + c] = u === 0 ? 0 : (a.next[frow + c] ?? 0);
      const first = firstKid[u] ?? 0;
      for (let k = first; k < first + (kidCount[u] ?? 0); k++) a.next[row + (label[k] ?? 0)] = k;
    }
  }
  return a;
}

interface Trie {
  count: number;
  firstChild: Int32Array;
  sibling: Int32Array;
  label: Uint8Array;
  depth: Int32Array;
  outHead: Int32Array;
  allowPath: Uint8Array;
  patNext: Int32Array;
}

// First-child / next-sibling trie, sized by the total pattern length.
function buildTrie(patterns: readonly PatternSpec[]): Trie {
  let cap = 1;
  for (const p of patterns) cap += p.syms.length;
  const firstChild = new Int32Array(cap);
  const sibling = new Int32Array(cap);
  const label = new Uint8Array(cap);
  const depth = new Int32Array(cap);
  const outHead = new Int32Array(cap).fill(-1);
  const allowPath = new Uint8Array(cap);
  const patNext = new Int32Array(patterns.length).fill(-1);
  let count = 1;
  patterns.forEach((p, pid) => {
    let node = 0;
    for (const sym of p.syms) {
      let child = firstChild[node] ?? 0;
      while (child !== 0 && label[child] !== sym) child = sibling[child] ?? 0;
      if (child === 0) {
        child = count++;
        label[child] = sym;
        depth[child] = (depth[node] ?? 0) + 1;
        sibling[child] = firstChild[node] ?? 0;
        firstChild[node] = child;
      }
      node = child;
      if (p.allow) allowPath[node] = 1;
    }
    patNext[pid] = outHead[node] ?? -1;
    outHead[node] = pid;
  });
  return { count, firstChild, sibling, label, depth, outHead, allowPath, patNext };
}

function packPatterns(patterns: readonly PatternSpec[], patNext: Int32Array) {
  const n = patterns.length;
  const patCore = new Int32Array(n);
  const patTrail = new Uint8Array(n);
  const patAllow = new Uint8Array(n);
  const patLastReq = new Uint8Array(n);
  const patReqAt = new Int32Array(n).fill(-1);
  const reqList: number[] = [];
  patterns.forEach((p, pid) => {
    const core = p.syms.length - p.lead - p.trail;
    patCore[pid] = core;
    patTrail[pid] = p.trail;
    patAllow[pid] = p.allow ? 1 : 0;
    const coreRuns = p.runs.slice(p.lead, p.lead + core);
    patLastReq[pid] = p.trail === 1 ? 1 : (coreRuns[core - 1] ?? 1);
    if (coreRuns.some((r) => r > 1)) {
      patReqAt[pid] = reqList.length;
      reqList.push(...coreRuns);
    }
  });
  return { patNext, patCore, patTrail, patAllow, patLastReq, patReqAt, reqs: Uint8Array.from(reqList) };
}
