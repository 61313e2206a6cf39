import { describe, expect, it } from 'vitest';
import { homePathFor, maySee, navItemsFor, safeNextPath, sectionOf } from './navigation.ts';

const labels = (role: Parameters<typeof navItemsFor>[0]) => navItemsFor(role).map((item) => item.label);

describe('navigation by role', () => {
  it('gives each role only its sections', () => {
    expect(labels('teacher')).toEqual(['Live']);
    expect(labels('technician')).toEqual(['Live', 'Triage', 'Reports', 'Admin']);
    expect(labels('dsl')).toEqual(['Live', 'Triage', 'Audit', 'Reports', 'Admin']);
    expect(labels('admin')).toEqual(['Live', 'Triage', 'Audit', 'Reports', 'Admin']);
    expect(labels('viewer')).toEqual(['Reports']);
  });

  it('keeps teachers out of triage and audit, viewers out of live', () => {
    expect(maySee('teacher', 'triage')).toBe(false);
    expect(maySee('teacher', 'audit')).toBe(false);
    expect(maySee('technician', 'audit')).toBe(false);
    expect(maySee('viewer', 'live')).toBe(false);
  });

  it('sends each role home to a section it may see', () => {
    for (const role of ['teacher', 'technician', 'dsl', 'admin', 'viewer'] as const) {
      const home = sectionOf(homePathFor(role));
      expect(home).toBeDefined();
      expect(maySee(role, home!)).toBe(true);
    }
    expect(homePathFor('teacher')).toBe('/live');
    expect(homePathFor('viewer')).toBe('/reports');
  });

  it('finds the section of a deep path', () => {
    expect(sectionOf('/live/01ABC')).toBe('live');
    expect(sectionOf('/admin/users')).toBe('admin');
    expect(sectionOf('/nowhere')).toBeUndefined();
  });
});

describe('safeNextPath', () => {
  it('accepts same-site paths only', () => {
    expect(safeNextPath('/live/01ABC?x=1')).toBe('/live/01ABC?x=1');
    expect(safeNextPath('//evil.example/')).toBeUndefined();
    expect(safeNextPath('/\\evil.example')).toBeUndefined();
    expect(safeNextPath('https://evil.example/')).toBeUndefined();
    expect(safeNextPath('/signin')).toBeUndefined();
    expect(safeNextPath(null)).toBeUndefined();
  });
});
