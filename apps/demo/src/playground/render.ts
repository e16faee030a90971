import type { Points, Split } from './data.ts';
import { GRID } from './protocol.ts';

/** The two classes' colors (y = 0 warm, y = 1 cool), also used by the CSS legend. */
export const CLASS_RGB: [[number, number, number], [number, number, number]] = [
  [232, 106, 61],
  [47, 111, 212],
];
const PAPER: [number, number, number] = [250, 250, 247];

/** Sets the canvas's backing store to its CSS size times the pixel ratio; returns the CSS size. */
export function fitCanvas(canvas: HTMLCanvasElement): { w: number; h: number; ctx: CanvasRenderingContext2D } {
  const dpr = Math.min(window.devicePixelRatio || 1, 2);
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { w, h, ctx };
}

const lattice = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(GRID, GRID) : null;

/** The model's P(y = 1) as a heat map: paper white at 0.5, deepening toward each class's color. */
function heat(grid: Float32Array): ImageData {
  const img = new ImageData(GRID, GRID);
  for (let i = 0; i < grid.length; i++) {
    const p = grid[i];
    const k = Math.min(Math.abs(p - 0.5) * 2, 1) ** 0.8 * 0.5;
    const c = CLASS_RGB[p > 0.5 ? 1 : 0];
    img.data[4 * i] = PAPER[0] + (c[0] - PAPER[0]) * k;
    img.data[4 * i + 1] = PAPER[1] + (c[1] - PAPER[1]) * k;
    img.data[4 * i + 2] = PAPER[2] + (c[2] - PAPER[2]) * k;
    img.data[4 * i + 3] = 255;
  }
  return img;
}

function drawPoints(
  ctx: CanvasRenderingContext2D,
  pts: Points,
  toPx: (x: number, y: number) => [number, number],
  test: boolean,
  r: number,
): void {
  for (let i = 0; i < pts.m; i++) {
    const [px, py] = toPx(pts.X[i], pts.X[pts.m + i]);
    const c = CLASS_RGB[pts.Y[i] > 0.5 ? 1 : 0];
    ctx.beginPath();
    ctx.arc(px, py, r, 0, 2 * Math.PI);
    if (test) {
      ctx.fillStyle = 'rgba(255,255,255,0.9)';
      ctx.fill();
      ctx.lineWidth = 1.8;
      ctx.strokeStyle = `rgb(${c.join(',')})`;
    } else {
      ctx.fillStyle = `rgb(${c.join(',')})`;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'rgba(255,255,255,0.95)';
    }
    ctx.stroke();
  }
}

export interface BoundaryView {
  split: Split;
  grid: Float32Array | null;
  showTest: boolean;
}

export function drawBoundary(canvas: HTMLCanvasElement, v: BoundaryView): void {
  const { w, h, ctx } = fitCanvas(canvas);
  const size = Math.min(w, h);
  ctx.clearRect(0, 0, w, h);
  ctx.fillStyle = `rgb(${PAPER.join(',')})`;
  ctx.fillRect(0, 0, size, size);
  if (v.grid && lattice) {
    const lctx = lattice.getContext('2d')!;
    lctx.putImageData(heat(v.grid), 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(lattice, 0, 0, size, size);
  }
  const { cx, cy, half } = v.split.view;
  const toPx = (x: number, y: number): [number, number] => [((x - cx + half) / (2 * half)) * size, ((cy + half - y) / (2 * half)) * size];
  // Axes through the origin, faint, so the plane reads as coordinates and not as a picture.
  ctx.strokeStyle = 'rgba(30,35,45,0.12)';
  ctx.lineWidth = 1;
  const [ox, oy] = toPx(0, 0);
  ctx.beginPath();
  ctx.moveTo(ox, 0);
  ctx.lineTo(ox, size);
  ctx.moveTo(0, oy);
  ctx.lineTo(size, oy);
  ctx.stroke();
  const r = Math.max(2.6, size / 150);
  drawPoints(ctx, v.split.train, toPx, false, r);
  if (v.showTest) drawPoints(ctx, v.split.test, toPx, true, r);
}

export interface CurvePoint {
  epoch: number;
  train: number;
  test: number;
}

export const CURVE_COLORS = { train: '#1f2430', test: '#c2410c' };

/** Train and test cost against epochs, y from 0 to the largest cost seen. */
export function drawCurves(canvas: HTMLCanvasElement, points: CurvePoint[]): void {
  const { w, h, ctx } = fitCanvas(canvas);
  ctx.clearRect(0, 0, w, h);
  const pad = { l: 34, r: 8, t: 8, b: 18 };
  const pw = w - pad.l - pad.r;
  const ph = h - pad.t - pad.b;
  const maxE = Math.max(points.at(-1)?.epoch ?? 1, 1);
  let maxY = 0.1;
  for (const p of points) maxY = Math.max(maxY, Number.isFinite(p.train) ? p.train : 0, Number.isFinite(p.test) ? p.test : 0);
  maxY = Math.min(maxY, 3);
  ctx.font = '10px system-ui, sans-serif';
  ctx.fillStyle = '#7a7f8a';
  ctx.strokeStyle = '#e6e4de';
  ctx.lineWidth = 1;
  for (let k = 0; k <= 2; k++) {
    const y = pad.t + ph - (k / 2) * ph;
    ctx.beginPath();
    ctx.moveTo(pad.l, y);
    ctx.lineTo(w - pad.r, y);
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText(((k / 2) * maxY).toFixed(2), pad.l - 5, y + 3);
  }
  ctx.textAlign = 'left';
  ctx.fillText('0', pad.l, h - 4);
  ctx.textAlign = 'right';
  ctx.fillText(`${maxE} epochs`, w - pad.r, h - 4);
  const line = (key: 'train' | 'test', color: string, dash: number[]): void => {
    ctx.beginPath();
    ctx.setLineDash(dash);
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.8;
    const step = Math.max(1, Math.floor(points.length / pw));
    for (let i = 0; i < points.length; i += step) {
      const p = points[i];
      const x = pad.l + (p.epoch / maxE) * pw;
      const y = pad.t + ph - (Math.min(p[key], maxY) / maxY) * ph;
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
    ctx.setLineDash([]);
  };
  line('test', CURVE_COLORS.test, [5, 3]);
  line('train', CURVE_COLORS.train, []);
}
