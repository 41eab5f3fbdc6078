/** Download progress on stderr: a redrawn bar on a terminal, plain lines otherwise (CI logs). */

/** Where progress goes: `process.stderr` by default; anything with `write` will do. */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal gets a bar redrawn in place; anything else gets one line per event. */
  readonly isTTY?: boolean;
  /** The terminal's width, to fit the bar. */
  readonly columns?: number;
}

const MB = 1e6;
const mb = (bytes: number) => (bytes / MB).toFixed(1);

/** One file's download from one mirror. */
export class Progress {
  private received = 0;
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly stream: ProgressStream | undefined,
    private readonly label: string,
    private readonly url: string,
    private readonly total: number | undefined,
  ) {
    if (stream && !stream.isTTY) {
      stream.write(`Downloading ${label}${total ? ` (${mb(total)} MB)` : ''} from ${url}\n`);
    }
  }

  update(received: number): void {
    this.received = received;
    if (!this.stream?.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 100) return; // redraw at most ten times a second
    this.lastDraw = now;
    this.draw();
  }

  private draw(): void {
    const stream = this.stream!;
    const { received, total } = this;
    const sizes = total ? `${mb(received)}/${mb(total)} MB` : `${mb(received)} MB`;
    const percent = total ? `${String(Math.min(100, Math.floor((100 * received) / total))).padStart(3)}%` : '';
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - this.label.length - sizes.length - 12));
    const filled = total ? Math.min(width, Math.round((width * received) / total)) : 0;
    const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    stream.write(`\r\x1b[K${this.label} ${bar}${percent} ${sizes}`);
  }

  /** The download finished and passed verification. */
  done(savedTo: string): void {
    if (!this.stream) return;
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    if (this.stream.isTTY) {
      this.draw();
      this.stream.write(` verified, ${seconds} s\n`);
    } else {
      this.stream.write(`Downloaded ${this.label}: ${mb(this.received)} MB in ${seconds} s, SHA-256 verified, saved to ${savedTo}\n`);
    }
  }

  /** This mirror failed; `next` says what happens now. */
  failed(reason: string, next: string): void {
    if (!this.stream) return;
    this.stream.write(`${this.stream.isTTY ? '\r\x1b[K' : ''}${this.label} from ${this.url} failed: ${reason}; ${next}\n`);
  }
}
