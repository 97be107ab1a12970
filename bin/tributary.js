#!/usr/bin/env node
// The CLI entry: the compiled code lives in dist/ (npm run build).
import("../dist/cli/main.js").then((m) => m.main(process.argv.slice(2)));
