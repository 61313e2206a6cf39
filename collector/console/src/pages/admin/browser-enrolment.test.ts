import { BROWSER_EXTENSION_ID, managedConfigSchema } from '@vigil/shared/protocol';
import { describe, expect, it } from 'vitest';
import { browserCollectorUrl, browserEnrolment } from './browser-enrolment.ts';

const token = 'vgl_0123456789abcdefghijklmnopqrstuv';

describe('browser enrolment panel', () => {
  it("gives browsers the collector's TLS address, as https, when it serves TLS", () => {
    expect(browserCollectorUrl('wss://vigil.school.lan:8443', 'http://vigil.school.lan:8080')).toBe('https://vigil.school.lan:8443');
    expect(browserCollectorUrl('wss://vigil.school.lan:8443/agent/v1', 'http://vigil.school.lan:8080')).toBe('https://vigil.school.lan:8443');
    expect(browserCollectorUrl(undefined, 'https://vigil.school.lan')).toBe('https://vigil.school.lan');
  });

  it('gives Google Admin console the collector, the token and the room as managed values', () => {
    const panel = browserEnrolment({ collectorUrl: 'https://vigil.school.example', token, roomName: 'ICT Suite 1' });
    expect(JSON.parse(panel.managedPolicyJson)).toEqual({
      collectorUrl: { Value: 'https://vigil.school.example' },
      enrolmentToken: { Value: token },
      room: { Value: 'ICT Suite 1' },
    });
    expect(panel.managedPolicyJson).toContain('\n  "collectorUrl"'); // pretty-printed for pasting
    expect(panel.extensionId).toBe(BROWSER_EXTENSION_ID);
    expect(panel.forcelistEntry).toBe(`${BROWSER_EXTENSION_ID};https://clients2.google.com/service/update2/crx`);
  });

  it('gives Intune/GPO and Linux a 3rdparty policy the extension accepts', () => {
    const panel = browserEnrolment({ collectorUrl: 'http://10.0.0.5:8080', token, roomName: 'Library' });
    const policy = JSON.parse(panel.thirdPartyJson) as { '3rdparty': { extensions: Record<string, unknown> } };
    const config = policy['3rdparty'].extensions[BROWSER_EXTENSION_ID];
    expect(config).toEqual({ collectorUrl: 'http://10.0.0.5:8080', enrolmentToken: token, room: 'Library' });
    expect(managedConfigSchema.safeParse(config).success).toBe(true);
    expect(panel.intuneGpoSteps.join('\n')).toContain(`\\3rdparty\\extensions\\${BROWSER_EXTENSION_ID}\\policy`);
  });

  it('leaves the room out for a token without one and says where devices will show', () => {
    const panel = browserEnrolment({ collectorUrl: 'https://vigil.school.example', token, roomName: undefined });
    expect(Object.keys(JSON.parse(panel.managedPolicyJson) as object)).toEqual(['collectorUrl', 'enrolmentToken']);
    expect(panel.googleAdminSteps.at(-1)).toContain('Rooms and devices');
    const withRoom = browserEnrolment({ collectorUrl: 'https://vigil.school.example', token, roomName: 'Lab 2' });
    expect(withRoom.googleAdminSteps.at(-1)).toContain('in Lab 2');
    expect(withRoom.googleAdminSteps.length).toBeGreaterThanOrEqual(3);
    expect(withRoom.googleAdminSteps.length).toBeLessThanOrEqual(5);
  });
});
