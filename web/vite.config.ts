import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  server: {
    // The whole stack sits behind nginx on :8080; going through it in dev keeps
    // cookies same-origin exactly as in production (the refresh cookie is Path=/api/auth).
    proxy: {
      '/api': { target: 'http://127.0.0.1:8080', changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    // Not assets/: /assets/… are the app's own pages (the equipment tree).
    assetsDir: 'static',
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Libraries every screen needs change far less often than the app: separate chunks stay
        // cached across deployments of the UI. Libraries of one screen (drag and drop, drop
        // zones, Markdown, signatures) are left to that screen's lazily loaded chunks.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/, priority: 3 },
            {
              name: 'mantine',
              test: /node_modules[\\/](@mantine[\\/](core|hooks|form|modals|notifications)|@floating-ui|@tabler)[\\/]/,
              priority: 2,
            },
            { name: 'vendor', test: /node_modules[\\/](@tanstack|i18next|react-i18next|openapi-fetch)[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
