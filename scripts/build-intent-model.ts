import { writeFileSync } from 'node:fs';
import { DEFAULT_INTENT_MODEL_FILE, trainIntentModel } from '../src/understanding';

/**
 * Part of `npm run build`: trains the intent classifier from the corpus once and writes it next to the
 * compiled code (dist/intent-model.json), so the server imports it at start instead of training (about
 * half of its start-up CPU). The file carries the hash of what it was trained from; a server whose
 * corpus or NLP.js differs trains at start instead of using it.
 *
 *   node dist/scripts/build-intent-model.js [FILE]
 */
async function main(): Promise<void> {
  const file = process.argv[2] ?? DEFAULT_INTENT_MODEL_FILE;
  const model = await trainIntentModel();
  writeFileSync(file, JSON.stringify(model));
  process.stdout.write(`intent model written to ${file} (${model.hash.slice(0, 12)})\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
