import { stat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'chokidar';
import type { ServiceLog } from '../agent-services/service-log.ts';

export interface WordlistWatcherOptions {
  /** The word-list folder (or single .tsv file) to watch. */
  readonly path: string;
  /** Called once a burst of changes has settled. */
  readonly onChange: () => void;
  readonly log: ServiceLog;
  /** Quiet time after the last event before `onChange` (an editor's save is several events). */
  readonly debounceMs?: number;
  /** How long a file's size must hold still before it counts as written. */
  readonly stabilityMs?: number;
}

export interface WordlistWatcher {
  close(): Promise<void>;
}

/**
 * Watches the `.tsv` files directly in the folder (sub-folders such as fixtures/ do not
 * count, as for the loader) and calls `onChange` after each settled burst of changes.
 * Resolves once the watcher is ready, so a change made after it resolves is seen.
 */
export async function watchWordlists(options: WordlistWatcherOptions): Promise<WordlistWatcher> {
  const debounceMs = options.debounceMs ?? 200;
  const stabilityMs = options.stabilityMs ?? 100;
  const watchesFolder = await stat(options.path).then(
    (stats) => stats.isDirectory(),
    () => true,
  );
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(options.path, {
    ignoreInitial: true,
    depth: 0,
    awaitWriteFinish: { stabilityThreshold: stabilityMs, pollInterval: Math.max(10, Math.floor(stabilityMs / 4)) },
    ignored: (path, stats) => watchesFolder && stats?.isFile() === true && !path.endsWith('.tsv'),
  });
  watcher.on('all', (event, path) => {
    if (watchesFolder && path !== options.path && !path.endsWith('.tsv')) return;
    options.log.debug({ event, path }, 'word-list file changed');
    clearTimeout(timer);
    timer = setTimeout(options.onChange, debounceMs);
  });
  watcher.on('error', (error) => options.log.warn({ err: error }, 'watching the word-list folder failed'));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
