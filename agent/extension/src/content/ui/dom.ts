// Building UI from text that may be hostile (it comes from the collector): text goes in through
// textContent only, never as markup.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Readonly<Record<string, string>> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A padlock, drawn with SVG DOM calls rather than parsed markup. */
export function lockIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '1.6');
  svg.setAttribute('stroke-linecap', 'round');
  const body = document.createElementNS(ns, 'rect');
  for (const [k, v] of Object.entries({ x: '4.5', y: '10.5', width: '15', height: '10', rx: '2' })) body.setAttribute(k, v);
  const shackle = document.createElementNS(ns, 'path');
  shackle.setAttribute('d', 'M8 10.5V7.5a4 4 0 0 1 8 0v3');
  const keyhole = document.createElementNS(ns, 'path');
  keyhole.setAttribute('d', 'M12 14.5v2');
  svg.append(body, shackle, keyhole);
  return svg;
}
