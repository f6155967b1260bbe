import { createNlp } from '../src/understanding/nlp-engine';
(async () => {
  const nlp = await createNlp();
  nlp.addDocument('no', 'bestille brev', 'order');
  nlp.addDocument('no', 'brevet kom ikke', 'notarr');
  await nlp.train();
  for (const t of ['ok', 'hva er meningen med livet', 'brev', 'meningen livet brev'])
    console.log(t, JSON.stringify((await nlp.classify('no', t)).classifications));
  console.log(JSON.stringify(nlp.settings));
})();
