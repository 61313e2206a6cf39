import { severityLabel } from '../../components/severity.ts';

// The 1–5 severity scale of wordlists/README.md as text for pickers and summaries, using
// the console's one set of words (components/severity.ts). Number and word always go
// together so nobody relies on colour alone (WCAG 1.4.1).

export interface SeverityOption {
  readonly level: 1 | 2 | 3 | 4 | 5;
  readonly text: string;
  /** What staff do at this level (wordlists/README.md, "Severity scale"). */
  readonly meaning: string;
}

/** A severity on the 1–5 scale; anything else is clamped and rounded so it still renders. */
export function clampSeverity(severity: number): 1 | 2 | 3 | 4 | 5 {
  if (!Number.isFinite(severity)) return 1;
  return Math.min(5, Math.max(1, Math.round(severity))) as 1 | 2 | 3 | 4 | 5;
}

/** `4` → `"4 · High"`. */
export function severityText(severity: number): string {
  const level = clampSeverity(severity);
  return `${level} · ${severityLabel(level)}`;
}

const MEANINGS = ['Counts and trends only', 'Reviewed when convenient', 'Reviewed in the daily check', 'DSL reviews the same day', 'DSL acts now'];

export const SEVERITY_OPTIONS: readonly SeverityOption[] = ([1, 2, 3, 4, 5] as const).map((level) => ({
  level,
  text: severityText(level),
  meaning: MEANINGS[level - 1] as string,
}));
