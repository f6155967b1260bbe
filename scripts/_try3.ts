import { detectLanguage, countMarkers } from '../src/understanding';
for (const t of process.argv.slice(2))
  console.log(JSON.stringify(t), JSON.stringify(countMarkers(t)), JSON.stringify(detectLanguage(t)));
