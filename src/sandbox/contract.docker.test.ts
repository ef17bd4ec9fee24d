import { describe } from 'vitest'
import { fallbackSettings } from '../eval/settings.ts'
import { describeSandboxContract } from '../testing/sandbox-contract.ts'
import { dockerAvailable, TEST_IMAGE } from './docker/test-support.ts'
import { LABEL_CASE, runLabels } from './labels.ts'
import { getProvider, providerNames } from './providers.ts'
import type { SandboxSpec } from './types.ts'

// The contract suite, once per registered provider, each opened the way a case opens it
// (`provider.open`). It lives in the docker project because some providers need an engine;
// one that cannot work here is skipped with its probe's reason (docker fails instead under
// EVALBOX_REQUIRE_DOCKER=1).

/** The spec each provider is opened with; `{}` for those that need nothing. */
const specs: Record<string, SandboxSpec> = { docker: { image: TEST_IMAGE } }

/** Why a provider cannot be tested here, or '' when it can. */
async function unusable(name: string): Promise<string> {
  if (name === 'docker') return (await dockerAvailable()).reason
  return (await getProvider(name).probe?.())?.message ?? ''
}

const settings = fallbackSettings()
for (const name of providerNames()) {
  const reason = await unusable(name)
  if (reason) console.warn(`[evalbox] skipping the ${name} contract: ${reason}`)
  describe.skipIf(reason !== '')(`provider ${name}`, () => {
    describeSandboxContract(name, ({ workspace }) =>
      getProvider(name).open(specs[name] ?? {}, {
        settings,
        workspace,
        labels: { ...runLabels(settings), [LABEL_CASE]: 'contract' },
        caseLabel: 'contract',
      }),
    )
  })
}
