// Writes .env.example from the config schema (a test checks the committed file is current).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvExample } from '../src/config';

writeFileSync(join(__dirname, '..', '.env.example'), renderEnvExample());
console.log('wrote .env.example');
