const {SegmentedMessage}=require('sms-segments-calculator');
const fs=require('fs');
for (const lang of ['nb','nn','en']) {
  const j=JSON.parse(fs.readFileSync(`locales/${lang}.json`,'utf8'));
  const walk=(o,p)=>{for(const [k,v] of Object.entries(o)){const key=p?p+'.'+k:k; if(typeof v==='string'){const m=new SegmentedMessage(v,'auto',true); if(m.segmentsCount>2||m.encodingName!=='GSM-7') console.log(lang,key,v.length,m.segmentsCount,m.encodingName, JSON.stringify(m.graphemes.filter(g=>!/[A-Za-z0-9 .,!?'"():;\-+\/%&@*=#_\n]/.test(g)).join('')));} else if(!Array.isArray(v)) walk(v,key); else {const s=v.join('\n'); const m=new SegmentedMessage(s,'auto',true); if(m.segmentsCount>2) console.log(lang,key,'[array]',s.length,m.segmentsCount)}}};
  walk(j,'');
}
