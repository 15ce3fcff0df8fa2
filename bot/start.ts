/**
 * `npm start`'s entry (and the container's). It first refuses an older Node in one sentence: it
 * imports nothing before that check and uses no top-level await, so on Node 20 the refusal comes
 * before an SDK can fail to load (`'node:tls' does not provide an export named
 * 'getCACertificates'`). Then it turns on Node's on-disk compile cache before the SDKs load (it
 * saves about a fifth of start-up) and runs the composition root.
 */
const NEEDED = 24;
const major = Number(process.versions.node.split('.')[0]);

if (major < NEEDED) {
  console.error(`This bot needs Node.js ${NEEDED}, and this is Node.js ${process.versions.node} (${process.execPath}): install Node.js ${NEEDED} (or use the container image, built on node:${NEEDED}) and start it again.`);
  process.exit(1);
} else {
  void import('node:module')
    .then((nodeModule) => nodeModule.enableCompileCache())
    .then(() => import('./main.js'));
}
