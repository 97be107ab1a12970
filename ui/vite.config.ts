/**
 * The UI's build: a static single-page app in ui/dist, served by `tributary start` at `/`
 * (src/api/run-api.ts UI_DIR). Asset paths are relative (`base: "./"`) and pages are routed by
 * the URL hash, so the same build works at any base path behind a proxy.
 */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // The graph's layout engine (ELK, 1.6 MB) is a web worker file loaded with the Graph tab only.
    chunkSizeWarningLimit: 1_700,
    // Timing notes about plugins are for profiling builds, not for every `npm run build`.
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    // `npx vite --config ui/vite.config.ts` during development, with `tributary start` on 8080.
    proxy: { "/api": { target: "http://127.0.0.1:8080", changeOrigin: false } },
  },
});
