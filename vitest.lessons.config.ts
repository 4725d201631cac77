/** `npm run test:lessons`: the toy lessons' outcomes over 3 seeds (real trainings, ~15 min). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/lessons/outcomes.check.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 60_000,
  },
});
