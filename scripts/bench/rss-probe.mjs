// Preloaded with `node --import` into a measured process: records its peak RSS (KiB)
// in $KL_RSS_FILE when it exits, so the bench needs no external `time` binary.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const file = process.env.KL_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
