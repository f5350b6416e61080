// @trpc/server and trpc-to-openapi declare `next` as an optional peer, for Next.js adapters
// this repository does not use. Once apps/web brings `next` into the graph, pnpm links it to
// them for every package, and the backend's type checks then load Next.js's global types
// through trpc-to-openapi's declarations (NODE_ENV becomes a required variable everywhere).
// Dropping the unused peer keeps Next.js inside apps/web.
const UNUSED_NEXT_PEER = new Set(['@trpc/server', 'trpc-to-openapi']);

function readPackage(pkg) {
  if (UNUSED_NEXT_PEER.has(pkg.name)) {
    if (pkg.peerDependencies) delete pkg.peerDependencies.next;
    if (pkg.peerDependenciesMeta) delete pkg.peerDependenciesMeta.next;
  }
  return pkg;
}

module.exports = { hooks: { readPackage } };
