export * from './protocol/index.ts';
export * from './matcher/index.ts';
export * from './wordlist/index.ts';
export * from './console/index.ts';
export * from './backoff/index.ts';
