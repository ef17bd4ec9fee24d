import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { EvalboxError, errorMessage } from '../core/errors.ts'
import { RunBudgetSpentError } from './errors.ts'
import { readBody, sendJson } from './http-util.ts'
import type { CaseUsage, OpenCaseOptions, OpenedCase, RunUsage } from './types.ts'

/** What the admin API serves, from the gateway's in-process API. */
export interface AdminApi {
  readonly adminToken: string
  openCase(options: OpenCaseOptions): Promise<OpenedCase>
  /** Undefined for a token no case has. */
  caseUsage(token: string): CaseUsage | undefined
  closeCase(token: string): Promise<CaseUsage>
  runUsage(): RunUsage
  log(line: string): void
}

/**
 * `/_evalbox/*`, for workers (other processes) to open and close cases. Every request needs
 * `authorization: Bearer <adminToken>`, compared as sha256 digests with `timingSafeEqual` (equal
 * lengths whatever was sent, no early exit), else 401: agents reach the same server.
 */
export function createAdminHandler(api: AdminApi) {
  const expected = createHash('sha256').update(`Bearer ${api.adminToken}`).digest()
  const authorised = (req: IncomingMessage) => {
    const given = req.headers.authorization
    return typeof given === 'string' && timingSafeEqual(createHash('sha256').update(given).digest(), expected)
  }

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (!authorised(req)) {
      req.resume()
      api.log(`evalbox gateway: refused ${req.method} ${path}: no valid admin token`)
      return sendJson(res, 401, {
        error: 'unauthorized',
        message: 'evalbox gateway: the admin API needs `authorization: Bearer <adminToken>` of this run',
      })
    }
    try {
      if (req.method === 'POST' && path === '/_evalbox/cases') {
        const raw = await readBody(req, 1024 * 1024)
        return sendJson(
          res,
          200,
          await api.openCase(JSON.parse(raw.toString('utf8') || '{}') as OpenCaseOptions),
        )
      }
      req.resume()
      if (req.method === 'GET' && path === '/_evalbox/run') return sendJson(res, 200, api.runUsage())
      const match = /^\/_evalbox\/cases\/([A-Za-z0-9_-]+)$/.exec(path)
      if (match && (req.method === 'GET' || req.method === 'DELETE')) {
        const token = match[1]!
        const usage = api.caseUsage(token)
        if (!usage)
          return sendJson(res, 404, {
            error: 'unknown_case',
            message: `evalbox gateway: no case has token ${token}`,
          })
        return sendJson(res, 200, req.method === 'GET' ? usage : await api.closeCase(token))
      }
      return sendJson(res, 404, {
        error: 'not_found',
        message: `evalbox gateway: no admin route ${req.method} ${path}`,
      })
    } catch (error) {
      if (error instanceof RunBudgetSpentError)
        return sendJson(res, 402, { error: 'run_budget_spent', message: error.message })
      const invalid =
        error instanceof SyntaxError || (error instanceof EvalboxError && error.code === 'INVALID_OPTIONS')
      return sendJson(res, invalid ? 400 : 500, {
        error: invalid ? 'invalid_options' : 'internal',
        message: errorMessage(error),
      })
    }
  }
}
