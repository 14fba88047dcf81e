// A progress bar on a terminal, silence elsewhere: CI logs and pipes get the
// report, not a thousand carriage returns.
export interface Progress {
  update(done: number, total: number, label?: string): void;
  log(message: string): void;
  done(): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 80;

export function createProgress(
  name: string,
  stream: NodeJS.WriteStream = process.stderr,
  verbose = Boolean(process.env.BGR_VERBOSE),
): Progress {
  const interactive = Boolean(stream.isTTY) && !process.env.CI;
  let lastDraw = 0;
  let drawn = false;

  const clear = () => {
    if (drawn) stream.write("\r\x1b[K");
    drawn = false;
  };

  return {
    update(done, total, label) {
      if (!interactive || total <= 0) return;
      const now = Date.now();
      if (now - lastDraw < REDRAW_MS && done < total) return;
      lastDraw = now;
      const ratio = Math.min(1, done / total);
      const filled = Math.round(ratio * BAR_WIDTH);
      const bar = `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
      const tail = label ? ` ${label}` : "";
      const columns = stream.columns || 80;
      stream.write(`\r\x1b[K${`${name} ${bar} ${done}/${total}${tail}`.slice(0, columns - 1)}`);
      drawn = true;
    },
    log(message) {
      if (!verbose) return;
      clear();
      stream.write(`${message}\n`);
    },
    done() {
      clear();
    },
  };
}
