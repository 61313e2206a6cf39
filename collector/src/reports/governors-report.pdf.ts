import { existsSync } from 'node:fs';
import type { GovernorsReport, GovernorsReportRow, ReportCell } from '@vigil/shared/console';

const dejaVuDir = '/usr/share/fonts/truetype/dejavu';
const fonts = { regular: `${dejaVuDir}/DejaVuSans.ttf`, bold: `${dejaVuDir}/DejaVuSans-Bold.ttf` };

const ink = '#1f2933';
const muted = '#616e7c';
const nowColour = '#2f6fdf';
const beforeColour = '#b8c4d6';
const margin = 50;

type Doc = PDFKit.PDFDocument;

/**
 * The governors' report as an A4 PDF: a cover with the site, period, headline figures
 * and a bar chart of alerts by category this period against the previous one; bar
 * charts by severity and by outcome, all drawn with vector primitives; tables by
 * category (trend), room and year group; retention actions; the suppression rule; page
 * numbers. It prints the suppressed cells exactly as the JSON and CSV carry them. DejaVu Sans when installed
 * (any name a school gives a room prints), else the built-in Helvetica.
 */
export async function governorsReportPdf(report: GovernorsReport): Promise<Buffer> {
  // Loaded when a report is made: pdfkit and its fonts are ~25 MiB a collector need not hold all day.
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margin,
    bufferPages: true,
    info: { Title: `Governors' safeguarding report — ${report.site.name}`, Author: 'Vigil', Subject: `${day(report.from)} to ${lastDay(report.to)}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const unicode = existsSync(fonts.regular) && existsSync(fonts.bold);
  doc.registerFont('body', unicode ? fonts.regular : 'Helvetica');
  doc.registerFont('bold', unicode ? fonts.bold : 'Helvetica-Bold');

  cover(doc, report);
  charts(doc, report);
  doc.addPage();
  tables(doc, report);
  pageNumbers(doc);
  doc.end();
  return done;
}

function cover(doc: Doc, report: GovernorsReport): void {
  const width = doc.page.width - 2 * margin;
  doc.rect(0, 0, doc.page.width, 8).fill(nowColour);
  doc.fillColor(ink).font('bold').fontSize(24).text("Governors' safeguarding report", margin, 70, { width });
  doc.font('body').fontSize(14).fillColor(ink).text(report.site.name, { width });
  doc.moveDown(0.5).fontSize(11).fillColor(muted);
  doc.text(`Period: ${day(report.from)} to ${lastDay(report.to)}`);
  doc.text(`Compared with: ${day(report.previousFrom)} to ${lastDay(report.previousTo)}`);
  doc.text(`Generated: ${new Date(report.generatedAt).toISOString().replace('T', ' ').slice(0, 16)} UTC`);

  doc.moveDown(1.5);
  heading(doc, 'Summary');
  const { summary } = report;
  const figures: [string, string][] = [
    ['Alerts this period', cell(summary.alerts)],
    ['Alerts in the previous period', cell(summary.previousAlerts)],
    ['Alerts acted on by staff', cell(summary.actioned)],
    [
      'Triaged within a day',
      summary.triagedWithinDayPercent === null ? cell(summary.triagedWithinDay) : `${cell(summary.triagedWithinDay)} (${summary.triagedWithinDayPercent}%)`,
    ],
    ['Time to first action, median', minutes(summary.medianMinutesToFirstAction)],
    ['Time to first action, 90th percentile', minutes(summary.p90MinutesToFirstAction)],
    ['Screens locked when idle', cell(summary.idleLocks)],
    ['Screens locked by a teacher', cell(summary.teacherLocks)],
    ['Alerts put under legal hold', cell(report.retention.legalHoldsPlaced)],
  ];
  figureTable(doc, figures, width);

  doc.moveDown(1.5);
  doc.font('body').fontSize(9).fillColor(muted).text(report.suppressionNote, margin, doc.y, { width });
  doc
    .moveDown(0.5)
    .text(
      'Alerts are automated flags of what was typed or shown on school computers; an alert is not a finding about a pupil. No pupil is named in this report.',
      { width },
    );
}

function charts(doc: Doc, report: GovernorsReport): void {
  doc.moveDown(1);
  heading(doc, 'Alerts by category: this period against the previous one');
  legend(doc);
  barChart(doc, report.byCategory, true);
  doc.addPage();
  heading(doc, 'Alerts by severity (5 is the most serious)');
  barChart(doc, report.bySeverity, false);
  heading(doc, "Outcome of this period's alerts");
  barChart(doc, report.byOutcome, false);
}

function tables(doc: Doc, report: GovernorsReport): void {
  heading(doc, 'Trend by category');
  rowTable(doc, ['Category', 'This period', 'Previous', 'Change'], report.byCategory, true);
  heading(doc, 'Alerts by room');
  rowTable(doc, ['Room', 'This period', 'Previous'], report.byRoom, false);
  heading(doc, 'Alerts by year group');
  rowTable(doc, ['Year group', 'This period', 'Previous'], report.byYearGroup, false);
  heading(doc, 'Retention actions (whole collector)');
  const purged = Object.entries(report.retention.rowsPurged).filter(([, count]) => count > 0);
  figureTable(
    doc,
    [
      ['Retention purge runs', String(report.retention.purgeRuns)],
      ...purged.map(([kind, count]): [string, string] => [`Records deleted: ${kindLabel(kind)}`, String(count)]),
      ['Alerts put under legal hold', cell(report.retention.legalHoldsPlaced)],
      ['Alerts under legal hold now', cell(report.retention.legalHoldsNow)],
    ],
    doc.page.width - 2 * margin,
  );
}

function heading(doc: Doc, text: string): void {
  room(doc, 60);
  doc.moveDown(0.8).font('bold').fontSize(13).fillColor(ink).text(text, margin, doc.y);
  doc.moveDown(0.4);
}

function legend(doc: Doc): void {
  const y = doc.y;
  doc.rect(margin, y + 2, 10, 8).fill(nowColour);
  doc
    .font('body')
    .fontSize(9)
    .fillColor(ink)
    .text('This period', margin + 14, y);
  doc.rect(margin + 90, y + 2, 10, 8).fill(beforeColour);
  doc.fillColor(ink).text('Previous period', margin + 104, y);
  doc.y = y + 16;
}

/** Horizontal bars; a suppressed cell gets no bar, only its mark. */
function barChart(doc: Doc, rows: readonly GovernorsReportRow[], compare: boolean): void {
  const labelWidth = 150;
  const barLeft = margin + labelWidth + 8;
  const barSpace = doc.page.width - margin - barLeft - 40;
  const values = rows.flatMap((row) => (compare ? [row.count, row.previousCount] : [row.count])).filter((value): value is number => typeof value === 'number');
  const scale = barSpace / Math.max(1, ...values);
  const barHeight = compare ? 8 : 12;
  if (rows.length === 0) {
    doc.font('body').fontSize(10).fillColor(muted).text('No alerts in this period.', margin, doc.y);
    return;
  }
  for (const row of rows) {
    room(doc, compare ? 24 : 18);
    const y = doc.y;
    doc
      .font('body')
      .fontSize(9)
      .fillColor(ink)
      .text(row.label, margin, y + (compare ? 4 : 1), { width: labelWidth, align: 'right', lineBreak: false, ellipsis: true });
    bar(doc, barLeft, y, row.count, scale, barHeight, nowColour);
    if (compare) bar(doc, barLeft, y + barHeight + 1, row.previousCount, scale, barHeight, beforeColour);
    doc.y = y + (compare ? 2 * barHeight + 6 : barHeight + 5);
  }
  doc
    .moveTo(barLeft, doc.y)
    .lineTo(barLeft + barSpace, doc.y)
    .lineWidth(0.5)
    .strokeColor(muted)
    .stroke();
  doc.y += 4;
}

function bar(doc: Doc, x: number, y: number, value: ReportCell, scale: number, height: number, colour: string): void {
  const length = typeof value === 'number' ? Math.max(value > 0 ? 1 : 0, value * scale) : 0;
  if (length > 0) doc.rect(x, y, length, height).fill(colour);
  doc
    .font('body')
    .fontSize(8)
    .fillColor(ink)
    .text(cell(value), x + length + 4, y + (height - 8) / 2, { lineBreak: false });
}

function rowTable(doc: Doc, header: readonly string[], rows: readonly GovernorsReportRow[], withChange: boolean): void {
  const width = doc.page.width - 2 * margin;
  const first = width - 90 * (header.length - 1);
  const columns = [first, ...header.slice(1).map(() => 90)];
  const line = (values: readonly string[], bold: boolean): void => {
    room(doc, 18);
    const y = doc.y;
    let x = margin;
    values.forEach((value, index) => {
      doc
        .font(bold ? 'bold' : 'body')
        .fontSize(9)
        .fillColor(ink)
        .text(value, x, y, { width: (columns[index] ?? 90) - 6, align: index === 0 ? 'left' : 'right', lineBreak: false, ellipsis: true });
      x += columns[index] ?? 90;
    });
    doc.y = y + 14;
    doc
      .moveTo(margin, doc.y - 2)
      .lineTo(margin + width, doc.y - 2)
      .lineWidth(0.3)
      .strokeColor(beforeColour)
      .stroke();
  };
  line(header, true);
  if (rows.length === 0) line(['No alerts', '0', '0', ...(withChange ? ['0'] : [])], false);
  for (const row of rows) {
    line([row.label, cell(row.count), cell(row.previousCount), ...(withChange ? [row.change === null ? '–' : signed(row.change)] : [])], false);
  }
}

function figureTable(doc: Doc, figures: readonly (readonly [string, string])[], width: number): void {
  for (const [label, value] of figures) {
    room(doc, 18);
    const y = doc.y;
    doc
      .font('body')
      .fontSize(11)
      .fillColor(ink)
      .text(label, margin, y, { width: width - 120, lineBreak: false });
    doc.font('bold').text(value, margin + width - 120, y, { width: 120, align: 'right', lineBreak: false });
    doc.y = y + 18;
  }
}

/** A new page when fewer than `needed` points are left above the bottom margin. */
function room(doc: Doc, needed: number): void {
  if (doc.y + needed > doc.page.height - margin) doc.addPage();
}

function pageNumbers(doc: Doc): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index += 1) {
    doc.switchToPage(index);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('body')
      .fontSize(8)
      .fillColor(muted)
      .text(`Page ${index + 1} of ${range.count}`, margin, doc.page.height - 30, { width: doc.page.width - 2 * margin, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}

function cell(value: ReportCell): string {
  return String(value);
}

function minutes(value: number | null): string {
  if (value === null) return 'too few to show';
  if (value < 120) return `${value} min`;
  return `${Math.round((value / 60) * 10) / 10} h`;
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value);
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** The last day a half-open range [from, to) covers. */
function lastDay(iso: string): string {
  return new Date(Date.parse(iso) - 1).toISOString().slice(0, 10);
}

function kindLabel(kind: string): string {
  return kind.replace(/([A-Z])/g, ' $1').toLowerCase();
}
