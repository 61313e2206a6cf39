// Pieces every `vigil admin` subcommand uses. Exit codes: 0 done, 1 failed (not found,
// conflict, database), 2 usage (unknown subcommand or flag, a flag missing or malformed).
import type { ParseArgsConfig } from 'node:util';
import { CliError } from './cli-database.ts';

export { CliError } from './cli-database.ts';

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export interface Subcommand {
  /** `name --flag <x> [--other]`. */
  readonly synopsis: string;
  /** What it does, in a few words. */
  readonly summary: string;
  /** More lines for `vigil admin <name> --help`. */
  readonly help?: string;
  readonly options?: ParseArgsConfig['options'];
  run(values: Values): Promise<number>;
}

/** A flag missing or malformed: exit code 2, and the message names the flag. */
export class CliUsageError extends CliError {}

export function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function required(values: Values, name: string): string {
  const value = text(values, name);
  if (value === undefined) throw new CliUsageError(`--${name} is required`);
  return value;
}

/** A repeatable flag (`--device a --device b`), also accepting commas (`--device a,b`). */
export function list(values: Values, name: string): string[] {
  const raw = values[name];
  const items = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return items
    .flatMap((item) => (typeof item === 'string' ? item.split(',') : []))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** An integer flag within bounds, or undefined when absent. */
export function integer(values: Values, name: string, min: number, max: number): number | undefined {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliUsageError(`--${name} must be an integer ${min}..${max}`);
  }
  return value;
}

export function pad(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const unitMs: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `24h`, `7d` → milliseconds. */
export function parseDuration(raw: string): number | undefined {
  const match = /^(\d+)\s*([mhd])$/.exec(raw.trim());
  if (match === null) return undefined;
  const unit = unitMs[match[2] ?? ''];
  const amount = Number(match[1]);
  return unit !== undefined && amount > 0 ? amount * unit : undefined;
}
