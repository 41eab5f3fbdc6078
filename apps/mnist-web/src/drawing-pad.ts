/**
 * A canvas to draw a digit on with a mouse, pen or finger (pointer events). Strokes are drawn in
 * white on a transparent canvas shown over black, like MNIST; `onChange` fires (at most once per
 * animation frame) with the ink as a `GrayImage`.
 */
import { inkFromRgba, type GrayImage } from './preprocess.js';

export interface DrawingPad {
  clear(): void;
  /** The current ink. */
  image(): GrayImage;
}

export function createDrawingPad(canvas: HTMLCanvasElement, onChange: (image: GrayImage | null) => void, lineWidth = 22): DrawingPad {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let drawing = false;
  let last: { x: number; y: number } | null = null;
  let frame = 0;
  let empty = true;

  const image = (): GrayImage => inkFromRgba(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
  const changed = () => {
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0;
        onChange(empty ? null : image());
      });
    }
  };
  const point = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) * canvas.width) / rect.width, y: ((event.clientY - rect.top) * canvas.height) / rect.height };
  };
  const stroke = (to: { x: number; y: number }) => {
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    ctx.lineWidth = lineWidth;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    if (last) {
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(to.x, to.y);
      ctx.stroke();
    } else {
      ctx.arc(to.x, to.y, lineWidth / 2, 0, Math.PI * 2);
      ctx.fill();
    }
    last = to;
    empty = false;
    changed();
  };

  canvas.style.touchAction = 'none';
  canvas.addEventListener('pointerdown', (event) => {
    drawing = true;
    last = null;
    canvas.setPointerCapture?.(event.pointerId);
    stroke(point(event));
  });
  canvas.addEventListener('pointermove', (event) => {
    if (drawing) stroke(point(event));
  });
  const end = () => {
    drawing = false;
    last = null;
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  return {
    clear() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      empty = true;
      changed();
    },
    image,
  };
}
