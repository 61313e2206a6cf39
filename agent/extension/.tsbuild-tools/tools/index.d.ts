export { buildExtension, DIST_DIR, EXTENSION_DIR, type ExtensionBuild } from './build.ts';
