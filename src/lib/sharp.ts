// sharp (libvips) costs about 28 MB of resident memory the moment it is loaded, and most processes never
// resize a photo: an API-only web process, the worker, a web process between uploads. So it is loaded on
// the first call, not with the config. Payload only ever calls it (`sharp(input, options)`), and
// synchronously, hence a synchronous require. It is resolved from the project's root (the working
// directory, as everything else in src/env.ts), which holds for the esbuild bundle, Next's bundle of the
// config and the tests alike; `process.getBuiltinModule` keeps bundlers from following it.
import path from 'node:path'

import type Sharp from 'sharp'

const requireFromRoot = process.getBuiltinModule('node:module').createRequire(path.join(process.cwd(), 'package.json'))
// Found now, loaded later: a shop without sharp installed still fails at start, as it did when sharp was
// imported with the config, not at its first upload (which Payload would answer with a 400).
const entry = requireFromRoot.resolve('sharp')

let loaded: typeof Sharp | undefined

function load(): typeof Sharp {
  return (loaded ??= requireFromRoot(entry) as typeof Sharp)
}

export const sharp = ((...args: Parameters<typeof Sharp>) => load()(...args)) as typeof Sharp

/** Whether sharp has been loaded in this process (for the test that it is not, until a photo is resized). */
export const sharpLoaded = () => loaded !== undefined
