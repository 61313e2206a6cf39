import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { FakeClock } from '@vigil/agent/platform/fake';
import { AgentStartError, type Agent } from '../core/agent.ts';
import { CoreSupervisor } from './core-supervisor.ts';
import { crashCount, installCrashRelaunch, relaunchArgs, STABLE_RUN_MS, startDelayAfterCrashes, type ProcessEvents } from './crash-relaunch.ts';
import { createFakeElectron } from './testing/fake-electron.ts';

const log = pino({ level: 'silent' });

/** Only what the supervisor touches: start and stop. */
function stubAgent(events: string[], failStart?: Error): Agent {
  const agent = {
    start: async () => {
      events.push('start');
      if (failStart !== undefined) throw failStart;
    },
    stop: async () => void events.push('stop'),
  };
  return agent as unknown as Agent;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('CoreSupervisor', () => {
  it('retries a core that fails to start, backing off 1 s, 2 s, 4 s, and reports why meanwhile', async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const restarts: number[] = [];
    let failures = 3;
    const supervisor = new CoreSupervisor({
      clock,
      log,
      create: async (n) => {
        restarts.push(n);
        return stubAgent(events, failures-- > 0 ? new Error('outbox unreadable') : undefined);
      },
    });
    await supervisor.start();
    expect(supervisor.state).toBe('waiting');
    expect(supervisor.problem).toBe('could not start, retrying');
    expect(events).toEqual(['start', 'stop']);
    await clock.advanceAsync(999);
    expect(supervisor.attempts).toBe(1);
    await clock.advanceAsync(1);
    await settle();
    expect(supervisor.attempts).toBe(2);
    await clock.advanceAsync(2_000);
    await settle();
    await clock.advanceAsync(4_000);
    await settle();
    expect(supervisor.state).toBe('running');
    expect(supervisor.problem).toBeUndefined();
    expect(supervisor.agent).toBeDefined();
    expect(restarts).toEqual([0, 1, 2, 3]);
  });

  it('waits longer while the computer is not set up (no enrolment)', async () => {
    const clock = new FakeClock();
    const supervisor = new CoreSupervisor({
      clock,
      log,
      notSetUpRetryMs: 60_000,
      create: async () => Promise.reject(new AgentStartError('not-enrolled', 'not enrolled')),
    });
    await supervisor.start();
    expect(supervisor.problem).toBe('not set up, ask IT');
    await clock.advanceAsync(59_999);
    expect(supervisor.attempts).toBe(1);
    await clock.advanceAsync(1);
    await settle();
    expect(supervisor.attempts).toBe(2);
  });

  it('stops the running agent in order, and cancels a pending retry', async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const running = new CoreSupervisor({ clock, log, create: async () => stubAgent(events) });
    await running.start();
    await running.stop();
    expect(events).toEqual(['start', 'stop']);
    expect(running.state).toBe('stopped');

    const failing = new CoreSupervisor({ clock, log, create: async () => Promise.reject(new Error('no')) });
    await failing.start();
    await failing.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops an agent that finishes starting after stop() was called', async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const supervisor = new CoreSupervisor({
      clock,
      log,
      create: async () => {
        await gate;
        return stubAgent(events);
      },
    });
    const started = supervisor.start();
    const stopped = supervisor.stop();
    release();
    await started;
    await stopped;
    expect(events).toEqual(['start', 'stop']);
    expect(supervisor.agent).toBeUndefined();
  });
});

describe('crash relaunch', () => {
  class FakeProcess implements ProcessEvents {
    readonly listeners = new Map<string, (arg: never) => void>();
    on(event: string, listener: (arg: never) => void): this {
      this.listeners.set(event, listener);
      return this;
    }
    crash(err: Error): void {
      (this.listeners.get('uncaughtException') as ((e: Error) => void) | undefined)?.(err);
    }
  }

  it('relaunches the app and exits without the orderly stop, counting crashes in the arguments', () => {
    const electron = createFakeElectron();
    const proc = new FakeProcess();
    let now = 0;
    installCrashRelaunch({ process: proc, app: electron.app, argv: ['/opt/Vigil/vigil-agent', '--hidden', '--vigil-crash-count=2'], log, now: () => now });
    proc.crash(new Error('boom'));
    expect(electron.app.relaunches).toEqual([{ args: ['--hidden', '--vigil-crash-count=3'] }]);
    expect(electron.app.exitCode).toBe(1);
    // After a long healthy run the count starts again.
    now = STABLE_RUN_MS;
    proc.crash(new Error('boom'));
    expect(electron.app.relaunches[1]).toEqual({ args: ['--hidden', '--vigil-crash-count=1'] });
  });

  it('backs off repeated crashes: no wait, then 1 s doubling to a minute', () => {
    expect([0, 1, 2, 3, 7, 20].map(startDelayAfterCrashes)).toEqual([0, 1_000, 2_000, 4_000, 60_000, 60_000]);
    expect(crashCount(['x', '--vigil-crash-count=4'])).toBe(4);
    expect(crashCount(['x', '--vigil-crash-count=nope'])).toBe(0);
    expect(relaunchArgs(['exe', 'a'], 1)).toEqual(['a', '--vigil-crash-count=1']);
  });
});
