import { describe, expect, it } from 'vitest';
import { alertStatuses, userRoles } from '../db/schema/index.ts';
import { checkTransition } from './status-transitions.ts';

describe('checkTransition', () => {
  it('allows any move to another status, except out of escalated or resolved for anyone but a DSL or admin', () => {
    for (const role of userRoles) {
      for (const from of alertStatuses) {
        for (const to of alertStatuses) {
          const result = checkTransition(from, to, role);
          const senior = role === 'dsl' || role === 'admin';
          const expected = from === to ? 'status-unchanged' : !senior && (from === 'escalated' || from === 'resolved') ? 'status-transition' : 'ok';
          expect(result.ok ? 'ok' : result.code, `${role}: ${from} → ${to}`).toBe(expected);
        }
      }
    }
  });
});
