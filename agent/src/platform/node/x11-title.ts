import { run } from './exec.ts';

// get-windows reads window titles with `row.split('=')`, so any title containing "=" (a
// URL with a query string, `a=b` in an editor, a hostile `<img src=x onerror=…>`) comes
// back empty. On X11 the agent reads the title itself: _NET_WM_NAME (UTF-8) when the
// window sets it, else WM_NAME.

/** The first quoted string of an xprop value, with xprop's escapes undone (\" \\ and \ooo octets). */
export function parseXpropString(value: string): string | undefined {
  const start = value.indexOf('"');
  if (start < 0) return undefined;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = start + 1; i < value.length; i += 1) {
    const ch = value[i] as string;
    if (ch === '"') return new TextDecoder().decode(new Uint8Array(bytes));
    if (ch === '\\') {
      const octal = /^[0-7]{3}/.exec(value.slice(i + 1, i + 4));
      if (octal !== null) {
        bytes.push(Number.parseInt(octal[0], 8));
        i += 3;
      } else {
        const next = value[i + 1];
        if (next !== undefined) bytes.push(...encoder.encode(next === 'n' ? '\n' : next));
        i += 1;
      }
      continue;
    }
    bytes.push(...encoder.encode(ch));
  }
  return undefined;
}

/** The title from `xprop -id W _NET_WM_NAME WM_NAME` output, or undefined when neither is set. */
export function titleFromXprop(output: string): string | undefined {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf(' = ');
    if (at < 0) continue;
    const key = line
      .slice(0, at)
      .replace(/\(.*\)$/, '')
      .trim();
    values.set(key, line.slice(at + 3));
  }
  for (const key of ['_NET_WM_NAME', 'WM_NAME']) {
    const value = values.get(key);
    const title = value === undefined ? undefined : parseXpropString(value);
    if (title !== undefined) return title;
  }
  return undefined;
}

/** Reads an X window's title exactly; undefined when xprop fails or the window has none. */
export async function x11WindowTitle(windowId: number): Promise<string | undefined> {
  try {
    const { stdout } = await run('xprop', ['-id', String(windowId), '_NET_WM_NAME', 'WM_NAME'], { timeoutMs: 2_000 });
    return titleFromXprop(stdout);
  } catch {
    return undefined;
  }
}
