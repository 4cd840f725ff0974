// Preloaded with `node --require` into a measured process: records its peak RSS (KiB)
// in $KL_RSS_FILE when it exits, so the bench needs no external `time` binary.
// CommonJS on purpose: an ES module preload (--import) starts the ES module loader in
// the measured process, ~4 ms of every run that kl itself never pays.
'use strict';
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.KL_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
