import { evalsProject } from 'evalbox/vitest'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [{ test: { name: 'unit', include: ['test/**/*.test.ts'] } }, evalsProject()],
  },
})
