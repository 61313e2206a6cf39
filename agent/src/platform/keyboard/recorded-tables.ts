// The recorded layout tables in ./tables/*.json: documented behaviour of real Windows / macOS layouts, each fact
// with its source. Tests replay the facts as hook events through the same TableKeyTranslator the agent uses,
// and the FFI backends' fakes answer from these tables. Nothing here ran on Windows or macOS.
import { readdirSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { HookKeyEvent } from '../node/key-hook.protocol.ts';
import { VC } from '../node/key-translator.ts';
import type { Key } from '../../core/ports.ts';
import { layoutTableFromJson, type LayoutTable } from './layout-table.ts';
import { TableKeyTranslator, type LayoutSource } from './table-translator.ts';
import { MAC_KEYCODE_TO_VC, WIN_VK_TO_VC } from './uiohook-codes.ts';

const TABLES_DIR = new URL('./tables/', import.meta.url);

const hex = z.string().regex(/^0x[0-9A-Fa-f]{1,4}$/, 'a hex code like "0x41"');
const output = z.union([z.string(), z.object({ dead: z.string().min(1) }).strict()]);
const levels = z.object({ base: output, shift: output, alt: output, altShift: output }).partial().strict();
const key = levels.extend({ capsLock: z.enum(['shift', 'shift+alt']).optional(), caps: levels.optional() }).strict();

export const recordedTableSchema = z
  .object({
    $comment: z.string(),
    os: z.enum(['win32', 'darwin']),
    name: z.string(),
    sources: z.record(z.string(), z.string().min(1)),
    /** Windows only: physical scan code → virtual key, for facts about key positions ("sc:0x10"). */
    scanToVk: z.record(hex, hex).optional(),
    layout: z
      .object({
        letters: z.string().length(26).optional(),
        keys: z.record(hex, key),
        deadKeys: z.record(z.string(), z.record(z.string(), z.string())).optional(),
      })
      .strict(),
    facts: z.array(z.object({ keys: z.array(z.string()), text: z.string(), source: z.string().min(1) }).strict()).min(1),
  })
  .strict();

export type RecordedTable = z.infer<typeof recordedTableSchema> & { file: string; table: LayoutTable };

export function parseRecordedTable(file: string, text: string): RecordedTable {
  const parsed = recordedTableSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { ...parsed.data, file, table: layoutTableFromJson(parsed.data.layout) };
}

export function loadRecordedTables(): RecordedTable[] {
  return readdirSync(TABLES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parseRecordedTable(f, readFileSync(new URL(f, TABLES_DIR), 'utf8')));
}

const MODS = new Set(['Shift', 'AltGr', 'Option', 'Ctrl', 'Alt', 'Win', 'Cmd']);

/**
 * One fact key ("Shift+0x32", "AltGr+0x45", "Option+0x0E", "sc:0x10", "CapsLock") → the hook event uiohook-napi
 * would send for it: the native code goes through libuiohook's own table to its VC_* code.
 */
export function factEvent(rec: Pick<RecordedTable, 'os' | 'scanToVk' | 'file'>, spec: string): HookKeyEvent {
  const parts = spec.split('+');
  const last = parts.pop() ?? '';
  const mods = new Set(parts);
  for (const m of mods) if (!MODS.has(m)) throw new Error(`${rec.file}: unknown modifier "${m}" in "${spec}"`);
  let code: number;
  if (last === 'CapsLock') code = VC.CapsLock;
  else {
    const native = Number(last.startsWith('sc:') ? rec.scanToVk?.[last.slice(3)] : last);
    if (!Number.isInteger(native)) throw new Error(`${rec.file}: cannot read key "${spec}"`);
    const vc = (rec.os === 'win32' ? WIN_VK_TO_VC : MAC_KEYCODE_TO_VC).get(native);
    if (vc === undefined) throw new Error(`${rec.file}: libuiohook has no VC_* code for native key ${last}`);
    code = vc;
  }
  const altGr = mods.has('AltGr');
  return {
    type: 'key',
    down: true,
    code,
    shift: mods.has('Shift'),
    ctrl: altGr || mods.has('Ctrl'),
    alt: altGr || mods.has('Alt') || mods.has('Option'),
    meta: mods.has('Win') || mods.has('Cmd'),
  };
}

/** A LayoutSource that always answers with one fixed table (Caps Lock off at start). */
export function fixedSource(table: LayoutTable): LayoutSource {
  return { current: () => ({ table, changed: false }), reload: async () => {}, capsLockOn: () => false };
}

/** Replays a fact's keys as hook events through a TableKeyTranslator and returns what it typed. */
export function typeFact(rec: RecordedTable, keys: readonly string[], table: LayoutTable = rec.table): string {
  const tr = new TableKeyTranslator(rec.os, fixedSource(table));
  const out: Key[] = [];
  for (const spec of keys) {
    const k = tr.translate(factEvent(rec, spec));
    if (typeof k === 'string') out.push(k);
    else if (k !== undefined) out.push(...k);
  }
  return out.join('');
}
