/** A one-line progress bar on stderr (plain lines when stderr is not a terminal, e.g. in CI). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let lastPercent = -1;
  let lastStage = '';
  return (done: number, total: number, stage = '') => {
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    if (percent === lastPercent && stage === lastStage) return;
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    const bar = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}% ${done.toLocaleString('en-GB')}/${total.toLocaleString('en-GB')} ${stage}`;
    if (stream.isTTY) stream.write(`\r${bar.padEnd(stream.columns ? stream.columns - 1 : 100)}`);
    else if (percent % 10 === 0 && (percent !== lastPercent || stage !== lastStage)) stream.write(`${bar}\n`);
    if (stream.isTTY && percent === 100) stream.write('\n');
    lastPercent = percent;
    lastStage = stage;
  };
}
