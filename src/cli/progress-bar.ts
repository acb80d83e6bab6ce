/**
 * A one-line progress bar on a terminal (stderr), silent when stderr is not a TTY so that logs and
 * pipes stay clean. Redraws at most every 100 ms.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): {
  update(done: number, total: number): void;
  done(): void;
} {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  const draw = (done: number, total: number): void => {
    const width = 30;
    const fraction = total === 0 ? 1 : done / total;
    const filled = Math.round(fraction * width);
    stream.write(`\r${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${total}`);
  };
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      draw(done, total);
    },
    done() {
      stream.write("\n");
    },
  };
}
