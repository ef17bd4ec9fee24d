import { EvalboxError, errorMessage } from '../errors.ts'
import type { ExecResult, Sandbox } from '../sandbox/types.ts'
import { provablyUntouched } from '../sandbox/untouched.ts'
import { HARVEST_EXCLUDES } from './harvest-excludes.ts'

/** The state a workspace diff is taken against. */
export interface WorkspaceBaseline {
  /**
   * `'init'`: evalbox made the workdir a git repo with one baseline commit.
   * `'existing'`: the fixture is a repo of its own, left untouched; the baseline is a tree
   * written to an object folder outside it.
   */
  readonly kind: 'init' | 'existing'
  /** Commit (`init`) or tree (`existing`) id the harvest diffs against. */
  readonly ref: string
  /** Object folder for `existing` baselines (outside the workdir). */
  readonly objects?: string
}

/** What the agent changed. */
export interface HarvestedPatch {
  /** `git diff --binary` of the workspace against the baseline: new, edited and deleted files. */
  readonly patch: string
  /** Paths (relative to the workdir) of the files changed, added or deleted, sorted. */
  readonly files: string[]
  /** With `options.probe`: whether that folder held anything. */
  readonly probeHasFiles?: boolean
}

const baselines = new WeakMap<Sandbox, WorkspaceBaseline>()

// Fixed identity and date: identical fixtures give identical baseline commits. Global and
// system git config are ignored so a user's hooks, signing or diff settings cannot change
// the patch; `core.autocrlf=false` keeps bytes as they are.
const GIT_ENV = {
  GIT_AUTHOR_NAME: 'evalbox',
  GIT_AUTHOR_EMAIL: 'evalbox@localhost',
  GIT_AUTHOR_DATE: '2000-01-01T00:00:00Z',
  GIT_COMMITTER_NAME: 'evalbox',
  GIT_COMMITTER_EMAIL: 'evalbox@localhost',
  GIT_COMMITTER_DATE: '2000-01-01T00:00:00Z',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  EVALBOX_EXCLUDES: HARVEST_EXCLUDES.join('\n'),
}
// The default excludes go to a file outside the workdir that git reads as
// `core.excludesFile`, for the baseline and the harvest alike: the fixture's `.gitignore`
// and `.git` stay as they are, and its `.gitignore` still ranks above the defaults.
const G = `scratch=$(mktemp -d "\${TMPDIR:-/tmp}/evalbox-git.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
excludes="$scratch/exclude"
printf '%s\\n' "$EVALBOX_EXCLUDES" >"$excludes"
g() { git -c core.autocrlf=false -c core.safecrlf=false -c core.hooksPath=/dev/null \\
  -c commit.gpgsign=false -c init.defaultBranch=main -c 'safe.directory=*' \\
  -c "core.excludesFile=$excludes" "$@"; }`

// `.git` present: snapshot the working tree into a temporary index and an object folder
// outside the repo (the repo's objects stay readable as alternates), so neither its
// index, refs nor objects change.
const PREPARE = `set -eu
${G}
if [ -e .git ]; then
  repo_objects=$(g rev-parse --path-format=absolute --git-path objects)
  base="\${HOME:-/nonexistent}/.evalbox"
  if ! { mkdir -p "$base" && [ -w "$base" ]; } 2>/dev/null; then base=$(mktemp -d "\${TMPDIR:-/tmp}/evalbox.XXXXXX"); fi
  objects=$(mktemp -d "$base/git-objects.XXXXXX")
  index="$objects/baseline.index"
  export GIT_OBJECT_DIRECTORY="$objects" GIT_ALTERNATE_OBJECT_DIRECTORIES="$repo_objects" GIT_INDEX_FILE="$index"
  g add -A
  tree=$(g write-tree)
  rm -f "$index"
  printf 'existing %s %s\\n' "$tree" "$objects"
else
  g init -q
  g add -A
  g commit -q --allow-empty --no-verify -m 'evalbox baseline'
  printf 'init %s\\n' "$(g rev-parse HEAD)"
fi`

// Stage everything into a throwaway index (the workspace's own index is left alone),
// then print the changed names (NUL-separated), one more NUL, and the binary patch.
const HARVEST = `set -eu
${G}
if [ -n "\${EVALBOX_OBJECTS:-}" ]; then
  repo_objects=$(g rev-parse --path-format=absolute --git-path objects)
  export GIT_OBJECT_DIRECTORY="$EVALBOX_OBJECTS" GIT_ALTERNATE_OBJECT_DIRECTORIES="$repo_objects"
fi
# With EVALBOX_PROBE set, first say whether that folder has anything in it (saves an exec).
if [ -n "\${EVALBOX_PROBE:-}" ]; then
  if [ -n "$(ls -A "$EVALBOX_PROBE" 2>/dev/null | head -c 1)" ]; then printf 'P1\\n'; else printf 'P0\\n'; fi
fi
# A sandbox without a workspace fixture has no baseline commit: its baseline is the empty tree.
[ -e .git ] || [ -n "\${EVALBOX_OBJECTS:-}" ] || g init -q
export GIT_INDEX_FILE="$scratch/index"
g add -A
g diff --cached --no-renames --name-only -z "$1"
printf '\\0'
g diff --cached --no-renames --binary --full-index --no-color --no-ext-diff --no-textconv \\
  --src-prefix=a/ --dst-prefix=b/ "$1"`

/**
 * The baseline of a sandbox that started with an empty workdir (no workspace fixture): git's
 * empty tree, so no exec is needed before the agent and the harvest lists everything it made.
 */
export const EMPTY_BASELINE: WorkspaceBaseline = {
  kind: 'init',
  ref: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
}

/** Patches larger than this are refused rather than silently cut. */
const MAX_PATCH_BYTES = 256 * 1024 * 1024

function gitFailure(what: string, sandbox: Sandbox, result: ExecResult): EvalboxError {
  const missing = result.exitCode === 127 || /git: (not found|command not found)/.test(result.stderr)
  const why = missing
    ? 'git is not installed in the sandbox; use an image with git (evalbox-base has it)'
    : `exit code ${result.exitCode}: ${result.stderr.trim() || 'no error output'}`
  return new EvalboxError('AGENT_FAILED', `Could not ${what} in sandbox ${sandbox.id}: ${why}`)
}

/**
 * Records the workspace as the fixture left it, before the agent runs. A plain folder
 * becomes a git repo with one commit (fixed author and date); a fixture that is already a
 * repo is not touched: its working tree is snapshotted outside it. Call once per sandbox.
 * What `.gitignore` and the default excludes of `harvestPatch` leave out is not recorded.
 */
export async function prepareWorkspaceBaseline(sandbox: Sandbox): Promise<WorkspaceBaseline> {
  const result = await sandbox.exec(['sh', '-c', PREPARE], { env: GIT_ENV, timeoutMs: 120_000 })
  const [kind, ref, objects] = result.stdout.trim().split(' ')
  if (result.exitCode !== 0 || (kind !== 'init' && kind !== 'existing') || !ref) {
    throw gitFailure('record the workspace baseline', sandbox, result)
  }
  const baseline: WorkspaceBaseline = kind === 'init' ? { kind, ref } : { kind, ref, objects }
  baselines.set(sandbox, baseline)
  return baseline
}

/**
 * The agent's changes: everything in the workdir (new, edited, deleted and binary files)
 * against the baseline of `prepareWorkspaceBaseline`, minus what the fixture's `.gitignore`
 * ignores and minus these tool caches, left out by default (`HARVEST_EXCLUDES`):
 * `__pycache__/`, `*.pyc`, `.pytest_cache/`, `node_modules/`, `.mypy_cache/`,
 * `.ruff_cache/`, at any depth. They are left out of the baseline too, so a fixture that
 * ships such files shows no change when they change or go. A `!` line in the fixture's
 * `.gitignore` takes one back (`!node_modules/`). `target/` is not excluded.
 */
export async function harvestPatch(
  sandbox: Sandbox,
  baseline: WorkspaceBaseline | undefined = baselines.get(sandbox),
  options: { probe?: string } = {},
): Promise<HarvestedPatch> {
  if (!baseline) {
    throw new EvalboxError(
      'INVALID_OPTIONS',
      `harvestPatch: sandbox ${sandbox.id} has no baseline. Call prepareWorkspaceBaseline(sandbox) before the agent runs.`,
    )
  }
  // Nothing to diff: the workdir started empty and the sandbox proves nobody wrote to it (or
  // to its output folder) since. Saves the exec, which is most of a quick case's overhead.
  const probesOutputs = options.probe === undefined || options.probe === sandbox.outputDir
  if (baseline.ref === EMPTY_BASELINE.ref && probesOutputs && (await provablyUntouched(sandbox))) {
    return { patch: '', files: [], ...(options.probe !== undefined && { probeHasFiles: false }) }
  }
  const env: Record<string, string> = baseline.objects
    ? { ...GIT_ENV, EVALBOX_OBJECTS: baseline.objects }
    : { ...GIT_ENV }
  if (options.probe) env.EVALBOX_PROBE = options.probe
  let result: ExecResult
  try {
    result = await sandbox.exec(['sh', '-c', HARVEST, 'harvest', baseline.ref], {
      env,
      timeoutMs: 300_000,
      maxOutputBytes: MAX_PATCH_BYTES,
    })
  } catch (error) {
    throw new EvalboxError('AGENT_FAILED', `Could not harvest the workspace: ${errorMessage(error)}`, {
      cause: error,
    })
  }
  if (result.exitCode !== 0) throw gitFailure('harvest the workspace diff', sandbox, result)
  if (result.truncated) {
    throw new EvalboxError(
      'AGENT_FAILED',
      `The workspace diff in sandbox ${sandbox.id} is larger than ${MAX_PATCH_BYTES} bytes. ` +
        "Add the generated files to the fixture's .gitignore.",
    )
  }
  if (!options.probe) return splitHarvest(result.stdout)
  return { ...splitHarvest(result.stdout.slice(3)), probeHasFiles: result.stdout.startsWith('P1') }
}

/** Splits `names\0...\0` + `\0` + patch. Pure. */
export function splitHarvest(output: string): HarvestedPatch {
  const end = output.startsWith('\0') ? 0 : output.indexOf('\0\0') + 1
  const names = output
    .slice(0, end)
    .split('\0')
    .filter((name) => name !== '')
  return { files: names.sort(), patch: output.slice(end + 1) }
}
