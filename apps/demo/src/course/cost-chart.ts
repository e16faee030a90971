import { fitCanvas } from '../playground/render.ts';

/** A cost curve over iterations (one value per progress report). */
export function drawCost(canvas: HTMLCanvasElement, costs: number[]): void {
  const { w, h, ctx } = fitCanvas(canvas);
  ctx.clearRect(0, 0, w, h);
  if (costs.length < 2) return;
  const max = Math.max(...costs.filter(Number.isFinite));
  const pad = { l: 30, r: 6, t: 6, b: 6 };
  ctx.strokeStyle = '#e6e4de';
  ctx.beginPath();
  ctx.moveTo(pad.l, h - pad.b);
  ctx.lineTo(w - pad.r, h - pad.b);
  ctx.stroke();
  ctx.fillStyle = '#7a7f8a';
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.fillText(max.toFixed(2), pad.l - 4, pad.t + 8);
  ctx.fillText('0', pad.l - 4, h - pad.b);
  ctx.strokeStyle = '#2f6fd4';
  ctx.lineWidth = 1.8;
  ctx.beginPath();
  costs.forEach((c, i) => {
    const x = pad.l + (i / (costs.length - 1)) * (w - pad.l - pad.r);
    const y = h - pad.b - (c / max) * (h - pad.t - pad.b);
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}
