/** Words for the five severities (1 lowest … 5 highest), shown next to the number. */
export const severityLabels: Readonly<Record<number, string>> = Object.freeze({ 1: 'Very low', 2: 'Low', 3: 'Medium', 4: 'High', 5: 'Critical' });

export function severityLabel(severity: number): string {
  return severityLabels[severity] ?? `Severity ${severity}`;
}
