import type { FastifyPluginAsync } from 'fastify';
import { createBlobStore } from '../evidence/disk-blob-store.ts';
import { catalogSource } from '../triage/category-catalog.ts';
import { IncidentExports } from './export.service.ts';
import { exportRoutes } from './exports.routes.ts';
import { directoryPupils } from './pupil-lookup.ts';

/**
 * Incident exports for the DSL (see plugins/index.ts and README.md here): PDF, JSON, CSV
 * and evidence bundles of alerts. Access lines: exports.access.ts. Needs
 * `app.agentServices` (the categories in force) and `app.alertFeed` registered first.
 */
const exportsPlugin: FastifyPluginAsync = async (app) => {
  const db = app.database.db;
  const wordlists = app.agentServices.wordlists;
  const exports = new IncidentExports({
    db,
    catalog: catalogSource(() => wordlists.current()),
    blobs: createBlobStore(app.config.dataDir),
    pupils: directoryPupils,
  });
  await app.register(exportRoutes, { db, exports, changed: (alertIds) => app.alertFeed.emit({ kind: 'changed', alertIds: [...alertIds] }) });
};

export default exportsPlugin;
