import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

/** Builds the web app into web/dist, which `segmenta serve` serves at /. `vite --config web/vite.config.ts` proxies /api to a local server. */
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Each page is its own chunk (React.lazy); the shared vendor code stays in one cached file.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { '/api': process.env.SEGMENTA_API ?? 'http://127.0.0.1:3000' },
  },
})
