import { evalsProject } from 'evalbox/vitest'
import { defineConfig } from 'vitest/config'
import { QWEN_PRICES } from './prices.ts'

export default defineConfig({ test: { projects: [evalsProject({ gateway: { pricing: QWEN_PRICES } })] } })
