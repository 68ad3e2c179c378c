// Each test file gets photo and email folders of its own inside the run's (see setupDatabase.ts): files
// run two at a time, and a test that checks what landed on disk must see only its own files.
import fs from 'node:fs'
import path from 'node:path'

const runFolder = process.env.MEDIA_DIR
if (runFolder) {
  const mine = fs.mkdtempSync(path.join(runFolder, 'file-'))
  process.env.MEDIA_DIR = mine
  process.env.MAIL_DIR = path.join(mine, 'mail')
}
