// Vite builds the front into dist/ with relative asset paths, so the back can serve it from any
// mount path; Vitest runs the service-layer tests in node (no DOM).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small bundle: lit plus the app.
    assetsInlineLimit: 0
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts']
  }
})
