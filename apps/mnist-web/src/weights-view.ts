/**
 * The first layer's weights as images: each of the shown kernel columns (784 values) drawn as 28x28
 * pixels, blue for negative, red for positive, white near zero, scaled per kernel by its largest
 * magnitude.
 */
export function renderWeights(container: HTMLElement, data: Float32Array, count: number, side: number): void {
  const size = side * side;
  if (container.children.length !== count) {
    container.replaceChildren(
      ...Array.from({ length: count }, (_, k) => {
        const canvas = document.createElement('canvas');
        canvas.width = side;
        canvas.height = side;
        canvas.title = `kernel column ${k}`;
        canvas.className = 'kernel';
        return canvas;
      }),
    );
  }
  for (let k = 0; k < count; k++) {
    const canvas = container.children[k] as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const pixels = ctx.createImageData(side, side);
    let max = 1e-12;
    for (let i = 0; i < size; i++) max = Math.max(max, Math.abs(data[k * size + i]));
    for (let i = 0; i < size; i++) {
      const v = data[k * size + i] / max;
      const fade = Math.round(255 * (1 - Math.abs(v)));
      pixels.data[i * 4] = v < 0 ? fade : 255;
      pixels.data[i * 4 + 1] = fade;
      pixels.data[i * 4 + 2] = v > 0 ? fade : 255;
      pixels.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(pixels, 0, 0);
  }
}

/** Draws 784 values in [0, 1] as a 28x28 grayscale image (white ink on black). */
export function renderDigit(canvas: HTMLCanvasElement, pixels: Float32Array | null, side = 28): void {
  const ctx = canvas.getContext('2d')!;
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = Math.round(255 * (pixels?.[i] ?? 0));
    image.data[i * 4] = v;
    image.data[i * 4 + 1] = v;
    image.data[i * 4 + 2] = v;
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}
