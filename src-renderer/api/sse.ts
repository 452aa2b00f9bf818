/**
 * Incremental server-sent-events parser (the subset the web host emits):
 * `data:` lines joined by newlines, dispatched on a blank line; comments
 * (heartbeats) and other fields ignored. Chunks may split anywhere.
 */
export const createSseParser = (onData: (data: string) => void): ((chunk: string) => void) => {
  let buffer = '';
  let data: string[] = [];
  return (chunk) => {
    buffer += chunk;
    for (;;) {
      const nl = buffer.search(/\r\n|\r|\n/);
      if (nl < 0) break;
      // a lone \r at the end of the buffer may be the first half of \r\n
      if (buffer[nl] === '\r' && nl === buffer.length - 1) break;
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (data.length > 0) onData(data.join('\n'));
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line[5] === ' ' ? 6 : 5));
      }
    }
  };
};
