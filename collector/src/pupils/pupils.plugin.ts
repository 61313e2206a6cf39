import type { FastifyPluginAsync } from 'fastify';
import { catalogSource } from '../triage/category-catalog.ts';
import { pupilsRoutes } from './pupils.routes.ts';

/**
 * The pupil directory (see plugins/index.ts and README "Pupil directory"): CSV import from
 * the MIS with a previewed column mapping, the directory, unmatched user names for IT and
 * the DSL's pupil page. Alerts and live tiles show the pupil through pupil-match.ts.
 * Needs `app.agentServices` (word lists, for which categories are restricted).
 */
const pupilsPlugin: FastifyPluginAsync = async (app) => {
  const wordlists = app.agentServices.wordlists;
  await app.register(pupilsRoutes, { catalog: catalogSource(() => wordlists.current()) });
};

export default pupilsPlugin;
