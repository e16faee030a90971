import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { FileError, UsageError } from './errors.ts';

/**
 * Cost curves as a plain SVG line chart (axes, "nice" ticks, legend), and PNG through resvg.
 * Written by hand: a line chart is a hundred lines of SVG and needs no charting library.
 */
export interface Series {
  name: string;
  /** [x, y] points in x order. */
  points: [number, number][];
  /** Test curves are dashed in the colour of their train curve. */
  dashed?: boolean;
  /** Index into the palette; series that share it share a colour. */
  colour?: number;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

// The tab10 palette: distinguishable, and readable by most colour-blind viewers.
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Round tick values 1, 2 or 5 times a power of ten that cover [lo, hi] with about `count` ticks. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    return niceTicks(lo - pad, hi + pad, count);
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < hi) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

function label(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderSvg(series: Series[], options: PlotOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 460;
  const legendRows = series.length;
  const margin = { left: 72, right: 24, top: 44, bottom: 56 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
  const xTicks = niceTicks(xs.length ? Math.min(0, ...xs) : 0, xs.length ? Math.max(...xs) : 1);
  const yTicks = niceTicks(ys.length ? Math.min(0, ...ys) : 0, ys.length ? Math.max(...ys) : 1, 6);
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = [yTicks[0], yTicks[yTicks.length - 1]];
  const px = (x: number) => margin.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => margin.top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" role="img">`,
  );
  out.push(`<title>${escapeXml(options.title)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(
    `<text x="${width / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold" fill="#222">${escapeXml(options.title)}</text>`,
  );
  // Grid and ticks.
  for (const t of yTicks) {
    const y = py(t).toFixed(1);
    out.push(`<line x1="${margin.left}" y1="${y}" x2="${margin.left + plotW}" y2="${y}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${margin.left - 8}" y="${y}" dy="4" text-anchor="end" font-size="12" fill="#444">${label(t)}</text>`);
  }
  for (const t of xTicks) {
    const x = px(t).toFixed(1);
    out.push(`<line x1="${x}" y1="${margin.top}" x2="${x}" y2="${margin.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle" font-size="12" fill="#444">${label(t)}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  out.push(
    `<text x="${margin.left + plotW / 2}" y="${height - 14}" text-anchor="middle" font-size="13" fill="#222">${escapeXml(options.xLabel)}</text>`,
  );
  out.push(
    `<text x="18" y="${margin.top + plotH / 2}" text-anchor="middle" font-size="13" fill="#222" transform="rotate(-90 18 ${margin.top + plotH / 2})">${escapeXml(options.yLabel)}</text>`,
  );
  // Curves; a non-finite cost breaks the line rather than dragging it off the chart.
  series.forEach((s, i) => {
    const colour = PALETTE[(s.colour ?? i) % PALETTE.length];
    const d = s.points
      .map(([x, y], j) =>
        Number.isFinite(y) ? `${j === 0 || !Number.isFinite(s.points[j - 1][1]) ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}` : '',
      )
      .join('');
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash} stroke-linejoin="round"/>`);
  });
  // Legend, top right, on a white box so curves under it stay readable.
  const legendW = Math.min(plotW - 20, 24 + 7.2 * Math.max(...series.map((s) => s.name.length), 4) + 16);
  const lx = margin.left + plotW - legendW - 10;
  const ly = margin.top + 10;
  if (legendRows > 0) {
    out.push(
      `<rect x="${lx}" y="${ly}" width="${legendW}" height="${legendRows * 18 + 10}" fill="#ffffff" fill-opacity="0.9" stroke="#bbb"/>`,
    );
    series.forEach((s, i) => {
      const colour = PALETTE[(s.colour ?? i) % PALETTE.length];
      const y = ly + 15 + i * 18;
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
      out.push(`<line x1="${lx + 8}" y1="${y}" x2="${lx + 30}" y2="${y}" stroke="${colour}" stroke-width="2"${dash}/>`);
      out.push(`<text x="${lx + 36}" y="${y}" dy="4" font-size="12" fill="#222">${escapeXml(s.name)}</text>`);
    });
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Charts stacked top to bottom in one SVG (the loss above, each metric below). */
export function renderPanels(panels: { series: Series[]; options: PlotOptions }[]): string {
  if (panels.length === 1) return renderSvg(panels[0].series, panels[0].options);
  const parts: string[] = [];
  let y = 0;
  let width = 0;
  for (const { series, options } of panels) {
    parts.push(renderSvg(series, options).replace('<svg ', `<svg y="${y}" `));
    y += options.height ?? 460;
    width = Math.max(width, options.width ?? 760);
  }
  const title = escapeXml(panels.map((p) => p.options.title).join('; '));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" role="img" aria-label="${title}">\n<title>${title}</title>\n${parts.join('')}</svg>\n`;
}

/** Writes the chart as SVG or PNG by the file's extension; atomically, so a crash leaves no half file. */
export async function writePlot(path: string, series: Series[], options: PlotOptions): Promise<void> {
  await writePanels(path, [{ series, options }]);
}

export async function writePanels(path: string, panels: { series: Series[]; options: PlotOptions }[]): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new UsageError(`--plot: expected a file ending in .svg or .png, received '${path}'`);
  const svg = renderPanels(panels);
  let bytes: string | Uint8Array = svg;
  if (ext === '.png') {
    const { Resvg } = await import('@resvg/resvg-js');
    // Twice the SVG's size so the PNG stays sharp on high-density screens.
    const resvg = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
    bytes = resvg.render().asPng();
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (error) {
    throw new FileError(path, `cannot write plot '${path}': ${(error as Error).message}`);
  }
}
