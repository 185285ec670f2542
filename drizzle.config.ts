import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Each capability owns its tables in its own schema.ts; platform gathers none of them.
  schema: './src/**/schema.ts',
  out: './migrations',
});
