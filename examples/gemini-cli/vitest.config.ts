import { evalsProject } from 'evalbox/vitest'
import { defineConfig } from 'vitest/config'

export default defineConfig({ test: { projects: [evalsProject()] } })
