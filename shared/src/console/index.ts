export * from './console-api.schema.ts';
export * from './alert-feed.schema.ts';
export * from './live-frame.ts';
export * from './sso.schema.ts';
export * from './security-settings.schema.ts';
export * from './visible-text.ts';
export * from './notifications.schema.ts';
