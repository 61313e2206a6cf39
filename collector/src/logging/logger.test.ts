import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, moduleLogger, prettyMessage, prettyStream, writeNotice } from './logger.ts';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('pretty log lines', () => {
  it('writes one readable line per event: time, level, module, message, then the fields', () => {
    const out = sink();
    const log = createLogger('info', prettyStream(out.stream));
    moduleLogger(log, 'db').info({ applied: 8 }, 'database migrations applied');
    log.warn('First run: no admin account yet');
    const lines = out
      .text()
      .split('\n')
      .filter((line) => line !== '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: \[db\] database migrations applied \{"applied":8\}$/);
    expect(lines[1]).toMatch(/^\[\d{2}:\d{2}:\d{2}\] WARN: First run: no admin account yet$/);
    // Nothing a terminal reader does not need: no pid, host name or service.
    expect(out.text()).not.toMatch(/"pid"|"hostname"|vigil-collector/);
  });

  it('keeps an error to one line, its message joined to the event', () => {
    const out = sink();
    const log = createLogger('info', prettyStream(out.stream));
    moduleLogger(log, 'main').error({ err: new Error('connect ECONNREFUSED 127.0.0.1:5432') }, 'could not open the database');
    const lines = out
      .text()
      .split('\n')
      .filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ERROR: \[main\] could not open the database: connect ECONNREFUSED 127\.0\.0\.1:5432$/);
  });

  it('redacts credentials as the JSON log does', () => {
    const out = sink();
    const log = createLogger('info', prettyStream(out.stream));
    log.info({ req: { headers: { cookie: 'vigil_session=abc' } } }, 'request');
    expect(out.text()).toContain('[redacted]');
    expect(out.text()).not.toContain('vigil_session=abc');
  });

  it('does not repeat an error message already in the event', () => {
    expect(prettyMessage({ msg: 'bad key: x', err: { message: 'bad key: x' } }, 'msg')).toBe('bad key: x');
    expect(prettyMessage({ msg: 'starting', module: 'main' }, 'msg')).toBe('[main] starting');
  });
});

describe('writeNotice', () => {
  const link = 'http://localhost:8080/setup?token=abc';

  it('puts the link alone on a line: on stdout beside pretty logs', () => {
    const stdout = sink();
    const stderr = sink();
    writeNotice('pretty', ['First run: open this link', '', link], { stdout: stdout.stream, stderr: stderr.stream });
    expect(
      stdout
        .text()
        .split('\n')
        .map((line) => line.trim()),
    ).toContain(link);
    expect(stderr.text()).toBe('');
  });

  it('on stderr beside JSON logs, so stdout stays one JSON object a line', () => {
    const stdout = sink();
    const stderr = sink();
    writeNotice('json', [link], { stdout: stdout.stream, stderr: stderr.stream });
    expect(stdout.text()).toBe('');
    expect(
      stderr
        .text()
        .split('\n')
        .map((line) => line.trim()),
    ).toContain(link);
    expect(stderr.text()).not.toContain('{');
  });
});
