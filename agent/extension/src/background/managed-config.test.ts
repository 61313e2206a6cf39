import { describe, expect, it } from 'vitest';
import { agentSocketUrl, parseManagedConfig } from './managed-config.ts';

describe('the managed configuration a school pushes', () => {
  it('is valid with a collector URL and an enrolment token, plus optional label and room', () => {
    const result = parseManagedConfig({
      collectorUrl: 'https://vigil.school.example',
      enrolmentToken: 'abcdefghijklmnop1234',
      deviceLabel: 'Chromebook 07',
      room: 'ICT Suite',
    });
    expect(result).toEqual({
      ok: true,
      config: { collectorUrl: 'https://vigil.school.example', enrolmentToken: 'abcdefghijklmnop1234', deviceLabel: 'Chromebook 07', room: 'ICT Suite' },
    });
  });

  it('names what is missing or wrong, so IT sees why nothing is sent', () => {
    expect(parseManagedConfig({})).toEqual({ ok: false, problem: expect.stringContaining('collectorUrl and enrolmentToken are not set') });
    expect(parseManagedConfig({ collectorUrl: 'https://vigil.school.example' })).toEqual({
      ok: false,
      problem: "The school's policy for this extension has no enrolmentToken.",
    });
    expect(parseManagedConfig({ collectorUrl: 'ftp://vigil', enrolmentToken: 'abcdefghijklmnop1234' })).toEqual({
      ok: false,
      problem: expect.stringContaining('bad collectorUrl'),
    });
    expect(parseManagedConfig({ collectorUrl: 'https://vigil.school.example', enrolmentToken: 'short' })).toEqual({
      ok: false,
      problem: expect.stringContaining('bad enrolmentToken'),
    });
  });

  it('refuses a plain address to another machine: the device secret goes only over TLS', () => {
    expect(parseManagedConfig({ collectorUrl: 'http://vigil.school.lan:8080', enrolmentToken: 'abcdefghijklmnop1234' })).toEqual({
      ok: false,
      problem: expect.stringContaining('use https://'),
    });
    expect(parseManagedConfig({ collectorUrl: 'ws://10.0.0.5:8080', enrolmentToken: 'abcdefghijklmnop1234' }).ok).toBe(false);
    expect(parseManagedConfig({ collectorUrl: 'http://127.0.0.1:8080', enrolmentToken: 'abcdefghijklmnop1234' }).ok).toBe(true);
    expect(parseManagedConfig({ collectorUrl: 'http://[::1]:8080', enrolmentToken: 'abcdefghijklmnop1234' }).ok).toBe(true);
    expect(parseManagedConfig({ collectorUrl: 'wss://vigil.school.lan:8443', enrolmentToken: 'abcdefghijklmnop1234' }).ok).toBe(true);
  });

  it('turns the address a school wrote into the agent socket URL', () => {
    expect(agentSocketUrl('https://vigil.school.example')).toBe('wss://vigil.school.example/agent/v1');
    expect(agentSocketUrl('http://127.0.0.1:8080/')).toBe('ws://127.0.0.1:8080/agent/v1');
    expect(agentSocketUrl('wss://vigil.school.example:8443')).toBe('wss://vigil.school.example:8443/agent/v1');
    expect(agentSocketUrl('wss://vigil.school.example/custom/path')).toBe('wss://vigil.school.example/custom/path');
  });
});
