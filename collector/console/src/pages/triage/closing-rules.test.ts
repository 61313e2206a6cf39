import { describe, expect, it } from 'vitest';
import { closePlan, isSerious, seriousnessText, type CloseFacts } from './closing-rules.ts';

const mild: CloseFacts = { severity: 2, restricted: false, status: 'new', categoryLabel: 'Bullying' };

describe('closePlan', () => {
  it('needs a reason for severity 4–5, restricted or escalated alerts', () => {
    expect(isSerious(mild)).toBe(false);
    expect(isSerious({ ...mild, severity: 4 })).toBe(true);
    expect(isSerious({ ...mild, restricted: true })).toBe(true);
    expect(isSerious({ ...mild, status: 'escalated' })).toBe(true);
  });

  it('offers closing a restricted alert to the DSL only, and an escalated one to the DSL or an admin', () => {
    const restricted = { ...mild, restricted: true, categoryLabel: 'Self-harm' };
    expect(closePlan(restricted, 'dsl')).toEqual({ allowed: true, serious: true, whyNot: undefined });
    for (const role of ['technician', 'admin'] as const) {
      const plan = closePlan(restricted, role);
      expect(plan.allowed).toBe(false);
      expect(plan.whyNot).toMatch(/only the Designated Safeguarding Lead/);
    }
    const escalated = { ...mild, status: 'escalated' as const };
    expect(closePlan(escalated, 'technician').allowed).toBe(false);
    expect(closePlan(escalated, 'admin')).toMatchObject({ allowed: true, serious: true });
    expect(closePlan(mild, 'technician')).toEqual({ allowed: true, serious: false, whyNot: undefined });
  });

  it('names what is being closed', () => {
    expect(seriousnessText({ severity: 5, restricted: true, status: 'escalated', categoryLabel: 'Self-harm' })).toBe(
      'severity 5 · Critical, Self-harm (restricted), escalated',
    );
  });
});
