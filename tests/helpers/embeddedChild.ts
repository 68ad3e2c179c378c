// Started by the lifecycle test as a separate process, then killed with SIGKILL.
import { startEmbeddedPostgres } from '../../src/db/embedded'

const [dataDir, port] = process.argv.slice(2)
const db = await startEmbeddedPostgres({ dataDir: dataDir!, port: Number(port), unsafeFast: true })
console.log(`READY ${db.origin}`)
setInterval(() => {}, 1000)
