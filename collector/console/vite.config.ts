import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/health': 'http://127.0.0.1:8080',
      '/auth/oidc': 'http://127.0.0.1:8080',
      '/console': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
