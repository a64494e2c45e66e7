/**
 * Progress for long training loops, and a clean way to stop one.
 *
 *   const progress = new Progress({ epochs, batches: trainLoader.length, batchSize: 20 });
 *   for (let epoch = 1; epoch <= epochs && !progress.stopped; epoch++) {
 *     let b = 0;
 *     for (const [x, t] of trainLoader) {
 *       ...one step...
 *       await progress.update(epoch, ++b);   // await: that is when Node can deliver Ctrl-C
 *       if (b % 500 === 0) progress.print(`[${epoch}, ${b}] loss: ${running / 500}`);
 *       if (progress.stopped) break;        // Ctrl-C: finish this batch, then leave
 *     }
 *   }
 *   progress.done();
 *
 * On a terminal it keeps one line up to date (epoch e/E, batch b/B, images/s, time left); elsewhere
 * (a pipe, CI) it writes a plain line every few seconds and at the end of each epoch. It writes to
 * stderr, so a chapter's stdout holds only what the article printed.
 * The first Ctrl-C sets `stopped` (the loop ends after the current batch); a second one exits.
 * Node only delivers a signal when the event loop turns, so update() lets it turn (about ten times
 * a second) when awaited. If it is not awaited the loop never yields; progress notices and gives
 * Ctrl-C back its usual meaning (quit at once) rather than swallowing it until training ends.
 */

export interface ProgressOptions {
  epochs: number;
  /** Batches per epoch. */
  batches: number;
  /** Images per batch, for images/s (default 1: then it reads as batches/s). */
  batchSize?: number;
  /** Where to write (default process.stderr). A stream with isTTY gets the updating line. */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** Not on a terminal: a line every this many batches (default: only by time)... */
  everyBatches?: number;
  /** ...and every this many seconds (default 10). */
  everySeconds?: number;
  /** Catch Ctrl-C (default true). */
  handleSigint?: boolean;
  /** The clock, in milliseconds (tests pass their own). */
  now?: () => number;
  /** Where the chapter's own lines go (default console.log, stdout). */
  print?: (text: string) => void;
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  const mm = String(Math.floor((s % 3600) / 60));
  const ss = String(s % 60).padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm.padStart(2, "0")}:${ss}` : `${mm}:${ss}`;
}

export class Progress {
  /** Set by Ctrl-C: finish the current batch and leave the loop. */
  stopped = false;

  private readonly epochs: number;
  private readonly batches: number;
  private readonly batchSize: number;
  private readonly stream: { write(text: string): unknown; isTTY?: boolean };
  private readonly tty: boolean;
  private readonly everyBatches: number;
  private readonly everySeconds: number;
  private readonly now: () => number;
  private readonly out: (text: string) => void;
  private readonly started: number;
  private lastPlain: number;
  private lastDraw = 0;
  private line = ""; // what the updating line shows now ("" when nothing is drawn)
  private epoch = 0;
  private batch = 0;
  private sigint: (() => void) | null = null;
  private lastYield: number;
  private loopTurned = false; // set by a setImmediate probe: has the event loop turned since we started?

  constructor(options: ProgressOptions) {
    this.epochs = options.epochs;
    this.batches = options.batches;
    this.batchSize = options.batchSize ?? 1;
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY === true;
    this.everyBatches = options.everyBatches ?? 0;
    this.everySeconds = options.everySeconds ?? 10;
    this.now = options.now ?? (() => performance.now());
    this.out = options.print ?? ((text) => console.log(text));
    this.started = this.now();
    this.lastPlain = this.started;
    this.lastYield = this.started;
    if (options.handleSigint ?? true) {
      this.sigint = () => {
        if (this.stopped) {
          this.clear();
          this.stream.write("\nstopped.\n");
          process.exit(130);
        }
        this.stopped = true;
        this.log("Ctrl-C: stopping after this batch (press it again to quit now)");
      };
      process.on("SIGINT", this.sigint);
      setImmediate(() => { this.loopTurned = true; });
    }
  }

  /** Batch `batch` (1-based) of epoch `epoch` (1-based) is done. Await it (see above). */
  update(epoch: number, batch: number): Promise<void> {
    this.epoch = epoch;
    this.batch = batch;
    const t = this.now();
    if (this.tty) {
      // Redrawing costs a write; ten times a second is plenty for the eye.
      if (t - this.lastDraw >= 100 || batch === this.batches) {
        this.lastDraw = t;
        this.draw(this.status());
      }
    } else {
      const byCount = this.everyBatches > 0 && batch % this.everyBatches === 0;
      const byTime = t - this.lastPlain >= this.everySeconds * 1000;
      if (byCount || byTime || batch === this.batches) {
        this.lastPlain = t;
        this.stream.write(this.status() + "\n");
      }
    }
    if (this.sigint && !this.loopTurned && t - this.started > 2000) {
      // Two seconds of batches and the event loop never turned: update() is not being awaited.
      this.releaseSigint();
    }
    if (t - this.lastYield < 100) return Promise.resolve();
    this.lastYield = t;
    return new Promise((resume) => setImmediate(resume)); // the poll phase before it delivers signals
  }

  /** Prints a line of the chapter's own output (a running loss, an epoch's summary) to stdout, on a
   *  line of its own: on a terminal the progress line is cleared first and drawn again below it. */
  print(text: string): void {
    const line = this.line;
    this.clear();
    this.out(text);
    if (line) this.draw(line);
  }

  /** Writes a note about the progress itself (Ctrl-C) to the progress stream, above the progress line. */
  log(text: string): void {
    if (!this.tty) {
      this.stream.write(text + "\n");
      return;
    }
    const line = this.line;
    this.clear();
    this.stream.write(text + "\n");
    if (line) this.draw(line);
  }

  /** Ends the progress: a final line, a note if Ctrl-C stopped the loop, and Ctrl-C behaves normally again. */
  done(): void {
    if (this.tty && this.line) this.stream.write("\n");
    this.line = "";
    if (this.stopped) this.stream.write(`stopped early at epoch ${this.epoch}, batch ${this.batch}\n`);
    this.releaseSigint();
  }

  private releaseSigint(): void {
    if (this.sigint) process.off("SIGINT", this.sigint);
    this.sigint = null;
  }

  /** "epoch 1/2  batch 1500/3000  812 images/s  time left 1:51". */
  status(): string {
    const seconds = (this.now() - this.started) / 1000;
    const doneBatches = (this.epoch - 1) * this.batches + this.batch;
    const total = this.epochs * this.batches;
    const rate = seconds > 0 ? (doneBatches * this.batchSize) / seconds : 0;
    const left = doneBatches > 0 ? (seconds / doneBatches) * (total - doneBatches) : Infinity;
    const width = String(this.batches).length;
    return `epoch ${this.epoch}/${this.epochs}  batch ${String(this.batch).padStart(width)}/${this.batches}  ` +
      `${Math.round(rate)} ${this.batchSize === 1 ? "batches" : "images"}/s  time left ${formatDuration(left)}`;
  }

  private draw(text: string): void {
    this.line = text;
    this.stream.write(`\r${text}\x1b[K`); // back to the line start, write, erase what the old line left
  }

  private clear(): void {
    if (this.tty && this.line) this.stream.write("\r\x1b[K");
    this.line = "";
  }
}
