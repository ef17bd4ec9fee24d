import type { Plugin } from 'vite'
import { EvalReporter } from '../reporter/eval-reporter.ts'
import { checkSecretNames } from '../secrets/redact.ts'
import { type EvalboxProjectOptions, registerProject } from './run-state.ts'

/**
 * The Vite plugin of an evals project. When the project is part of the run (Vitest calls
 * `configureVitest` only for selected projects) it adds the eval reporter, once, so the
 * reporter never runs for `--project unit` alone.
 */
export function evalboxPlugin(options: EvalboxProjectOptions = {}): Plugin {
  checkSecretNames(options.secrets)
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
