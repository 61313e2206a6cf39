// One bring-up for the whole-system tests: a fresh database, a private X display, the real
// collector and the real headless agent enrolled through it, focused on one xterm.
import { startXvfb, type Xvfb } from '@vigil/agent/testing';
import { createSystemDatabase, type SystemDatabase } from './database.ts';
import { AgentProcess, CollectorProcess } from './system.ts';

export interface WholeSystem {
  db: SystemDatabase;
  x: Xvfb;
  collector: CollectorProcess;
  agent: AgentProcess;
  /** Types a line and presses Return (`xdotool type` turns "\n" into a Linefeed keysym, not the Enter key). */
  typeLine(text: string): Promise<void>;
  /** Stops whatever was started, in reverse order, by PID. */
  dispose(): Promise<void>;
}

/** `agentConfig`: agent options beyond the defaults (written to its --config file). */
export async function startWholeSystem(firstWindowTitle: string, agentConfig?: Record<string, unknown>): Promise<WholeSystem> {
  const started: Partial<Omit<WholeSystem, 'typeLine' | 'dispose'>> = {};
  const dispose = async () => {
    await started.agent?.dispose();
    await started.collector?.dispose();
    await started.x?.stop();
    await started.db?.drop();
  };
  try {
    const db = (started.db = await createSystemDatabase());
    const x = (started.x = await startXvfb());
    const collector = (started.collector = await CollectorProcess.create(db.url));
    await collector.start();
    const token = await collector.createEnrolmentToken();
    const agent = (started.agent = await AgentProcess.create({ collectorUrl: collector.url, display: x.display, config: agentConfig }));
    await x.openXterm(firstWindowTitle);
    await agent.start(token);
    await agent.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the first connection');
    await agent.waitForLog((l) => l.msg === 'word list in force', 15_000, 'the word list');
    await agent.focused(firstWindowTitle);
    const typeLine = async (text: string) => {
      await x.xdotoolType(text);
      await x.xdotool('key', 'Return');
    };
    return { db, x, collector, agent, typeLine, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
