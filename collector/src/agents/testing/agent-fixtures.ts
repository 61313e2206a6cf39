import { createEnrolmentToken } from '../../admin/enrolment-tokens.repository.ts';
import { createRoom, createSite } from '../../admin/sites-rooms.repository.ts';
import type { Db } from '../../db/database.ts';
import { TestAgent } from './test-agent.ts';

export interface School {
  readonly siteId: string;
  readonly roomId: string;
  /** A fresh enrolment token for the room (default: 100 uses, valid for an hour). */
  token(options?: { uses?: number; expiresAt?: Date }): Promise<string>;
}

export async function seedSchool(db: Db, name = `Academy ${Math.random().toString(36).slice(2, 8)}`): Promise<School> {
  const site = await createSite(db, name);
  const room = await createRoom(db, site.id, 'ICT Suite 1');
  return {
    siteId: site.id,
    roomId: room.id,
    token: async (options = {}) => {
      const created = await createEnrolmentToken(db, {
        siteId: site.id,
        roomId: room.id,
        uses: options.uses ?? 100,
        expiresAt: options.expiresAt ?? new Date(Date.now() + 3_600_000),
      });
      return created.token;
    },
  };
}

export interface EnrolledAgent {
  readonly agent: TestAgent;
  readonly deviceId: string;
  readonly secret: string;
}

/** Enrols a new device with a fresh token and stays connected. */
export async function enrolAgent(url: string, school: School, hostname = 'ict-07'): Promise<EnrolledAgent> {
  const token = await school.token();
  const { agent, welcome } = await TestAgent.login(url, { kind: 'enrol', token }, { hostname, previousExit: 'first-run' });
  const secret = welcome.payload.secret;
  if (secret === undefined) throw new Error('welcome after enrolment carried no secret');
  return { agent, deviceId: welcome.payload.deviceId, secret };
}
