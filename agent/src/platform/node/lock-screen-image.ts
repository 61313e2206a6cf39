import { imageWorker } from './image-worker.ts';

// What the Linux headless agent draws in its own X windows (x11-overlay.ts): the teacher lock screen, its
// countdown pill and the message box, as SVG rendered to pixels with sharp. The look follows the Electron
// overlay (docs/screenshots/agent-lock.png): dark blue, white heading, the message, "Locked by", a pill.

export interface LockScreenText {
  message?: string;
  by?: string;
}

export interface MessageBoxText {
  title: string;
  body: string;
  /** The button's label. Default "OK". */
  button?: string;
  /** A line under the body (the idle warning's countdown, "Closes in 0:12"). */
  footer?: string;
  /** The small line above the title. Default "Vigil · message for you". */
  heading?: string;
  /** Body lines at most (the last one ends "…" when cut). Default 5. */
  maxLines?: number;
}

/** Pixels ready for an X ZPixmap PutImage on a 24/32-bit TrueColor visual (little-endian: B, G, R, X). */
export interface BgrxImage {
  width: number;
  height: number;
  data: Buffer;
}

const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
const BG_TOP = '#17345a';
const BG_EDGE = '#0b1a2e';

/** The countdown pill's size and place on a lock screen of `width` × `height` (it is redrawn on its own each second). */
export function countdownRect(width: number, height: number): { x: number; y: number; width: number; height: number } {
  const scale = scaleFor(width, height);
  const w = Math.round(260 * scale);
  const h = Math.round(40 * scale);
  return { x: Math.round((width - w) / 2), y: Math.round(height * 0.675), width: w, height: h };
}

/** "Unlocks in 4:59" / "Unlocks in 1:02:03"; a lock with no end says so. */
export function countdownText(until: number | undefined, now: number): string {
  if (until === undefined) return 'Locked until your teacher unlocks it';
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `Unlocks in ${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** The whole lock screen (the countdown pill is drawn over it by countdownSvg). */
export function lockScreenSvg(width: number, height: number, text: LockScreenText): string {
  const scale = scaleFor(width, height);
  const cx = width / 2;
  const lines = wrap(text.message ?? '', Math.max(20, Math.floor((width * 0.7) / (17 * scale))), 6);
  const lineH = 43 * scale;
  const messageTop = height * 0.5 + 14 * scale;
  const by = text.by === undefined || text.by === '' ? 'Locked by your teacher' : `Locked by ${text.by}`;
  const messageSvg = lines
    .map((line, i) => `<text x="${cx}" y="${messageTop + i * lineH}" font-size="${30 * scale}" fill="#eef3fa" text-anchor="middle">${escapeXml(line)}</text>`)
    .join('');
  const padlock = padlockSvg(cx, height * 0.32, scale);
  // The message pushes "Locked by" down; the pill (countdownRect) sits below a message of up to 2 lines.
  const byY = Math.max(messageTop + lines.length * lineH + 12 * scale, height * 0.64);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="${FONT}">` +
    `<defs><radialGradient id="bg" cx="50%" cy="35%" r="75%"><stop offset="0%" stop-color="${BG_TOP}"/><stop offset="100%" stop-color="${BG_EDGE}"/></radialGradient></defs>` +
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>` +
    padlock +
    `<text x="${cx}" y="${height * 0.43 + 10 * scale}" font-size="${48 * scale}" font-weight="bold" fill="#eef3fa" text-anchor="middle">This screen is locked</text>` +
    messageSvg +
    `<text x="${cx}" y="${byY}" font-size="${20 * scale}" fill="#b9c7da" text-anchor="middle">${escapeXml(by)}</text>` +
    `<text x="${cx}" y="${height - 28 * scale}" font-size="${16 * scale}" fill="#8da0b8" text-anchor="middle">Vigil · This computer is monitored by your school</text>` +
    `</svg>`
  );
}

/** The countdown pill alone, at countdownRect's size, on a transparent background (composited over the screen). */
export function countdownSvg(width: number, height: number, text: string): string {
  const scale = height / 40;
  const pill = Math.min(width, 120 * scale + text.length * 9 * scale);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="${FONT}">` +
    `<rect x="${(width - pill) / 2}" width="${pill}" height="${height}" rx="${height / 2}" fill="#2a4466"/>` +
    `<text x="${width / 2}" y="${height / 2 + 7 * scale}" font-size="${20 * scale}" fill="#eef3fa" text-anchor="middle">${escapeXml(text)}</text>` +
    `</svg>`
  );
}

/** The message box's size for a screen of `screenWidth`. */
export function messageBoxSize(screenWidth: number, screenHeight: number): { width: number; height: number } {
  const width = Math.min(560, Math.max(320, Math.round(screenWidth * 0.4)));
  return { width, height: Math.min(screenHeight, 240) };
}

/** Characters per body line in a box `width` wide. */
function bodyChars(width: number): number {
  return Math.max(20, Math.floor((width - 40) / 9.5));
}

/**
 * The acceptable-use notice's box: wider than a message, centred, as tall as its text needs up to the
 * screen's height (a longer notice is cut with "…"; the full text is the school's published policy).
 */
export function noticeBoxLayout(screenWidth: number, screenHeight: number, body: string): { width: number; height: number; maxLines: number } {
  const width = Math.min(screenWidth, Math.min(760, Math.max(360, Math.round(screenWidth * 0.6))));
  const needed = wrap(body, bodyChars(width), 1_000).length;
  const fits = Math.max(3, Math.floor((screenHeight - 40 - 164) / 24));
  const maxLines = Math.max(1, Math.min(needed, fits));
  return { width, height: Math.min(screenHeight, 84 + maxLines * 24 + 80), maxLines };
}

/** Where the button is inside the message box (clicks there close it): wide enough for its label. */
export function messageButtonRect(width: number, height: number, label = 'OK'): { x: number; y: number; width: number; height: number } {
  const buttonWidth = Math.max(96, Math.ceil(32 + label.length * 9.5));
  return { x: width - buttonWidth - 16, y: height - 56, width: buttonWidth, height: 40 };
}

export function messageBoxSvg(width: number, height: number, text: MessageBoxText): string {
  const lines = wrap(text.body, bodyChars(width), text.maxLines ?? 5);
  const button = messageButtonRect(width, height, text.button);
  const body = lines.map((line, i) => `<text x="20" y="${84 + i * 24}" font-size="17" fill="#eef3fa">${escapeXml(line)}</text>`).join('');
  const footer = text.footer === undefined ? '' : `<text x="20" y="${height - 30}" font-size="16" fill="#ffd479">${escapeXml(text.footer)}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="${FONT}">` +
    `<rect width="${width}" height="${height}" fill="${BG_EDGE}"/>` +
    `<rect x="1" y="1" width="${width - 2}" height="${height - 2}" fill="${BG_TOP}" stroke="#6f93c2" stroke-width="2"/>` +
    `<text x="20" y="34" font-size="13" fill="#8da0b8">${escapeXml(text.heading ?? 'Vigil · message for you')}</text>` +
    `<text x="20" y="58" font-size="20" font-weight="bold" fill="#eef3fa">${escapeXml(truncate(text.title, 48))}</text>` +
    body +
    footer +
    `<rect x="${button.x}" y="${button.y}" width="${button.width}" height="${button.height}" rx="6" fill="#3b6db3"/>` +
    `<text x="${button.x + button.width / 2}" y="${button.y + 26}" font-size="17" fill="#ffffff" text-anchor="middle">${escapeXml(text.button ?? 'OK')}</text>` +
    `</svg>`
  );
}

/** Renders an SVG to R,G,B,A pixels of exactly `width` × `height` (in the image worker). */
export async function renderRgba(svg: string, width: number, height: number): Promise<Buffer> {
  return asBuffer(await imageWorker().run({ op: 'svg-rgba', svg, width, height }));
}

/** `overlaySvg` drawn over the `rect` of an RGBA `base` (`baseWidth` wide): that rect's pixels, RGBA. */
export async function compositeRegion(
  base: Buffer,
  baseWidth: number,
  baseHeight: number,
  rect: { x: number; y: number; width: number; height: number },
  overlaySvg: string,
): Promise<Buffer> {
  if (base.length !== baseWidth * baseHeight * 4) throw new Error(`image is ${base.length} bytes, expected ${baseWidth * baseHeight * 4}`);
  if (rect.x < 0 || rect.y < 0 || rect.width <= 0 || rect.height <= 0 || rect.x + rect.width > baseWidth || rect.y + rect.height > baseHeight) {
    throw new Error(`region ${rect.width}x${rect.height}+${rect.x}+${rect.y} is outside the ${baseWidth}x${baseHeight} image`);
  }
  // Only the region travels to the worker (a countdown redraws it every second; the screen is megabytes).
  const region = Buffer.allocUnsafe(rect.width * rect.height * 4);
  for (let row = 0; row < rect.height; row++) {
    const from = ((rect.y + row) * baseWidth + rect.x) * 4;
    base.copy(region, row * rect.width * 4, from, from + rect.width * 4);
  }
  return asBuffer(await imageWorker().run({ op: 'composite', base: region, width: rect.width, height: rect.height, svg: overlaySvg }));
}

const asBuffer = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/** RGBA → B,G,R,X (a copy), the ZPixmap order of a little-endian 24/32-bit TrueColor screen. */
export function toBgrx(rgba: Buffer, width: number, height: number): BgrxImage {
  if (rgba.length !== width * height * 4) throw new Error(`image is ${rgba.length} bytes, expected ${width * height * 4}`);
  const data = Buffer.allocUnsafe(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    data[i] = rgba[i + 2] as number;
    data[i + 1] = rgba[i + 1] as number;
    data[i + 2] = rgba[i] as number;
    data[i + 3] = 0;
  }
  return { width, height, data };
}

/** Renders an SVG to PNG (screenshots for the docs, tests). */
export async function renderPng(svg: string): Promise<Buffer> {
  return asBuffer(await imageWorker().run({ op: 'svg-png', svg }));
}

export function escapeXml(text: string): string {
  // Control characters are not allowed in XML; a teacher's message never needs them.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Greedy word wrap to `width` characters, at most `maxLines` lines (the last one ends "…" when cut). */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      for (let piece = word; piece !== '';) {
        const room = line === '' ? width : width - line.length - 1;
        if (piece.length <= room) {
          line = line === '' ? piece : `${line} ${piece}`;
          piece = '';
        } else if (line === '') {
          lines.push(piece.slice(0, width));
          piece = piece.slice(width);
        } else {
          lines.push(line);
          line = '';
        }
      }
    }
    lines.push(line);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = `${truncate(kept[maxLines - 1] ?? '', width - 1)}…`;
  return kept;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function scaleFor(width: number, height: number): number {
  return Math.max(0.6, Math.min(width / 1280, height / 800, 2.5));
}

function padlockSvg(cx: number, cy: number, scale: number): string {
  const s = scale;
  return (
    `<path d="M ${cx - 15 * s} ${cy} v ${-10 * s} a ${15 * s} ${15 * s} 0 0 1 ${30 * s} 0 v ${10 * s}" stroke="#a9c8ef" stroke-width="${6 * s}" fill="none"/>` +
    `<rect x="${cx - 23 * s}" y="${cy}" width="${46 * s}" height="${34 * s}" rx="${5 * s}" fill="#a9c8ef"/>` +
    `<circle cx="${cx}" cy="${cy + 14 * s}" r="${4 * s}" fill="#0b1a2e"/>`
  );
}
