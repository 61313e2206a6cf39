import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeNotifier } from './notifier.node.ts';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe('NodeNotifier', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-notify-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fakeNotifySend(script: string): Promise<void> {
    const path = join(dir, 'notify-send');
    await writeFile(path, `#!/bin/sh\n${script}\n`);
    await chmod(path, 0o755);
  }

  it('hands title and body to notify-send as separate arguments', async () => {
    await fakeNotifySend(`printf '%s\\n' "$@" > "${dir}/args"`);
    const { log, lines } = capturingLogger();
    await new NodeNotifier({ env: { PATH: dir }, log }).notify('From Ms Khan', '-- please save your work; $(rm -rf /)');
    const args = (await readFile(join(dir, 'args'), 'utf8')).trim().split('\n');
    expect(args).toEqual(['--app-name=Vigil', '--expire-time=15000', '--', 'From Ms Khan', '-- please save your work; $(rm -rf /)']);
    expect(lines).toEqual([]);
  });

  it('logs the message when notify-send fails (no notification daemon)', async () => {
    await fakeNotifySend('echo "GDBus.Error: ServiceUnknown" >&2; exit 1');
    const { log, lines } = capturingLogger();
    await new NodeNotifier({ env: { PATH: dir }, log }).notify('Lock in 30 s', 'This computer will lock');
    expect(lines.map((l) => l.msg)).toEqual(['notify-send failed; logging the message instead', 'message for the person at this computer']);
    expect(lines[1]).toMatchObject({ title: 'Lock in 30 s', body: 'This computer will lock' });
  });

  it('logs the message when notify-send is not installed', async () => {
    const { log, lines } = capturingLogger();
    await new NodeNotifier({ env: { PATH: dir }, log }).notify('Hello', 'World');
    expect(lines).toEqual([expect.objectContaining({ msg: 'message for the person at this computer', title: 'Hello' })]);
  });
});
