#!/usr/bin/env -S node --max-semi-space-size=2
// The CLI entry: the compiled code lives in dist/ (npm run build).
// A 2 MB young generation (V8's default grows to 16 MB, twice over): the control plane allocates
// little per request, and a long-running `tributary start` stays about 30 MB smaller for it
// (BENCHMARKS.md, idle). Run as a program (`tributary ...`, `npx tributary`, `./bin/tributary.js`)
// to get it; `node bin/tributary.js` works the same with V8's defaults.
import("../dist/cli/main.js").then((m) => m.main(process.argv.slice(2)));
