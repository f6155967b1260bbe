import { understand, detectLanguage } from '../src/understanding';
(async () => {
  for (const t of process.argv.slice(2)) {
    console.log(JSON.stringify(t), JSON.stringify(await understand(t)), JSON.stringify(detectLanguage(t)));
  }
})();
