import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { buildProgress, precompress } from './build-plugins.js';

// The clinician workspace and the patient page, served by `medseek serve` from web/dist.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), precompress(), buildProgress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // The SMART launch page (the workspace as a SMART app, issue 14) is a second entry.
    rollupOptions: { input: { main: join(import.meta.dirname, 'index.html'), smart: join(import.meta.dirname, 'smart-launch.html') } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/fhir': 'http://127.0.0.1:8080', '/cds-services': 'http://127.0.0.1:8080' } },
});
