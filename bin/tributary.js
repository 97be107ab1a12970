#!/usr/bin/env node
// The CLI entry: the compiled code lives in dist/ (npm run build).
// A plain `env node` line: `env -S` (to pass Node flags here) is missing from BusyBox and Alpine.
// Long-running services are leaner with a 2 MB young generation: `npm start` passes
// --max-semi-space-size=2, and docs/deploy.md shows NODE_OPTIONS for an installed `tributary start`.
import("../dist/cli/main.js").then((m) => m.main(process.argv.slice(2)));
