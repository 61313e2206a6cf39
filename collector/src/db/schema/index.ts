// The whole product's schema; drizzle-kit reads this file (see drizzle.config.ts).
export * from './sites.schema.ts';
export * from './users.schema.ts';
export * from './devices.schema.ts';
export * from './alerts.schema.ts';
export * from './activity.schema.ts';
export * from './policies.schema.ts';
export * from './wordlists.schema.ts';
export * from './audit.schema.ts';
export * from './retention.schema.ts';
export * from './sso.schema.ts';
export * from './security-settings.schema.ts';
export * from './notifications.schema.ts';
export * from './pupils.schema.ts';
export * from './report-schedules.schema.ts';
