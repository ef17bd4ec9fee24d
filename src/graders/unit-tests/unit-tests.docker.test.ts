import { describe } from 'vitest'
import { dockerAvailable } from '../../sandbox/docker/test-support.ts'
import { describeUnitTestsLive, LIVE_PROJECTS } from './live-suite.ts'

const docker = await dockerAvailable()

// evalbox-base has node 18 (node:test) and python3 with pytest 7.
describe.skipIf(!docker.ok)('unitTests with docker verifiers', () => {
  describeUnitTestsLive('docker', LIVE_PROJECTS)
})
