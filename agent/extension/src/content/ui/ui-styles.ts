// Styles for what the pupil sees inside web pages. Each piece of UI lives in a closed shadow root,
// so the page's CSS cannot reach in; the host element itself carries an inline style where every
// declaration is !important (inline !important beats any stylesheet rule), starting from
// `all: initial` so nothing the page sets on html/body leaks through. Sizes are in px, not rem:
// rem would follow the page's own root font size.

export const MAX_Z_INDEX = 2147483647;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

function hostStyle(declarations: readonly string[]): string {
  return ['all: initial', ...declarations].map((d) => `${d} !important`).join('; ') + ';';
}

const VISIBLE = ['visibility: visible', 'opacity: 1', 'transform: none', 'filter: none', 'clip-path: none'];

/** A host covering the whole window (lock, notice). Its own background is the backdrop. */
export function fullWindowHostStyle(background: string): string {
  return hostStyle([
    'display: block',
    'position: fixed',
    'inset: 0',
    'margin: 0',
    'padding: 0',
    'border: 0',
    `z-index: ${MAX_Z_INDEX}`,
    `background: ${background}`,
    'overflow: hidden',
    'pointer-events: auto',
    'cursor: default',
    'user-select: none',
    ...VISIBLE,
  ]);
}

/** A strip along the top or bottom edge that lets clicks through except on its cards. */
export function edgeHostStyle(edge: 'top' | 'bottom'): string {
  return hostStyle([
    'display: block',
    'position: fixed',
    `${edge}: 0`,
    'left: 0',
    'right: 0',
    'margin: 0',
    'padding: 0',
    `z-index: ${MAX_Z_INDEX}`,
    'pointer-events: none',
    'overflow: visible',
    ...VISIBLE,
  ]);
}

/** Shared by every shadow root: fonts, buttons, the screen-reader-only helper. */
export const BASE_CSS = `
*, *::before, *::after { box-sizing: border-box; }
.vigil { font-family: ${FONT}; font-size: 16px; line-height: 1.45; font-weight: 400;
  -webkit-font-smoothing: antialiased; text-align: left; letter-spacing: normal; }
p, h1, h2 { margin: 0; }
button { font: inherit; font-size: 16px; font-weight: 600; padding: 10px 24px; border: 0; border-radius: 8px;
  background: #1f5fa8; color: #fff; cursor: pointer; min-height: 44px; }
button:hover { background: #184f8e; }
button:focus-visible { outline: 3px solid #9fc4ea; outline-offset: 3px; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;

export const LOCK_BACKGROUND = '#0b1f33';

export const LOCK_CSS = `${BASE_CSS}
.screen { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center;
  justify-content: center; padding: 32px; color: #eef4fb; outline: none;
  background: radial-gradient(circle at 50% 35%, #153557 0%, ${LOCK_BACKGROUND} 70%); }
.card { text-align: center; max-width: 880px; width: 100%; display: flex; flex-direction: column;
  align-items: center; gap: 20px; }
.icon { width: 72px; height: 72px; color: #9fc4ea; }
h1 { font-size: 36px; font-weight: 600; line-height: 1.25; text-align: center; }
.message { font-size: 26px; line-height: 1.4; max-height: 40vh; overflow: auto; overscroll-behavior: contain;
  text-align: center; }
.by { font-size: 18px; color: #b8cce0; overflow-wrap: anywhere; text-align: center; }
.countdown { font-size: 19px; font-variant-numeric: tabular-nums; background: rgba(159, 196, 234, 0.15);
  border-radius: 999px; padding: 6px 20px; }
.hint { font-size: 18px; color: #b8cce0; text-align: center; }
[hidden] { display: none !important; }
`;

export const NOTICE_BACKGROUND = 'rgba(11, 31, 51, 0.92)';

export const NOTICE_CSS = `${BASE_CSS}
.screen { position: absolute; inset: 0; display: flex; align-items: center; justify-content: center;
  padding: 24px; outline: none; }
.card { display: flex; flex-direction: column; gap: 16px; width: 100%; max-width: 720px; max-height: 100%;
  padding: 28px 32px; border-radius: 12px; background: #fff; color: #1c2430;
  box-shadow: 0 12px 36px rgba(0, 0, 0, 0.35); user-select: text; }
h1 { font-size: 24px; font-weight: 600; line-height: 1.3; overflow-wrap: anywhere; }
.body { flex: 1 1 auto; min-height: 0; overflow: auto; overscroll-behavior: contain; padding: 16px 18px;
  border: 1px solid #d8dee8; border-radius: 8px; background: #fbfcfe; line-height: 1.55; }
.body p + p { margin-top: 12px; }
.body:focus-visible { outline: 3px solid #9fc4ea; outline-offset: 2px; }
.actions { display: flex; justify-content: flex-end; }
`;

export const TOAST_CSS = `${BASE_CSS}
.stack { display: flex; flex-direction: column; align-items: center; gap: 10px; padding: 12px; pointer-events: none; }
.toast { pointer-events: auto; width: min(560px, 100%); display: flex; gap: 16px; align-items: flex-start;
  padding: 16px 18px; border-radius: 10px; background: #fff; color: #1c2430; border-left: 6px solid #1f5fa8;
  box-shadow: 0 8px 28px rgba(20, 40, 70, 0.28); }
.content { flex: 1 1 auto; min-width: 0; display: flex; flex-direction: column; gap: 6px; }
.from { font-size: 14px; font-weight: 600; color: #1f5fa8; overflow-wrap: anywhere; }
.body { font-size: 17px; max-height: 40vh; overflow: auto; }
button { padding: 6px 16px; min-height: 36px; font-size: 15px; }
`;

export const BANNER_CSS = `${BASE_CSS}
.banner { margin: 0 auto 16px; width: fit-content; max-width: calc(100% - 24px); padding: 12px 22px;
  border-radius: 999px; background: #fff8e1; color: #3d3000; border: 1px solid #e8cf7a;
  box-shadow: 0 6px 20px rgba(40, 30, 0, 0.18); font-size: 16px; font-variant-numeric: tabular-nums; }
`;
