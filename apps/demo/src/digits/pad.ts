/**
 * The drawing pad: opaque strokes on a transparent 280x280 canvas (its ink is the alpha
 * channel), drawn with pointer events, so a mouse, a pen and a finger all draw.
 */
export const PAD_SIZE = 280;
/** About a tenth of a digit's height, as MNIST's strokes are 2 to 3 pixels of its 20-pixel box. */
const LINE_WIDTH = 22;

export interface Pad {
  clear(): void;
  /** Whether anything is drawn. */
  readonly empty: boolean;
  /** The canvas's RGBA bytes. */
  pixels(): Uint8ClampedArray;
  /** Puts a 28x28 digit (bytes, 0 = no ink) on the pad at 10x, each pixel a 10x10 square. */
  showDigit(bytes: Uint8Array): void;
}

export function createPad(canvas: HTMLCanvasElement, onDraw: (strokeEnded: boolean) => void): Pad {
  canvas.width = PAD_SIZE;
  canvas.height = PAD_SIZE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let empty = true;
  let last: { x: number; y: number } | null = null;

  const at = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * PAD_SIZE) / r.width, y: ((e.clientY - r.top) * PAD_SIZE) / r.height };
  };
  const segment = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    ctx.strokeStyle = '#1f2430';
    ctx.lineWidth = LINE_WIDTH;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    empty = false;
  };

  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    last = at(e);
    segment(last, last); // a tap is a dot
    onDraw(false);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!last) return;
    const points = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const p of points.length ? points : [e]) {
      const next = at(p);
      segment(last, next);
      last = next;
    }
    onDraw(false);
  });
  const end = () => {
    if (!last) return;
    last = null;
    onDraw(true);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  return {
    clear() {
      ctx.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
      empty = true;
    },
    get empty() {
      return empty;
    },
    pixels: () => ctx.getImageData(0, 0, PAD_SIZE, PAD_SIZE).data,
    showDigit(bytes) {
      ctx.clearRect(0, 0, PAD_SIZE, PAD_SIZE);
      const scale = PAD_SIZE / 28;
      // Squares of each pixel's ink, not a smoothed copy, so the preprocessing sees this digit as it is.
      for (let p = 0; p < 784; p++) {
        if (bytes[p] === 0) continue;
        ctx.fillStyle = `rgba(31, 36, 48, ${bytes[p] / 255})`;
        ctx.fillRect((p % 28) * scale, Math.floor(p / 28) * scale, scale, scale);
      }
      empty = false;
    },
  };
}
