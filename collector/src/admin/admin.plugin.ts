import type { FastifyPluginAsync } from 'fastify';
import { devicesRoutes } from './devices.routes.ts';
import { enrolmentTokensRoutes } from './enrolment-tokens.routes.ts';
import { gettingStartedRoutes } from './getting-started.routes.ts';
import { policiesRoutes } from './policies.routes.ts';
import { securitySettingsRoutes } from './security-settings.routes.ts';
import { sitesRoomsRoutes } from './sites-rooms.routes.ts';
import { usersRoutes } from './users.routes.ts';
import { wordlistsRoutes } from './wordlists.routes.ts';

/**
 * The console's administration API (see plugins/index.ts): sites, rooms, devices,
 * enrolment tokens, policies, word lists, users and sign-in security settings. Who may call each route is in
 * admin.access.ts; which site's things they may touch is checked in the services
 * (admin-scope.ts). Every change is audited in its own transaction.
 */
const adminPlugin: FastifyPluginAsync = async (app) => {
  await app.register(sitesRoomsRoutes);
  await app.register(devicesRoutes);
  await app.register(enrolmentTokensRoutes);
  await app.register(policiesRoutes);
  await app.register(wordlistsRoutes);
  await app.register(usersRoutes);
  await app.register(securitySettingsRoutes);
  await app.register(gettingStartedRoutes);
};

export default adminPlugin;
