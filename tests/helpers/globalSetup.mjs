// Jest loads global setup as a native ES module without its transform; tsx loads the TypeScript.
import { tsImport } from 'tsx/esm/api'

export default async function globalSetup() {
  const { default: setup } = await tsImport('./setupDatabase.ts', import.meta.url)
  await setup()
}
