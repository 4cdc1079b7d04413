/**
 * A one-line progress bar on a terminal; silent when the stream is not a TTY (pipes, CI, files).
 */
export function makeProgress(stream: NodeJS.WriteStream = process.stderr): {
  update: (label: string, fraction: number) => void;
  done: () => void;
} {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = '';
  let shown = false;
  return {
    update(label, fraction) {
      const width = 30;
      const f = Math.min(1, Math.max(0, fraction));
      const filled = Math.round(f * width);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
      const text = `${bar} ${String(Math.round(f * 100)).padStart(3)}% ${label}`;
      const line = text.slice(0, Math.max(10, (stream.columns || 80) - 1));
      if (line === last) return;
      last = line;
      shown = true;
      stream.write(`\r\x1b[2K${line}`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
