// Preloaded into a profiled pack (NODE_OPTIONS=--require): --cpu-prof writes its profile only on a
// normal exit, and the benchmark stops packs with SIGTERM as the engine does.
"use strict";
process.on("SIGTERM", () => process.exit(0));
