import cliProgress from 'cli-progress';

/**
 * How a run talks: a progress bar on a terminal, plain course-style lines when piped, one JSON
 * object per line with --json. Training calls the same four methods whichever it is.
 */
export interface Reporter {
  /** Training starts at iteration `from` (0, or where a resumed run left off) of `total`. */
  start(total: number, from: number): void;
  /** After every iteration; throttled inside, and accuracy (a forward pass) is computed only when shown. */
  tick(iteration: number, stats: TickStats): void;
  /**
   * A cost line every --print-every iterations: "Cost after iteration 1000: 0.288083", then the
   * training accuracy and, with a validation set, val_loss and val_accuracy.
   */
  cost(iteration: number, cost: number, extra?: RecordStats): void;
  /** A line for people (plain mode; with --quiet only when `always`) or an event for scripts (--json). */
  note(text: string, event?: Record<string, unknown>, always?: boolean): void;
  stop(): void;
}

/** What a printed record adds to the cost. */
export interface RecordStats {
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

/** " - accuracy 90.25% - val_loss 0.300000 - val_accuracy 91.25%" (nothing without a validation set: the course's line stays as it was). */
export function formatRecord(extra: RecordStats | undefined): string {
  if (extra?.valLoss === undefined) return '';
  const pct = (v: number | undefined) => (v === undefined ? '-' : `${(100 * v).toFixed(2)}%`);
  return ` - accuracy ${pct(extra.accuracy)} - val_loss ${formatCost(extra.valLoss)} - val_accuracy ${pct(extra.valAccuracy)}`;
}

export interface TickStats {
  cost: number;
  accuracy?: () => number;
  /** Draw now (the last tick), whatever the throttle says. */
  force?: boolean;
}

export type ReporterKind = 'bar' | 'plain' | 'json' | 'quiet';

export function chooseReporter(options: { json?: boolean; quiet?: boolean }): ReporterKind {
  if (options.json) return 'json';
  if (options.quiet) return 'quiet';
  return process.stdout.isTTY && process.stderr.isTTY && process.env.TERM !== 'dumb' ? 'bar' : 'plain';
}

export function makeReporter(kind: ReporterKind, unit: 'iteration' | 'epoch'): Reporter {
  if (kind === 'json') return new JsonReporter(unit);
  if (kind === 'bar') return new BarReporter(unit);
  return new PlainReporter(unit, kind === 'quiet');
}

/** The course prints costs with 6 decimals ("Cost after iteration 0: 0.693048"). */
export function formatCost(cost: number): string {
  return Number.isFinite(cost) ? cost.toFixed(6) : String(cost);
}

class PlainReporter implements Reporter {
  constructor(
    private readonly unit: string,
    private readonly quiet: boolean,
  ) {}
  start(): void {}
  tick(): void {}
  cost(iteration: number, cost: number, extra?: RecordStats): void {
    if (this.quiet) return;
    process.stdout.write(`Cost after ${this.unit} ${iteration}: ${formatCost(cost)}${formatRecord(extra)}\n`);
  }
  note(text: string, _event?: Record<string, unknown>, always = false): void {
    if (!this.quiet || always) process.stdout.write(`${text}\n`);
  }
  stop(): void {}
}

class JsonReporter implements Reporter {
  constructor(private readonly unit: string) {}
  start(total: number, from: number): void {
    emit({ event: 'start', unit: this.unit, total, from });
  }
  tick(): void {}
  cost(iteration: number, cost: number, extra?: RecordStats): void {
    const val = extra?.valLoss === undefined ? {} : { valLoss: extra.valLoss, valAccuracy: extra.valAccuracy };
    emit({ event: 'cost', [this.unit]: iteration, cost, ...(extra?.accuracy === undefined ? {} : { accuracy: extra.accuracy }), ...val });
  }
  note(_text: string, event?: Record<string, unknown>): void {
    if (event) emit(event);
  }
  stop(): void {}
}

/** JSON has no NaN or Infinity; a diverged cost is written as null rather than breaking the line. */
export function emit(event: object): void {
  process.stdout.write(`${JSON.stringify(event, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
}

class BarReporter implements Reporter {
  private readonly multibar: cliProgress.MultiBar;
  private bar: cliProgress.SingleBar | null = null;
  private started = 0;
  private from = 0;
  private lastUpdate = 0;

  constructor(private readonly unit: string) {
    this.multibar = new cliProgress.MultiBar(
      {
        // Training by epochs, the bar counts epochs, and its speed is in epochs a second.
        format: `{bar} {percentage}% | ${unit} {value}/{total} | cost {cost} | acc {accuracy} | {speed} ${unit === 'epoch' ? 'epochs/s' : 'it/s'} | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        stopOnComplete: false,
        fps: 10,
        etaBuffer: 50,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(total: number, from: number): void {
    this.started = performance.now();
    this.from = from;
    this.bar = this.multibar.create(total, from, { cost: '-', accuracy: '-', speed: '-' });
  }

  tick(iteration: number, stats: TickStats): void {
    const now = performance.now();
    // cli-progress redraws on its own timer; feeding it more often than that only costs time.
    if (!this.bar || (!stats.force && now - this.lastUpdate < 100)) return;
    this.lastUpdate = now;
    const seconds = (now - this.started) / 1000;
    const speed = seconds > 0 ? (iteration - this.from) / seconds : 0;
    this.bar.update(iteration, {
      cost: formatCost(stats.cost),
      accuracy: stats.accuracy === undefined ? '-' : `${(100 * stats.accuracy()).toFixed(1)}%`,
      speed: speed >= 100 ? speed.toFixed(0) : speed.toFixed(1),
    });
  }

  cost(iteration: number, cost: number, extra?: RecordStats): void {
    this.multibar.log(`Cost after ${this.unit} ${iteration}: ${formatCost(cost)}${formatRecord(extra)}\n`);
  }

  note(text: string): void {
    if (this.bar) this.multibar.log(`${text}\n`);
    else process.stdout.write(`${text}\n`);
  }

  stop(): void {
    this.multibar.stop();
    this.bar = null;
  }
}
