// Test helper: the text of every page of a PDF, extracted by PDF.js (a real PDF
// reader, not the writer that made it), for asserting on what a report prints.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export async function pdfPageTexts(bytes: Uint8Array): Promise<string[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false }).promise;
  try {
    const pages: string[] = [];
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const content = await (await pdf.getPage(number)).getTextContent();
      pages.push(
        content.items
          .map((item) => ('str' in item ? item.str : ''))
          .join(' ')
          .replace(/\s+/g, ' '),
      );
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

interface NodeCanvas {
  readonly canvas: { toBuffer(mime: 'image/png'): Buffer };
  readonly context: unknown;
}

/**
 * Page `number` of a PDF as PNG, drawn by PDF.js on its Node canvas (@napi-rs/canvas,
 * which pdfjs-dist brings): how the docs' pictures of a report's page are made.
 */
export async function pdfPagePng(bytes: Uint8Array, number = 1, scale = 1.5): Promise<Buffer> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false }).promise;
  try {
    const page = await pdf.getPage(number);
    const viewport = page.getViewport({ scale });
    const factory = (pdf as unknown as { canvasFactory: { create(width: number, height: number): NodeCanvas } }).canvasFactory;
    const { canvas, context } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
    type RenderParameters = Parameters<typeof page.render>[0];
    await page.render({ canvas: canvas as RenderParameters['canvas'], canvasContext: context as RenderParameters['canvasContext'], viewport }).promise;
    return canvas.toBuffer('image/png');
  } finally {
    await pdf.destroy();
  }
}

/** The RFC 4180 CSV the reports write, parsed into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
