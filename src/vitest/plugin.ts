import type { Plugin } from 'vite'
import * as z from 'zod'
import { lazy } from '../core/lazy.ts'
import { EvalReporter } from '../reporter/eval-reporter.ts'
import {
  type EvalboxProjectOptions,
  parseProjectOptions,
  projectOptionsShape,
  registerProject,
} from '../run/run-state.ts'

const pluginOptionsSchema = lazy(() => z.strictObject(projectOptionsShape()))

/**
 * The Vite plugin of an evals project. When the project is part of the run (Vitest calls
 * `configureVitest` only for selected projects) it adds the eval reporter, once, so the
 * reporter never runs for `--project unit` alone.
 */
export function evalboxPlugin(options: EvalboxProjectOptions = {}): Plugin {
  parseProjectOptions('evalboxPlugin()', pluginOptionsSchema(), options)
  return {
    name: 'evalbox',
    configureVitest({ vitest, project }) {
      registerProject(project.name, project.config.root, options)
      const reporters = vitest.config.reporters as unknown[]
      const existing = reporters.find(
        (reporter): reporter is EvalReporter => reporter instanceof EvalReporter,
      )
      if (existing) existing.addProject(project.name)
      else reporters.push(new EvalReporter({ projects: [project.name], ...options }))
    },
  }
}
